/// The constructor arguments of the official `ConvNeXtV2` class (facebookresearch/ConvNeXt-V2,
/// `models/convnextv2.py`) that change the eval-mode math, under their official names.
///
/// Defaults are the class's: `depths` [3, 3, 9, 3], `dims` [96, 192, 384, 768], `num_classes` 1000,
/// `in_chans` 3. Kernel 7, MLP ratio 4, GRN and LayerNorm eps 1e-6 are fixed by the class (drop path and
/// `head_init_scale` do not change eval outputs). JSON keys: `depths`, `dims`, `num_classes`, `in_chans`;
/// a fixture config may also name a `preset`.
public struct ConvNeXtV2Config: Codable, Sendable, Equatable {
    /// Blocks per stage (4 entries, each ≥ 1).
    public var depths: [Int]
    /// Stage widths C0…C3.
    public var dims: [Int]
    public var numClasses: Int
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
        let d = ConvNeXtV2Config()
        self.init(depths: try c.decodeIfPresent([Int].self, forKey: .depths) ?? d.depths,
                  dims: try c.decodeIfPresent([Int].self, forKey: .dims) ?? d.dims,
                  numClasses: try c.decodeIfPresent(Int.self, forKey: .numClasses) ?? d.numClasses,
                  inChans: try c.decodeIfPresent(Int.self, forKey: .inChans) ?? d.inChans)
    }

    /// The presets by their official function names (`convnext_pico` is the file's own name for the pico model).
    public static let presets: [String: ConvNeXtV2Config] = [
        "convnextv2_atto": ConvNeXtV2Config(depths: [2, 2, 6, 2], dims: [40, 80, 160, 320]),
        "convnextv2_femto": ConvNeXtV2Config(depths: [2, 2, 6, 2], dims: [48, 96, 192, 384]),
        "convnextv2_pico": ConvNeXtV2Config(depths: [2, 2, 6, 2], dims: [64, 128, 256, 512]),
        "convnextv2_nano": ConvNeXtV2Config(depths: [2, 2, 8, 2], dims: [80, 160, 320, 640]),
        "convnextv2_tiny": ConvNeXtV2Config(depths: [3, 3, 9, 3], dims: [96, 192, 384, 768]),
        "convnextv2_base": ConvNeXtV2Config(depths: [3, 3, 27, 3], dims: [128, 256, 512, 1024]),
        "convnextv2_large": ConvNeXtV2Config(depths: [3, 3, 27, 3], dims: [192, 384, 768, 1536]),
        "convnextv2_huge": ConvNeXtV2Config(depths: [3, 3, 27, 3], dims: [352, 704, 1408, 2816]),
    ]

    /// Reads a fixture/registry config (strict keys; `preset` then overrides).
    static func parse(_ config: BlockConfig) throws(BackboneError) -> ConvNeXtV2Config {
        var c = config
        let base = try c.preset(presets, default: ConvNeXtV2Config())
        let out = ConvNeXtV2Config(depths: try c.ints("depths", count: 4, default: base.depths),
                                   dims: try c.ints("dims", count: 4, default: base.dims),
                                   numClasses: try c.int("num_classes", default: base.numClasses),
                                   inChans: try c.int("in_chans", default: base.inChans))
        try c.finish()
        return out
    }
}
