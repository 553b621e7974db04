import GlobalConv

/// The config of `parc.op` (``ParCBlock``): JSON keys `channels`, `axis`, `kernel_size`, `use_pe`.
public struct ParCBlockConfig: Codable, Sendable, Equatable {
    /// `"H"` or `"W"`.
    public enum Axis: String, Codable, Sendable { case h = "H", w = "W" }

    /// C, the channels (required, ≥ 1).
    public var channels: Int
    /// The axis the global kernel runs along (required).
    public var axis: Axis
    /// K, the learned length (required, ≥ 1).
    public var kernelSize: Int
    /// Whether the positional embedding is added; default `true`.
    public var usePE: Bool

    enum CodingKeys: String, CodingKey { case channels, axis, kernelSize = "kernel_size", usePE = "use_pe" }

    public init(channels: Int, axis: Axis, kernelSize: Int, usePE: Bool = true) {
        (self.channels, self.axis, self.kernelSize, self.usePE) = (channels, axis, kernelSize, usePE)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(channels: try c.decode(Int.self, forKey: .channels), axis: try c.decode(Axis.self, forKey: .axis),
                  kernelSize: try c.decode(Int.self, forKey: .kernelSize),
                  usePE: try c.decodeIfPresent(Bool.self, forKey: .usePE) ?? true)
    }

    /// Reads a JSON config with ``BlockConfig``'s checks (every missing and unknown key in one error).
    public static func parse(_ config: BlockConfig) throws(BackboneError) -> Self {
        var c = config
        let channels = try c.inputChannels("channels")
        let axis = try c.string("axis", allowed: ["H", "W"])
        let k = try c.int("kernel_size")
        let usePE = try c.bool("use_pe", default: true)
        try c.finish()
        return Self(channels: channels, axis: axis == "H" ? .h : .w, kernelSize: k, usePE: usePE)
    }
}

/// The config of `parc.convnext_block` (``ParCConvNeXtBlock``): JSON keys `dim`, `kernel_size`, `use_pe`.
public struct ParCConvNeXtBlockConfig: Codable, Sendable, Equatable {
    /// d, the channels (required, ≥ 2 and even).
    public var dim: Int
    /// K of both operators; default 14.
    public var kernelSize: Int
    /// Whether the positional embeddings are added; default `true`.
    public var usePE: Bool

    enum CodingKeys: String, CodingKey { case dim, kernelSize = "kernel_size", usePE = "use_pe" }

    public init(dim: Int, kernelSize: Int = 14, usePE: Bool = true) {
        (self.dim, self.kernelSize, self.usePE) = (dim, kernelSize, usePE)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(dim: try c.decode(Int.self, forKey: .dim), kernelSize: try c.decodeIfPresent(Int.self, forKey: .kernelSize) ?? 14,
                  usePE: try c.decodeIfPresent(Bool.self, forKey: .usePE) ?? true)
    }

    /// Reads a JSON config with ``BlockConfig``'s checks (every missing and unknown key in one error).
    public static func parse(_ config: BlockConfig) throws(BackboneError) -> Self {
        var c = config
        let dim = try c.inputChannels("dim", minimum: 2)
        let k = try c.int("kernel_size", default: 14)
        let usePE = try c.bool("use_pe", default: true)
        try c.finish()
        return Self(dim: dim, kernelSize: k, usePE: usePE)
    }
}

/// The config of `convnext.block` (``ConvNeXtBlock``): JSON keys `dim`, `kernel_size`.
public struct ConvNeXtBlockConfig: Codable, Sendable, Equatable {
    /// d, the channels (required, ≥ 1).
    public var dim: Int
    /// k of the depthwise conv, odd; default 7.
    public var kernelSize: Int

    enum CodingKeys: String, CodingKey { case dim, kernelSize = "kernel_size" }

    public init(dim: Int, kernelSize: Int = 7) { (self.dim, self.kernelSize) = (dim, kernelSize) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(dim: try c.decode(Int.self, forKey: .dim), kernelSize: try c.decodeIfPresent(Int.self, forKey: .kernelSize) ?? 7)
    }

    /// Reads a JSON config with ``BlockConfig``'s checks (every missing and unknown key in one error).
    public static func parse(_ config: BlockConfig) throws(BackboneError) -> Self {
        var c = config
        let dim = try c.inputChannels("dim")
        let k = try c.int("kernel_size", default: 7)
        try c.finish()
        return Self(dim: dim, kernelSize: k)
    }
}
