/// The constructor arguments of the official isotropic `GFNet` class (raoyongming/GFNet, `gfnet.py`)
/// that change the eval-mode math, under their official names.
///
/// Class defaults: `img_size` 224, `patch_size` 16, `embed_dim` 768, `depth` 12, `mlp_ratio` 4,
/// `num_classes` 1000, `in_chans` 3; LayerNorm eps 1e-6 (the class default `norm_layer`). The model runs
/// at `img_size × img_size` only (the patch embedding asserts it; `pos_embed` and every filter are sized
/// for it). Presets as `main_gfnet.py` / `infer.py` build them, at 224: `gfnet-ti` (256, depth 12),
/// `gfnet-xs` (384, 12), `gfnet-s` (384, 19), `gfnet-b` (512, 19).
public struct GFNetConfig: Codable, Sendable, Equatable {
    public var imgSize: Int
    public var patchSize: Int
    public var embedDim: Int
    public var depth: Int
    public var mlpRatio: Double
    public var numClasses: Int
    public var inChans: Int

    enum CodingKeys: String, CodingKey {
        case imgSize = "img_size", patchSize = "patch_size", embedDim = "embed_dim", depth, mlpRatio = "mlp_ratio"
        case numClasses = "num_classes", inChans = "in_chans"
    }

    public init(imgSize: Int = 224, patchSize: Int = 16, embedDim: Int = 768, depth: Int = 12, mlpRatio: Double = 4,
                numClasses: Int = 1000, inChans: Int = 3) {
        (self.imgSize, self.patchSize, self.embedDim, self.depth) = (imgSize, patchSize, embedDim, depth)
        (self.mlpRatio, self.numClasses, self.inChans) = (mlpRatio, numClasses, inChans)
    }

    /// Missing keys take the class defaults above.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = GFNetConfig()
        self.init(imgSize: try c.decodeIfPresent(Int.self, forKey: .imgSize) ?? d.imgSize,
                  patchSize: try c.decodeIfPresent(Int.self, forKey: .patchSize) ?? d.patchSize,
                  embedDim: try c.decodeIfPresent(Int.self, forKey: .embedDim) ?? d.embedDim,
                  depth: try c.decodeIfPresent(Int.self, forKey: .depth) ?? d.depth,
                  mlpRatio: try c.decodeIfPresent(Double.self, forKey: .mlpRatio) ?? d.mlpRatio,
                  numClasses: try c.decodeIfPresent(Int.self, forKey: .numClasses) ?? d.numClasses,
                  inChans: try c.decodeIfPresent(Int.self, forKey: .inChans) ?? d.inChans)
    }

    /// The token grid side `img_size / patch_size` (h of every filter; w = h/2 + 1).
    public var grid: Int { imgSize / patchSize }

    public static let presets: [String: GFNetConfig] = [
        "gfnet-ti": GFNetConfig(embedDim: 256, depth: 12), "gfnet-xs": GFNetConfig(embedDim: 384, depth: 12),
        "gfnet-s": GFNetConfig(embedDim: 384, depth: 19), "gfnet-b": GFNetConfig(embedDim: 512, depth: 19),
    ]

    /// Reads a fixture/registry config (strict keys; `preset` then overrides).
    static func parse(_ config: BlockConfig) throws(BackboneError) -> GFNetConfig {
        var c = config
        let base = try c.preset(presets, default: GFNetConfig())
        let out = GFNetConfig(imgSize: try c.int("img_size", default: base.imgSize), patchSize: try c.int("patch_size", default: base.patchSize),
                              embedDim: try c.int("embed_dim", default: base.embedDim), depth: try c.int("depth", default: base.depth),
                              mlpRatio: try c.double("mlp_ratio", default: base.mlpRatio),
                              numClasses: try c.int("num_classes", default: base.numClasses, minimum: 0), inChans: try c.int("in_chans", default: base.inChans))
        try c.finish()
        return out
    }
}
