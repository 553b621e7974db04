import GlobalConv

/// The config of `slak.large_kernel` (``SLaKLargeKernelBlock``): JSON keys `channels` (or `dim`),
/// `kernel_size`. Encodes as `channels`.
public struct SLaKLargeKernelBlockConfig: Codable, Sendable, Equatable {
    /// C, the channels (required, ≥ 1).
    public var channels: Int
    /// `[K, N]`, both odd, N ≤ K (required; JSON also takes one integer for both).
    public var kernelSize: [Int]

    enum CodingKeys: String, CodingKey { case channels, kernelSize = "kernel_size" }

    public init(channels: Int, kernelSize: [Int]) { (self.channels, self.kernelSize) = (channels, kernelSize) }

    /// `kernel_size` as `[K, N]` or one integer for both.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(channels: try c.decode(Int.self, forKey: .channels), kernelSize: try c.decodePair(forKey: .kernelSize))
    }

    /// Reads a JSON config with ``BlockConfig``'s checks (every missing and unknown key in one error).
    public static func parse(_ config: BlockConfig) throws(BackboneError) -> Self {
        var c = config
        let channels = try c.channelsOrDim(primary: "channels")
        let (k, n) = try c.slakKernel()
        try c.finish()
        return Self(channels: channels, kernelSize: [k, n])
    }
}

/// The config of `slak.block` (``SLaKBlock``): JSON keys `dim` (or `channels`), `kernel_size`.
/// Encodes as `dim`.
public struct SLaKBlockConfig: Codable, Sendable, Equatable {
    /// d, the channels (required, ≥ 1).
    public var dim: Int
    /// `[K, N]`, both odd, N ≤ K (required; JSON also takes one integer for both).
    public var kernelSize: [Int]

    enum CodingKeys: String, CodingKey { case dim, kernelSize = "kernel_size" }

    public init(dim: Int, kernelSize: [Int]) { (self.dim, self.kernelSize) = (dim, kernelSize) }

    /// `kernel_size` as `[K, N]` or one integer for both.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(dim: try c.decode(Int.self, forKey: .dim), kernelSize: try c.decodePair(forKey: .kernelSize))
    }

    /// Reads a JSON config with ``BlockConfig``'s checks (every missing and unknown key in one error).
    public static func parse(_ config: BlockConfig) throws(BackboneError) -> Self {
        var c = config
        let dim = try c.channelsOrDim(primary: "dim")
        let (k, n) = try c.slakKernel()
        try c.finish()
        return Self(dim: dim, kernelSize: [k, n])
    }
}

/// The SLaK `[K, N]` check of ``BlockConfig/slakKernel()`` for a typed config.
func checkSLaKKernel(_ kn: [Int], block: String) throws(BackboneError) -> (Int, Int) {
    guard kn.count == 2, kn[1] >= 1, kn[1] <= kn[0], kn[0] % 2 == 1, kn[1] % 2 == 1 else {
        throw .config(block: block, message: "\"kernel_size\" [K, N] needs odd N ≤ K (branches padded by k/2 keep the map size only for odd k), got \(kn)")
    }
    return (kn[0], kn[1])
}
