/// The constructor arguments of the official `GFNetPyramid` class (GFNet-H; raoyongming/GFNet, `gfnet.py`)
/// that change the eval-mode math, under their official names.
///
/// Class defaults: `img_size` 224, `patch_size` 4, `embed_dim` [64, 128, 256, 512], `depth` [2, 2, 10, 4],
/// `mlp_ratio` [4, 4, 4, 4], `no_layerscale` false (blocks are `BlockLayerScale` with `gamma`),
/// `num_classes` 1000; 3 input channels (the class has no `in_chans`); LayerNorm eps 1e-6. The model runs at
/// `img_size × img_size` only. Presets (`main_gfnet.py` / `infer.py`): `gfnet-h-ti` (64…512 / 3, 3, 10, 3),
/// `gfnet-h-s` (96…768 / 3, 3, 10, 3), `gfnet-h-b` (96…768 / 3, 3, 27, 3).
public struct GFNetHConfig: Codable, Sendable, Equatable {
    public var imgSize: Int
    public var patchSize: Int
    public var embedDim: [Int]
    public var depth: [Int]
    public var mlpRatio: [Double]
    public var noLayerscale: Bool
    public var numClasses: Int

    enum CodingKeys: String, CodingKey {
        case imgSize = "img_size", patchSize = "patch_size", embedDim = "embed_dim", depth, mlpRatio = "mlp_ratio"
        case noLayerscale = "no_layerscale", numClasses = "num_classes"
    }

    public init(imgSize: Int = 224, patchSize: Int = 4, embedDim: [Int] = [64, 128, 256, 512], depth: [Int] = [2, 2, 10, 4],
                mlpRatio: [Double] = [4, 4, 4, 4], noLayerscale: Bool = false, numClasses: Int = 1000) {
        (self.imgSize, self.patchSize, self.embedDim, self.depth) = (imgSize, patchSize, embedDim, depth)
        (self.mlpRatio, self.noLayerscale, self.numClasses) = (mlpRatio, noLayerscale, numClasses)
    }

    /// Missing keys take the class defaults above.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = GFNetHConfig()
        self.init(imgSize: try c.decodeIfPresent(Int.self, forKey: .imgSize) ?? d.imgSize,
                  patchSize: try c.decodeIfPresent(Int.self, forKey: .patchSize) ?? d.patchSize,
                  embedDim: try c.decodeIfPresent([Int].self, forKey: .embedDim) ?? d.embedDim,
                  depth: try c.decodeIfPresent([Int].self, forKey: .depth) ?? d.depth,
                  mlpRatio: try c.decodeIfPresent([Double].self, forKey: .mlpRatio) ?? d.mlpRatio,
                  noLayerscale: try c.decodeIfPresent(Bool.self, forKey: .noLayerscale) ?? d.noLayerscale,
                  numClasses: try c.decodeIfPresent(Int.self, forKey: .numClasses) ?? d.numClasses)
    }

    /// The token grid side of each stage, `[56, 28, 14, 7]·img_size // 224` as the class computes it
    /// (equal to `⌊img/4⌋, ⌊img/8⌋, ⌊img/16⌋, ⌊img/32⌋` for patch size 4).
    public var sizes: [Int] { [56, 28, 14, 7].map { $0 * imgSize / 224 } }

    public static let presets: [String: GFNetHConfig] = [
        "gfnet-h-ti": GFNetHConfig(embedDim: [64, 128, 256, 512], depth: [3, 3, 10, 3]),
        "gfnet-h-s": GFNetHConfig(embedDim: [96, 192, 384, 768], depth: [3, 3, 10, 3]),
        "gfnet-h-b": GFNetHConfig(embedDim: [96, 192, 384, 768], depth: [3, 3, 27, 3]),
    ]

    /// Reads a fixture/registry config (strict keys; `preset` then overrides).
    static func parse(_ config: BlockConfig) throws(BackboneError) -> GFNetHConfig {
        var c = config
        let base = try c.preset(presets, default: GFNetHConfig())
        var ratios = base.mlpRatio
        if c.has("mlp_ratio") {
            let bad = BackboneError.config(block: "gfnet_h", message: "\"mlp_ratio\" must be an array of 4 positive numbers, got \(c.values["mlp_ratio"]!)")
            guard case .array(let a)? = c.values["mlp_ratio"], a.count == 4 else { throw bad }
            ratios = []
            for v in a {
                guard case .number(let r) = v, r.isFinite, r > 0 else { throw bad }
                ratios.append(r)
            }
        }
        let out = GFNetHConfig(imgSize: try c.int("img_size", default: base.imgSize), patchSize: try c.int("patch_size", default: base.patchSize),
                               embedDim: try c.ints("embed_dim", count: 4, default: base.embedDim), depth: try c.ints("depth", count: 4, default: base.depth),
                               mlpRatio: ratios, noLayerscale: try c.bool("no_layerscale", default: base.noLayerscale),
                               numClasses: try c.int("num_classes", default: base.numClasses))
        try c.finish()
        return out
    }
}
