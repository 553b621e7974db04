/// The constructor arguments of the official `VAN` class (Visual-Attention-Network/VAN-Classification,
/// `models/van.py`) that change the eval-mode math, under their official names.
///
/// Defaults are the class's: `embed_dims` [64, 128, 256, 512], `depths` [3, 4, 6, 3], `mlp_ratios`
/// [4, 4, 4, 4], `num_classes` 1000, `in_chans` 3. The stage LayerNorms use eps 1e-6 as every registered
/// preset passes (the bare class default would be 1e-5); BatchNorm eps 1e-5; LKA fixed at K = 21, d = 3.
/// JSON keys: `embed_dims`, `depths`, `mlp_ratios`, `num_classes`, `in_chans`; a fixture config may also
/// name a `preset` (`van_b0`…`van_b6`, or the older names `van_tiny`, `van_small`, `van_base`, `van_large`
/// for b0–b3).
public struct VANConfig: Codable, Sendable, Equatable {
    /// Stage widths C0…C3.
    public var embedDims: [Int]
    /// Blocks per stage.
    public var depths: [Int]
    /// MLP ratio per stage (hidden width `int(C_s·r_s)`).
    public var mlpRatios: [Double]
    public var numClasses: Int
    public var inChans: Int

    enum CodingKeys: String, CodingKey {
        case embedDims = "embed_dims", depths, mlpRatios = "mlp_ratios", numClasses = "num_classes", inChans = "in_chans"
    }

    public init(embedDims: [Int] = [64, 128, 256, 512], depths: [Int] = [3, 4, 6, 3], mlpRatios: [Double] = [4, 4, 4, 4],
                numClasses: Int = 1000, inChans: Int = 3) {
        (self.embedDims, self.depths, self.mlpRatios, self.numClasses, self.inChans) = (embedDims, depths, mlpRatios, numClasses, inChans)
    }

    /// Missing keys take the defaults above.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = VANConfig()
        self.init(embedDims: try c.decodeIfPresent([Int].self, forKey: .embedDims) ?? d.embedDims,
                  depths: try c.decodeIfPresent([Int].self, forKey: .depths) ?? d.depths,
                  mlpRatios: try c.decodeIfPresent([Double].self, forKey: .mlpRatios) ?? d.mlpRatios,
                  numClasses: try c.decodeIfPresent(Int.self, forKey: .numClasses) ?? d.numClasses,
                  inChans: try c.decodeIfPresent(Int.self, forKey: .inChans) ?? d.inChans)
    }

    private static func preset(_ dims: [Int], _ depths: [Int]) -> VANConfig {
        VANConfig(embedDims: dims, depths: depths, mlpRatios: [8, 8, 4, 4])
    }

    /// `van_b0` (`van_tiny`): dims 32, 64, 160, 256; depths 3, 3, 5, 2; MLP ratios 8, 8, 4, 4.
    public static let b0 = preset([32, 64, 160, 256], [3, 3, 5, 2])
    /// `van_b1` (`van_small`): dims 64, 128, 320, 512; depths 2, 2, 4, 2.
    public static let b1 = preset([64, 128, 320, 512], [2, 2, 4, 2])
    /// `van_b2` (`van_base`): dims 64, 128, 320, 512; depths 3, 3, 12, 3.
    public static let b2 = preset([64, 128, 320, 512], [3, 3, 12, 3])
    /// `van_b3` (`van_large`): dims 64, 128, 320, 512; depths 3, 5, 27, 3.
    public static let b3 = preset([64, 128, 320, 512], [3, 5, 27, 3])
    /// `van_b4`: dims 64, 128, 320, 512; depths 3, 6, 40, 3 (no released weights).
    public static let b4 = preset([64, 128, 320, 512], [3, 6, 40, 3])
    /// `van_b5`: dims 96, 192, 480, 768; depths 3, 3, 24, 3 (no released weights).
    public static let b5 = preset([96, 192, 480, 768], [3, 3, 24, 3])
    /// `van_b6`: dims 96, 192, 384, 768; depths 6, 6, 90, 6 (no released weights).
    public static let b6 = preset([96, 192, 384, 768], [6, 6, 90, 6])

    /// The presets by their registered names (both naming generations of the repository).
    public static let presets: [String: VANConfig] = [
        "van_b0": .b0, "van_b1": .b1, "van_b2": .b2, "van_b3": .b3, "van_b4": .b4, "van_b5": .b5, "van_b6": .b6,
        "van_tiny": .b0, "van_small": .b1, "van_base": .b2, "van_large": .b3,
    ]

    /// Reads a fixture/registry config (strict keys; `preset` then overrides).
    static func parse(_ config: BlockConfig) throws(BackboneError) -> VANConfig {
        var c = config
        let base = try c.preset(presets, default: VANConfig())
        var ratios = base.mlpRatios
        if c.has("mlp_ratios") {
            let bad = BackboneError.config(block: "van", message: "\"mlp_ratios\" must be an array of 4 positive numbers, got \(c.values["mlp_ratios"]!)")
            guard case .array(let a)? = c.values["mlp_ratios"], a.count == 4 else { throw bad }
            ratios = []
            for v in a {
                guard case .number(let r) = v, r.isFinite, r > 0 else { throw bad }
                ratios.append(r)
            }
        }
        let out = VANConfig(embedDims: try c.ints("embed_dims", count: 4, default: base.embedDims),
                            depths: try c.ints("depths", count: 4, default: base.depths), mlpRatios: ratios,
                            numClasses: try c.int("num_classes", default: base.numClasses, minimum: 0),
                            inChans: try c.int("in_chans", default: base.inChans))
        try c.finish()
        return out
    }
}
