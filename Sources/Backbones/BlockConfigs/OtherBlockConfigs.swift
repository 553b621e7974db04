import GlobalConv

/// The config of `unireplknet.dilated_reparam` (``DilatedReparamConvBlock``): JSON keys `channels`,
/// `kernel_size`, `reparameterized`.
public struct DilatedReparamConvBlockConfig: Codable, Sendable, Equatable {
    /// C, the channels (required, ≥ 1).
    public var channels: Int
    /// K, one with a branch table (required).
    public var kernelSize: Int
    /// `true` reads the merged keys; default `false`.
    public var reparameterized: Bool

    enum CodingKeys: String, CodingKey { case channels, kernelSize = "kernel_size", reparameterized }

    public init(channels: Int, kernelSize: Int, reparameterized: Bool = false) {
        (self.channels, self.kernelSize, self.reparameterized) = (channels, kernelSize, reparameterized)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(channels: try c.decode(Int.self, forKey: .channels), kernelSize: try c.decode(Int.self, forKey: .kernelSize),
                  reparameterized: try c.decodeIfPresent(Bool.self, forKey: .reparameterized) ?? false)
    }

    /// Reads a JSON config with ``BlockConfig``'s checks (every missing and unknown key in one error).
    public static func parse(_ config: BlockConfig) throws(BackboneError) -> Self {
        var c = config
        let channels = try c.inputChannels("channels")
        let k = try c.int("kernel_size")
        let merged = try c.bool("reparameterized", default: false)
        try c.finish()
        return Self(channels: channels, kernelSize: k, reparameterized: merged)
    }
}

/// The config of `moganet.block` (``MogaBlock``): JSON keys `dim`, `ffn_ratio`, `attn_dw_dilation`,
/// `attn_channel_split`, `attn_force_fp32`.
public struct MogaBlockConfig: Codable, Sendable, Equatable {
    /// C, the channels (required, ≥ 1).
    public var dim: Int
    /// FFN hidden width ratio, `int(C·ffnRatio) ≥ 1`; default 4.
    public var ffnRatio: Double
    /// The three value-branch dilations, each in 1...3; default `[1, 2, 3]`.
    public var attnDWDilation: [Int]
    /// The channel split ratios, `dim` divisible by their sum; default `[1, 3, 4]`.
    public var attnChannelSplit: [Int]
    /// The official flag (the gate in Float32); default `false`.
    public var attnForceFP32: Bool

    enum CodingKeys: String, CodingKey {
        case dim, ffnRatio = "ffn_ratio", attnDWDilation = "attn_dw_dilation", attnChannelSplit = "attn_channel_split",
             attnForceFP32 = "attn_force_fp32"
    }

    public init(dim: Int, ffnRatio: Double = 4, attnDWDilation: [Int] = [1, 2, 3], attnChannelSplit: [Int] = [1, 3, 4],
                attnForceFP32: Bool = false) {
        (self.dim, self.ffnRatio, self.attnDWDilation, self.attnChannelSplit, self.attnForceFP32) =
            (dim, ffnRatio, attnDWDilation, attnChannelSplit, attnForceFP32)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(dim: try c.decode(Int.self, forKey: .dim), ffnRatio: try c.decodeIfPresent(Double.self, forKey: .ffnRatio) ?? 4,
                  attnDWDilation: try c.decodeIfPresent([Int].self, forKey: .attnDWDilation) ?? [1, 2, 3],
                  attnChannelSplit: try c.decodeIfPresent([Int].self, forKey: .attnChannelSplit) ?? [1, 3, 4],
                  attnForceFP32: try c.decodeIfPresent(Bool.self, forKey: .attnForceFP32) ?? false)
    }

    /// Reads a JSON config with ``BlockConfig``'s checks (every missing and unknown key in one error).
    public static func parse(_ config: BlockConfig) throws(BackboneError) -> Self {
        var c = config
        let dim = try c.inputChannels("dim")
        let ratio = try c.double("ffn_ratio", default: 4)
        let dil = try c.ints("attn_dw_dilation", count: 3, default: [1, 2, 3])
        let split = try c.ints("attn_channel_split", count: 3, default: [1, 3, 4])
        let forceFP32 = try c.bool("attn_force_fp32", default: false)
        try c.finish()
        return Self(dim: dim, ffnRatio: ratio, attnDWDilation: dil, attnChannelSplit: split, attnForceFP32: forceFP32)
    }
}

/// The config of `gfnet.block` (``GFNetBlock``): JSON keys `dim`, `h`, `w`, `mlp_ratio`, `layer_norm_eps`.
public struct GFNetBlockConfig: Codable, Sendable, Equatable {
    /// C, the channels (required, ≥ 1).
    public var dim: Int
    /// The filter's rows (the map's H); default 14.
    public var h: Int
    /// The filter's columns (`W/2 + 1`); default 8.
    public var w: Int
    /// MLP hidden width ratio, `int(C·mlpRatio) ≥ 1`; default 4.
    public var mlpRatio: Double
    /// Both LayerNorms' eps, ≥ 0; default 1e-6.
    public var layerNormEps: Double

    enum CodingKeys: String, CodingKey { case dim, h, w, mlpRatio = "mlp_ratio", layerNormEps = "layer_norm_eps" }

    public init(dim: Int, h: Int = 14, w: Int = 8, mlpRatio: Double = 4, layerNormEps: Double = 1e-6) {
        (self.dim, self.h, self.w, self.mlpRatio, self.layerNormEps) = (dim, h, w, mlpRatio, layerNormEps)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(dim: try c.decode(Int.self, forKey: .dim), h: try c.decodeIfPresent(Int.self, forKey: .h) ?? 14,
                  w: try c.decodeIfPresent(Int.self, forKey: .w) ?? 8,
                  mlpRatio: try c.decodeIfPresent(Double.self, forKey: .mlpRatio) ?? 4,
                  layerNormEps: try c.decodeIfPresent(Double.self, forKey: .layerNormEps) ?? 1e-6)
    }

    /// Reads a JSON config with ``BlockConfig``'s checks (every missing and unknown key in one error).
    public static func parse(_ config: BlockConfig) throws(BackboneError) -> Self {
        var c = config
        let dim = try c.inputChannels("dim")
        let h = try c.int("h", default: 14)
        let w = try c.int("w", default: 8)
        let ratio = try c.double("mlp_ratio", default: 4)
        let eps = try c.double("layer_norm_eps", default: 1e-6)
        try c.finish()
        return Self(dim: dim, h: h, w: w, mlpRatio: ratio, layerNormEps: eps)
    }
}
