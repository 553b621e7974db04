/// The constructor arguments of the official `UniRepLKNet` class (AILab-CVC/UniRepLKNet, `unireplknet.py`)
/// that change the eval-mode math, under their official names.
///
/// Class defaults: `depths` [3, 3, 27, 3], `dims` [96, 192, 384, 768], `kernel_sizes` `null` (then the
/// official table for the depths: A/F/P (2, 2, 6, 2), N (2, 2, 8, 2), T (3, 3, 18, 3), S/B/L/XL
/// (3, 3, 27, 3); other depths need explicit kernel sizes), `deploy` false, `layer_scale_init_value` 1e-6
/// (only decides whether the layer scale `gamma` exists: not when `null` or ≤ 0, nor in deploy form),
/// `num_classes` 1000, `in_chans` 3, `init_cfg` `null`. LayerNorm eps 1e-6, BN eps 1e-5, GRN eps 1e-6, FFN factor 4.
///
/// The dense-prediction form (the official downstream constructor, selected by an OpenMMLab `init_cfg`,
/// any value but `null`; its content — a checkpoint to load — is not used here): `num_classes` must be `null`,
/// there is no `norm`/`head`, and each stage's map passes through a channels-first LayerNorm `norm{s}`
/// (keys `norm{s}.{weight,bias}`, eps 1e-6).
public struct UniRepLKNetConfig: Codable, Sendable, Equatable {
    public var depths: [Int]
    public var dims: [Int]
    /// One kernel size per block and stage; `nil`: the official table for `depths`.
    public var kernelSizes: [[Int]]?
    public var deploy: Bool
    public var layerScaleInitValue: Double?
    /// Classes of the head; `nil` in the dense-prediction form.
    public var numClasses: Int?
    public var inChans: Int
    /// The official OpenMMLab `init_cfg`: `nil` for the classifier; any other value selects the
    /// dense-prediction form (``isDensePrediction``).
    public var initCfg: JSONValue?

    enum CodingKeys: String, CodingKey {
        case depths, dims, kernelSizes = "kernel_sizes", deploy, layerScaleInitValue = "layer_scale_init_value"
        case numClasses = "num_classes", inChans = "in_chans", initCfg = "init_cfg"
    }

    public init(depths: [Int] = [3, 3, 27, 3], dims: [Int] = [96, 192, 384, 768], kernelSizes: [[Int]]? = nil, deploy: Bool = false,
                layerScaleInitValue: Double? = 1e-6, numClasses: Int? = 1000, inChans: Int = 3, initCfg: JSONValue? = nil) {
        (self.depths, self.dims, self.kernelSizes, self.deploy) = (depths, dims, kernelSizes, deploy)
        (self.layerScaleInitValue, self.numClasses, self.inChans) = (layerScaleInitValue, numClasses, inChans)
        self.initCfg = initCfg == .null ? nil : initCfg
    }

    /// Whether `init_cfg` selects the dense-prediction form (`self.for_downstream` of the official class).
    public var isDensePrediction: Bool { initCfg != nil }

    /// The official constructor's check of the two forms: the downstream form (`init_cfg`) has no classes;
    /// the classifier needs `num_classes` ≥ 1.
    func checkForm() throws(BackboneError) {
        switch (isDensePrediction, numClasses) {
        case (true, .some(let n)):
            throw .config(block: "unireplknet", message: "\"init_cfg\" selects the dense-prediction form, whose \"num_classes\" must be null (the official assertion), got \(n)")
        case (false, nil):
            throw .config(block: "unireplknet", message: "\"num_classes\" is null but no \"init_cfg\" selects the dense-prediction form")
        case (false, .some(let n)) where n < 1:
            throw .config(block: "unireplknet", message: "\"num_classes\" must be ≥ 1, got \(n)")
        default: return
        }
    }

    /// Missing keys take the class defaults above (`layer_scale_init_value: null` means none).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = UniRepLKNetConfig()
        self.init(depths: try c.decodeIfPresent([Int].self, forKey: .depths) ?? d.depths, dims: try c.decodeIfPresent([Int].self, forKey: .dims) ?? d.dims,
                  kernelSizes: try c.decodeIfPresent([[Int]].self, forKey: .kernelSizes),
                  deploy: try c.decodeIfPresent(Bool.self, forKey: .deploy) ?? d.deploy,
                  layerScaleInitValue: c.contains(.layerScaleInitValue) ? try c.decodeIfPresent(Double.self, forKey: .layerScaleInitValue)
                                                                        : d.layerScaleInitValue,
                  numClasses: c.contains(.numClasses) ? try c.decodeIfPresent(Int.self, forKey: .numClasses) : d.numClasses,
                  inChans: try c.decodeIfPresent(Int.self, forKey: .inChans) ?? d.inChans,
                  initCfg: try c.decodeIfPresent(JSONValue.self, forKey: .initCfg))
    }

    /// Writes every key; `kernel_sizes` and `layer_scale_init_value` as `null` when absent, so that decoding
    /// gives the same config back (a missing `layer_scale_init_value` would mean the default 1e-6).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(depths, forKey: .depths)
        try c.encode(dims, forKey: .dims)
        try c.encode(kernelSizes, forKey: .kernelSizes)
        try c.encode(deploy, forKey: .deploy)
        try c.encode(layerScaleInitValue, forKey: .layerScaleInitValue)
        try c.encode(numClasses, forKey: .numClasses)
        try c.encode(inChans, forKey: .inChans)
        try c.encode(initCfg, forKey: .initCfg)
    }

    /// The official per-block kernel tables by depths.
    public static func defaultKernelSizes(depths: [Int]) -> [[Int]]? {
        switch depths {
        case [2, 2, 6, 2]: [[3, 3], [13, 13], Array(repeating: 13, count: 6), [13, 13]]
        case [2, 2, 8, 2]: [[3, 3], [13, 13], Array(repeating: 13, count: 8), [13, 13]]
        case [3, 3, 18, 3]: [[3, 3, 3], [13, 13, 13], (0..<18).map { $0 % 2 == 0 ? 13 : 3 }, [13, 13, 13]]
        case [3, 3, 27, 3]: [[3, 3, 3], [13, 13, 13], (0..<27).map { $0 % 3 == 0 ? 13 : 3 }, [13, 13, 13]]
        default: nil
        }
    }

    /// The kernel size of every block (explicit or from the table). - Throws: a config error when neither exists.
    func resolvedKernelSizes() throws(BackboneError) -> [[Int]] {
        if let kernelSizes { return kernelSizes }
        guard let table = Self.defaultKernelSizes(depths: depths) else {
            throw .config(block: "unireplknet", message: "no default kernel sizes for depths \(depths) (the official tables cover (2, 2, 6, 2), (2, 2, 8, 2), (3, 3, 18, 3), (3, 3, 27, 3)); give \"kernel_sizes\"")
        }
        return table
    }

    /// Whether blocks carry the layer scale `gamma`.
    var hasLayerScale: Bool { !deploy && (layerScaleInitValue ?? 0) > 0 }

    public static let presets: [String: UniRepLKNetConfig] = [
        "unireplknet_a": UniRepLKNetConfig(depths: [2, 2, 6, 2], dims: [40, 80, 160, 320]),
        "unireplknet_f": UniRepLKNetConfig(depths: [2, 2, 6, 2], dims: [48, 96, 192, 384]),
        "unireplknet_p": UniRepLKNetConfig(depths: [2, 2, 6, 2], dims: [64, 128, 256, 512]),
        "unireplknet_n": UniRepLKNetConfig(depths: [2, 2, 8, 2], dims: [80, 160, 320, 640]),
        "unireplknet_t": UniRepLKNetConfig(depths: [3, 3, 18, 3], dims: [80, 160, 320, 640]),
        "unireplknet_s": UniRepLKNetConfig(depths: [3, 3, 27, 3], dims: [96, 192, 384, 768]),
        "unireplknet_b": UniRepLKNetConfig(depths: [3, 3, 27, 3], dims: [128, 256, 512, 1024]),
        "unireplknet_l": UniRepLKNetConfig(depths: [3, 3, 27, 3], dims: [192, 384, 768, 1536]),
        "unireplknet_xl": UniRepLKNetConfig(depths: [3, 3, 27, 3], dims: [256, 512, 1024, 2048]),
    ]

    /// Reads a fixture/registry config (strict keys; `preset` then overrides).
    static func parse(_ config: BlockConfig) throws(BackboneError) -> UniRepLKNetConfig {
        var c = config
        let base = try c.preset(presets, default: UniRepLKNetConfig())
        var kernels = base.kernelSizes
        if c.has("kernel_sizes") {
            switch c.values["kernel_sizes"]! {
            case .null: kernels = nil
            case .array(let stages) where stages.count == 4:
                var out: [[Int]] = []
                for stage in stages {
                    var sub = try BlockConfig(block: "unireplknet", value: .object(["k": stage]))
                    out.append(try sub.ints("k", count: nil, minimum: 0))
                }
                kernels = out
            default:
                throw .config(block: "unireplknet", message: "\"kernel_sizes\" must be null or 4 arrays of kernel sizes (one per block), got \(c.values["kernel_sizes"]!)")
            }
        }
        let scale: Double? = c.has("layer_scale_init_value")
            ? (c.values["layer_scale_init_value"] == .null ? nil : try c.double("layer_scale_init_value")) : base.layerScaleInitValue
        let out = UniRepLKNetConfig(depths: try c.ints("depths", count: 4, default: base.depths), dims: try c.ints("dims", count: 4, default: base.dims),
                                    kernelSizes: kernels, deploy: try c.bool("deploy", default: base.deploy), layerScaleInitValue: scale,
                                    numClasses: try c.optionalInt("num_classes", default: base.numClasses),
                                    inChans: try c.int("in_chans", default: base.inChans),
                                    initCfg: c.has("init_cfg") ? c.values["init_cfg"] : base.initCfg)
        try c.finish()
        return out
    }
}
