import GlobalConv

/// The config of `van.lka` (``LKABlock``): JSON keys `dim`, `kernel_size`, `dilation`.
public struct LKABlockConfig: Codable, Sendable, Equatable {
    /// C, the channels (required, ≥ 1).
    public var dim: Int
    /// K, the kernel the decomposition stands for; default 21.
    public var kernelSize: Int
    /// d, `1 ≤ d ≤ K`; default 3.
    public var dilation: Int

    enum CodingKeys: String, CodingKey { case dim, kernelSize = "kernel_size", dilation }

    public init(dim: Int, kernelSize: Int = 21, dilation: Int = 3) {
        (self.dim, self.kernelSize, self.dilation) = (dim, kernelSize, dilation)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(dim: try c.decode(Int.self, forKey: .dim), kernelSize: try c.decodeIfPresent(Int.self, forKey: .kernelSize) ?? 21,
                  dilation: try c.decodeIfPresent(Int.self, forKey: .dilation) ?? 3)
    }

    /// Reads a JSON config with ``BlockConfig``'s checks (every missing and unknown key in one error).
    public static func parse(_ config: BlockConfig) throws(BackboneError) -> Self {
        var c = config
        let dim = try c.inputChannels("dim")
        let k = try c.int("kernel_size", default: 21)
        let d = try c.int("dilation", default: 3)
        try c.finish()
        return Self(dim: dim, kernelSize: k, dilation: d)
    }
}

/// The config of `van.block` (``VANBlock``): JSON keys `dim`, `mlp_ratio`, `kernel_size`, `dilation`.
public struct VANBlockConfig: Codable, Sendable, Equatable {
    /// C, the channels (required, ≥ 1).
    public var dim: Int
    /// Hidden width ratio, `int(C·mlpRatio) ≥ 1`; default 4.
    public var mlpRatio: Double
    /// K of the LKA; default 21.
    public var kernelSize: Int
    /// d of the LKA; default 3.
    public var dilation: Int

    enum CodingKeys: String, CodingKey { case dim, mlpRatio = "mlp_ratio", kernelSize = "kernel_size", dilation }

    public init(dim: Int, mlpRatio: Double = 4, kernelSize: Int = 21, dilation: Int = 3) {
        (self.dim, self.mlpRatio, self.kernelSize, self.dilation) = (dim, mlpRatio, kernelSize, dilation)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(dim: try c.decode(Int.self, forKey: .dim), mlpRatio: try c.decodeIfPresent(Double.self, forKey: .mlpRatio) ?? 4,
                  kernelSize: try c.decodeIfPresent(Int.self, forKey: .kernelSize) ?? 21,
                  dilation: try c.decodeIfPresent(Int.self, forKey: .dilation) ?? 3)
    }

    /// Reads a JSON config with ``BlockConfig``'s checks (every missing and unknown key in one error).
    public static func parse(_ config: BlockConfig) throws(BackboneError) -> Self {
        var c = config
        let dim = try c.inputChannels("dim")
        let ratio = try c.double("mlp_ratio", default: 4)
        let k = try c.int("kernel_size", default: 21)
        let d = try c.int("dilation", default: 3)
        try c.finish()
        return Self(dim: dim, mlpRatio: ratio, kernelSize: k, dilation: d)
    }
}
