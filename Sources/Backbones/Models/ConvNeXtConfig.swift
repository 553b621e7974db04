/// The constructor arguments of the official `ConvNeXt` class (facebookresearch/ConvNeXt,
/// `models/convnext.py`) that change the eval-mode math, under their official names — also those of
/// ConvNeXt-V2's `ConvNeXtV2` class (the same four; its presets are ``v2Presets``).
///
/// Defaults are the class's: `depths` [3, 3, 9, 3], `dims` [96, 192, 384, 768], `num_classes` 1000,
/// `in_chans` 3. Kernel 7, MLP ratio 4, LayerNorm eps 1e-6 and the layer scale `gamma` are fixed by the
/// class (drop path, `layer_scale_init_value` and `head_init_scale` do not change eval outputs).
/// JSON keys: `depths`, `dims`, `num_classes`, `in_chans`; a fixture config may also name a `preset`.
public struct ConvNeXtConfig: Codable, Sendable, Equatable {
    /// Blocks per stage (4 entries, each ≥ 1).
    public var depths: [Int]
    /// Stage widths C0…C3.
    public var dims: [Int]
    /// Classes of the head (ImageNet-22K files: 21841).
    public var numClasses: Int
    /// Input channels of the stem.
    public var inChans: Int

    enum CodingKeys: String, CodingKey {
        case depths, dims, numClasses = "num_classes", inChans = "in_chans"
    }

    public init(depths: [Int] = [3, 3, 9, 3], dims: [Int] = [96, 192, 384, 768], numClasses: Int = 1000, inChans: Int = 3) {
        (self.depths, self.dims, self.numClasses, self.inChans) = (depths, dims, numClasses, inChans)
    }

    /// Missing keys take the defaults above.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ConvNeXtConfig()
        self.init(depths: try c.decodeIfPresent([Int].self, forKey: .depths) ?? d.depths,
                  dims: try c.decodeIfPresent([Int].self, forKey: .dims) ?? d.dims,
                  numClasses: try c.decodeIfPresent(Int.self, forKey: .numClasses) ?? d.numClasses,
                  inChans: try c.decodeIfPresent(Int.self, forKey: .inChans) ?? d.inChans)
    }

    /// `convnext_tiny`: depths 3, 3, 9, 3; dims 96, 192, 384, 768.
    public static let tiny = ConvNeXtConfig(depths: [3, 3, 9, 3], dims: [96, 192, 384, 768])
    /// `convnext_small`: depths 3, 3, 27, 3; dims 96, 192, 384, 768.
    public static let small = ConvNeXtConfig(depths: [3, 3, 27, 3], dims: [96, 192, 384, 768])
    /// `convnext_base`: depths 3, 3, 27, 3; dims 128, 256, 512, 1024.
    public static let base = ConvNeXtConfig(depths: [3, 3, 27, 3], dims: [128, 256, 512, 1024])
    /// `convnext_large`: depths 3, 3, 27, 3; dims 192, 384, 768, 1536.
    public static let large = ConvNeXtConfig(depths: [3, 3, 27, 3], dims: [192, 384, 768, 1536])
    /// `convnext_xlarge` (released for ImageNet-22K only: use `numClasses` 21841 for those files).
    public static let xlarge = ConvNeXtConfig(depths: [3, 3, 27, 3], dims: [256, 512, 1024, 2048])

    /// The presets by their official function names.
    public static let presets: [String: ConvNeXtConfig] = [
        "convnext_tiny": .tiny, "convnext_small": .small, "convnext_base": .base,
        "convnext_large": .large, "convnext_xlarge": .xlarge,
    ]

    /// ConvNeXt-V2's presets by their official function names (facebookresearch/ConvNeXt-V2,
    /// `models/convnextv2.py`; the file names the pico one `convnext_pico`).
    public static let v2Presets: [String: ConvNeXtConfig] = [
        "convnextv2_atto": ConvNeXtConfig(depths: [2, 2, 6, 2], dims: [40, 80, 160, 320]),
        "convnextv2_femto": ConvNeXtConfig(depths: [2, 2, 6, 2], dims: [48, 96, 192, 384]),
        "convnextv2_pico": ConvNeXtConfig(depths: [2, 2, 6, 2], dims: [64, 128, 256, 512]),
        "convnextv2_nano": ConvNeXtConfig(depths: [2, 2, 8, 2], dims: [80, 160, 320, 640]),
        "convnextv2_tiny": ConvNeXtConfig(depths: [3, 3, 9, 3], dims: [96, 192, 384, 768]),
        "convnextv2_base": ConvNeXtConfig(depths: [3, 3, 27, 3], dims: [128, 256, 512, 1024]),
        "convnextv2_large": ConvNeXtConfig(depths: [3, 3, 27, 3], dims: [192, 384, 768, 1536]),
        "convnextv2_huge": ConvNeXtConfig(depths: [3, 3, 27, 3], dims: [352, 704, 1408, 2816]),
    ]

    /// Reads a fixture/registry config (strict keys; a `preset` of `presets` — ConvNeXt's by default — then overrides).
    static func parse(_ config: BlockConfig, presets: [String: ConvNeXtConfig] = presets) throws(BackboneError) -> ConvNeXtConfig {
        var c = config
        let base = try c.preset(presets, default: ConvNeXtConfig())
        let out = ConvNeXtConfig(depths: try c.ints("depths", count: 4, default: base.depths),
                                 dims: try c.ints("dims", count: 4, default: base.dims),
                                 numClasses: try c.int("num_classes", default: base.numClasses),
                                 inChans: try c.int("in_chans", default: base.inChans))
        try c.finish()
        return out
    }
}
