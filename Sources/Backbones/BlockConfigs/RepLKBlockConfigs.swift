import GlobalConv

/// The config of `replknet.large_kernel` (``RepLKLargeKernelBlock``): JSON keys `channels`,
/// `kernel_size`, `small_kernel`, `reparameterized`.
public struct RepLKLargeKernelBlockConfig: Codable, Sendable, Equatable {
    /// C, the channels (required, ≥ 1).
    public var channels: Int
    /// K, odd (required).
    public var kernelSize: Int
    /// s, odd and ≤ K; default `nil` (no small branch).
    public var smallKernel: Int?
    /// `true` reads the merged keys; default `false`.
    public var reparameterized: Bool

    enum CodingKeys: String, CodingKey { case channels, kernelSize = "kernel_size", smallKernel = "small_kernel", reparameterized }

    public init(channels: Int, kernelSize: Int, smallKernel: Int? = nil, reparameterized: Bool = false) {
        (self.channels, self.kernelSize, self.smallKernel, self.reparameterized) = (channels, kernelSize, smallKernel, reparameterized)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(channels: try c.decode(Int.self, forKey: .channels), kernelSize: try c.decode(Int.self, forKey: .kernelSize),
                  smallKernel: try c.decodeIfPresent(Int.self, forKey: .smallKernel),
                  reparameterized: try c.decodeIfPresent(Bool.self, forKey: .reparameterized) ?? false)
    }

    /// Reads a JSON config with ``BlockConfig``'s checks (every missing and unknown key in one error).
    public static func parse(_ config: BlockConfig) throws(BackboneError) -> Self {
        var c = config
        let channels = try c.inputChannels("channels")
        let k = try c.int("kernel_size")
        let s = try c.optionalInt("small_kernel")
        let merged = try c.bool("reparameterized", default: false)
        try c.finish()
        return Self(channels: channels, kernelSize: k, smallKernel: s, reparameterized: merged)
    }
}

/// The config of `replknet.block` (``RepLKBlock``): JSON keys `in_channels`, `dw_channels`,
/// `block_lk_size`, `small_kernel`, `reparameterized`.
public struct RepLKBlockConfig: Codable, Sendable, Equatable {
    /// C, the block's channels (required, ≥ 1).
    public var inChannels: Int
    /// Cdw, the large kernel's channels (required, ≥ 1).
    public var dwChannels: Int
    /// K, odd (required).
    public var blockLKSize: Int
    /// s, odd and ≤ K; default `nil` (no small branch).
    public var smallKernel: Int?
    /// `true` reads the merged large-kernel keys; default `false`.
    public var reparameterized: Bool

    enum CodingKeys: String, CodingKey {
        case inChannels = "in_channels", dwChannels = "dw_channels", blockLKSize = "block_lk_size", smallKernel = "small_kernel", reparameterized
    }

    public init(inChannels: Int, dwChannels: Int, blockLKSize: Int, smallKernel: Int? = nil, reparameterized: Bool = false) {
        (self.inChannels, self.dwChannels, self.blockLKSize, self.smallKernel, self.reparameterized) =
            (inChannels, dwChannels, blockLKSize, smallKernel, reparameterized)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(inChannels: try c.decode(Int.self, forKey: .inChannels), dwChannels: try c.decode(Int.self, forKey: .dwChannels),
                  blockLKSize: try c.decode(Int.self, forKey: .blockLKSize), smallKernel: try c.decodeIfPresent(Int.self, forKey: .smallKernel),
                  reparameterized: try c.decodeIfPresent(Bool.self, forKey: .reparameterized) ?? false)
    }

    /// Reads a JSON config with ``BlockConfig``'s checks (every missing and unknown key in one error).
    public static func parse(_ config: BlockConfig) throws(BackboneError) -> Self {
        var c = config
        let cin = try c.inputChannels("in_channels")
        let dw = try c.int("dw_channels")
        let k = try c.int("block_lk_size")
        let s = try c.optionalInt("small_kernel")
        let merged = try c.bool("reparameterized", default: false)
        try c.finish()
        return Self(inChannels: cin, dwChannels: dw, blockLKSize: k, smallKernel: s, reparameterized: merged)
    }
}

/// The config of `replknet.convffn` (``ConvFFNBlock``): JSON keys `in_channels`, `internal_channels`,
/// `out_channels`.
public struct ConvFFNBlockConfig: Codable, Sendable, Equatable {
    /// C (required, ≥ 1).
    public var inChannels: Int
    /// Ch, the hidden channels (required, ≥ 1).
    public var internalChannels: Int
    /// Must equal `inChannels` (required: the block adds its input).
    public var outChannels: Int

    enum CodingKeys: String, CodingKey {
        case inChannels = "in_channels", internalChannels = "internal_channels", outChannels = "out_channels"
    }

    public init(inChannels: Int, internalChannels: Int, outChannels: Int) {
        (self.inChannels, self.internalChannels, self.outChannels) = (inChannels, internalChannels, outChannels)
    }

    /// Reads a JSON config with ``BlockConfig``'s checks (every missing and unknown key in one error).
    public static func parse(_ config: BlockConfig) throws(BackboneError) -> Self {
        var c = config
        let cin = try c.inputChannels("in_channels")
        let mid = try c.int("internal_channels")
        let cout = try c.int("out_channels")
        try c.finish()
        return Self(inChannels: cin, internalChannels: mid, outChannels: cout)
    }
}
