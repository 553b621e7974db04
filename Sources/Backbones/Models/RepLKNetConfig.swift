/// The constructor arguments of the official `RepLKNet` class (DingXiaoH/RepLKNet-pytorch,
/// `replknet.py`) that change the eval-mode math, under their official names.
///
/// `large_kernel_sizes`, `layers`, `channels` and `small_kernel` have no official default (the class
/// requires them; a config names a `preset` or gives them). Defaults: `dw_ratio` 1, `ffn_ratio` 4,
/// `in_channels` 3, `num_classes` 1000, `out_indices` `null`, `norm_intermediate_features` false,
/// `small_kernel_merged` false. `small_kernel` may be `null` (no small branch, RepLKNet-XL).
/// `small_kernel_merged` true expects the re-parameterised key set (`large_kernel.lkb_reparam.{weight, bias}`
/// instead of `lkb_origin.*` and `small_conv.*`).
///
/// The dense-prediction form (the official downstream constructor): `num_classes` `null` and `out_indices`
/// the stages whose maps the model returns (exactly one of the two is given, as the official class
/// requires); no `norm`/`head` keys. With `norm_intermediate_features` (downstream only, documented for
/// RepLKNet-XL on COCO/ADE20K) each stage has a BatchNorm `stages.{s}.norm.*` applied to the map it returns.
/// (`drop_path_rate`, `use_checkpoint`, `use_sync_bn` do not change eval outputs.)
public struct RepLKNetConfig: Codable, Sendable, Equatable {
    /// The large kernel K_s of each stage (odd).
    public var largeKernelSizes: [Int]
    /// RepLK block / ConvFFN *pairs* per stage.
    public var layers: [Int]
    /// Stage widths C0…C3.
    public var channels: [Int]
    /// The small re-parameterisation kernel (odd, ≤ every K_s), or `nil` for none.
    public var smallKernel: Int?
    /// Large-kernel width `int(C_s·dw_ratio)`.
    public var dwRatio: Double
    /// ConvFFN width `int(C_s·ffn_ratio)`.
    public var ffnRatio: Double
    public var inChannels: Int
    /// Classes of the head; `nil` for the dense-prediction form (no `norm`, no `head`).
    public var numClasses: Int?
    /// The stages (0…3) whose maps the dense-prediction form returns, in stage order; `nil` for the classifier.
    public var outIndices: [Int]?
    /// A BatchNorm `stages.{s}.norm` on each returned map (dense-prediction form only).
    public var normIntermediateFeatures: Bool
    public var smallKernelMerged: Bool

    enum CodingKeys: String, CodingKey {
        case largeKernelSizes = "large_kernel_sizes", layers, channels, smallKernel = "small_kernel", dwRatio = "dw_ratio"
        case ffnRatio = "ffn_ratio", inChannels = "in_channels", numClasses = "num_classes", outIndices = "out_indices"
        case normIntermediateFeatures = "norm_intermediate_features", smallKernelMerged = "small_kernel_merged"
    }

    public init(largeKernelSizes: [Int], layers: [Int], channels: [Int], smallKernel: Int?, dwRatio: Double = 1, ffnRatio: Double = 4,
                inChannels: Int = 3, numClasses: Int? = 1000, outIndices: [Int]? = nil, normIntermediateFeatures: Bool = false,
                smallKernelMerged: Bool = false) {
        (self.largeKernelSizes, self.layers, self.channels, self.smallKernel) = (largeKernelSizes, layers, channels, smallKernel)
        (self.dwRatio, self.ffnRatio, self.inChannels, self.numClasses, self.smallKernelMerged) = (dwRatio, ffnRatio, inChannels, numClasses, smallKernelMerged)
        (self.outIndices, self.normIntermediateFeatures) = (outIndices, normIntermediateFeatures)
    }

    /// `large_kernel_sizes`, `layers`, `channels` are required; `small_kernel` missing or `null` means none;
    /// `num_classes` missing means 1000, `null` the dense-prediction form.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(largeKernelSizes: try c.decode([Int].self, forKey: .largeKernelSizes), layers: try c.decode([Int].self, forKey: .layers),
                  channels: try c.decode([Int].self, forKey: .channels), smallKernel: try c.decodeIfPresent(Int.self, forKey: .smallKernel),
                  dwRatio: try c.decodeIfPresent(Double.self, forKey: .dwRatio) ?? 1,
                  ffnRatio: try c.decodeIfPresent(Double.self, forKey: .ffnRatio) ?? 4,
                  inChannels: try c.decodeIfPresent(Int.self, forKey: .inChannels) ?? 3,
                  numClasses: c.contains(.numClasses) ? try c.decodeIfPresent(Int.self, forKey: .numClasses) : 1000,
                  outIndices: try c.decodeIfPresent([Int].self, forKey: .outIndices),
                  normIntermediateFeatures: try c.decodeIfPresent(Bool.self, forKey: .normIntermediateFeatures) ?? false,
                  smallKernelMerged: try c.decodeIfPresent(Bool.self, forKey: .smallKernelMerged) ?? false)
    }

    /// Writes every key, the optional ones as `null` when absent, so that decoding gives the same config back
    /// (a missing `num_classes` would mean 1000).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(largeKernelSizes, forKey: .largeKernelSizes)
        try c.encode(layers, forKey: .layers)
        try c.encode(channels, forKey: .channels)
        try c.encode(smallKernel, forKey: .smallKernel)
        try c.encode(dwRatio, forKey: .dwRatio)
        try c.encode(ffnRatio, forKey: .ffnRatio)
        try c.encode(inChannels, forKey: .inChannels)
        try c.encode(numClasses, forKey: .numClasses)
        try c.encode(outIndices, forKey: .outIndices)
        try c.encode(normIntermediateFeatures, forKey: .normIntermediateFeatures)
        try c.encode(smallKernelMerged, forKey: .smallKernelMerged)
    }

    /// The official constructor's checks of the two forms: exactly one of `num_classes` and `out_indices`;
    /// `norm_intermediate_features` only with `out_indices`; stage indices in 0…3.
    func checkForm() throws(BackboneError) {
        let id = "replknet"
        switch (numClasses, outIndices) {
        case (nil, nil): throw .config(block: id, message: "one of \"num_classes\" (the classifier) and \"out_indices\" (dense prediction) is needed, both are null")
        case (.some, .some): throw .config(block: id, message: "\"num_classes\" (the classifier) and \"out_indices\" (dense prediction) cannot both be given: set \"num_classes\": null for dense prediction")
        case (.some(let n), nil):
            guard n >= 1 else { throw .config(block: id, message: "\"num_classes\" must be ≥ 1, got \(n)") }
            guard !normIntermediateFeatures else {
                throw .config(block: id, message: "\"norm_intermediate_features\" is for dense prediction (\"out_indices\"), not for the classifier")
            }
        case (nil, .some(let indices)):
            guard !indices.isEmpty, indices.allSatisfy({ (0..<4).contains($0) }) else {
                throw .config(block: id, message: "\"out_indices\" must list stages 0…3, got \(indices)")
            }
        }
    }

    /// `create_RepLKNet31B`: kernels 31, 29, 27, 13; layers 2, 2, 18, 2; channels 128…1024; small kernel 5.
    public static let b31 = RepLKNetConfig(largeKernelSizes: [31, 29, 27, 13], layers: [2, 2, 18, 2], channels: [128, 256, 512, 1024], smallKernel: 5)
    /// `create_RepLKNet31L`: as 31B with channels 192…1536.
    public static let l31 = RepLKNetConfig(largeKernelSizes: [31, 29, 27, 13], layers: [2, 2, 18, 2], channels: [192, 384, 768, 1536], smallKernel: 5)
    /// `create_RepLKNetXL`: kernels 27, 27, 27, 13; channels 256…2048; no small kernel; dw_ratio 1.5.
    public static let xl = RepLKNetConfig(largeKernelSizes: [27, 27, 27, 13], layers: [2, 2, 18, 2], channels: [256, 512, 1024, 2048],
                                          smallKernel: nil, dwRatio: 1.5)

    public static let presets: [String: RepLKNetConfig] = ["replknet_31b": .b31, "replknet_31l": .l31, "replknet_xl": .xl]

    /// Reads a fixture/registry config (strict keys; `preset` then overrides).
    static func parse(_ config: BlockConfig) throws(BackboneError) -> RepLKNetConfig {
        var c = config
        let base: RepLKNetConfig? = c.has("preset") ? try c.preset(presets, default: .b31) : nil
        let small: Int?
        if c.has("small_kernel") { small = try c.optionalInt("small_kernel") } else if let base { small = base.smallKernel } else {
            throw .config(block: "replknet", message: "\"small_kernel\" is required (no official default; null for none) unless a \"preset\" is given")
        }
        let out = RepLKNetConfig(largeKernelSizes: try c.ints("large_kernel_sizes", count: 4, default: base?.largeKernelSizes),
                                 layers: try c.ints("layers", count: 4, default: base?.layers),
                                 channels: try c.ints("channels", count: 4, default: base?.channels), smallKernel: small,
                                 dwRatio: try c.double("dw_ratio", default: base?.dwRatio ?? 1),
                                 ffnRatio: try c.double("ffn_ratio", default: base?.ffnRatio ?? 4),
                                 inChannels: try c.int("in_channels", default: base?.inChannels ?? 3),
                                 numClasses: try c.optionalInt("num_classes", default: base.map { $0.numClasses } ?? 1000),
                                 outIndices: try c.optionalInts("out_indices", count: nil, default: base?.outIndices, minimum: 0),
                                 normIntermediateFeatures: try c.bool("norm_intermediate_features", default: base?.normIntermediateFeatures ?? false),
                                 smallKernelMerged: try c.bool("small_kernel_merged", default: base?.smallKernelMerged ?? false))
        try c.finish()
        return out
    }
}
