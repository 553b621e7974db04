/// The constructor arguments of the official `ParC_ConvNeXt` class (hkzhang91/ParC-Net,
/// `ParC_ConvNets/ParC_convnext.py`) that change the eval-mode math, under their official names.
///
/// Class defaults: `depths` [3, 3, 9, 3], `dims` [96, 192, 384, 768], `ParC_insert_locs` [3, 3, 6, 2]
/// (in stage s, blocks `j ≥ ParC_insert_locs[s]` are ParC blocks), `stages_rs` [56, 28, 14, 7] (the global
/// kernel of each stage, which must equal its map size), `num_classes` 1000, `in_chans` 3. ParC blocks
/// always use the positional embedding; LayerNorm eps 1e-6; MLP ratio 4; layer scale present.
public struct ParCConvNeXtConfig: Codable, Sendable, Equatable {
    public var depths: [Int]
    public var dims: [Int]
    public var parcInsertLocs: [Int]
    public var stagesRs: [Int]
    public var numClasses: Int
    public var inChans: Int

    enum CodingKeys: String, CodingKey {
        case depths, dims, parcInsertLocs = "ParC_insert_locs", stagesRs = "stages_rs", numClasses = "num_classes", inChans = "in_chans"
    }

    public init(depths: [Int] = [3, 3, 9, 3], dims: [Int] = [96, 192, 384, 768], parcInsertLocs: [Int] = [3, 3, 6, 2],
                stagesRs: [Int] = [56, 28, 14, 7], numClasses: Int = 1000, inChans: Int = 3) {
        (self.depths, self.dims, self.parcInsertLocs, self.stagesRs, self.numClasses, self.inChans) = (depths, dims, parcInsertLocs, stagesRs, numClasses, inChans)
    }

    /// Missing keys take the class defaults above.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ParCConvNeXtConfig()
        self.init(depths: try c.decodeIfPresent([Int].self, forKey: .depths) ?? d.depths, dims: try c.decodeIfPresent([Int].self, forKey: .dims) ?? d.dims,
                  parcInsertLocs: try c.decodeIfPresent([Int].self, forKey: .parcInsertLocs) ?? d.parcInsertLocs,
                  stagesRs: try c.decodeIfPresent([Int].self, forKey: .stagesRs) ?? d.stagesRs,
                  numClasses: try c.decodeIfPresent(Int.self, forKey: .numClasses) ?? d.numClasses,
                  inChans: try c.decodeIfPresent(Int.self, forKey: .inChans) ?? d.inChans)
    }

    /// `parc_convnext_xt` (the only registered function; no released weights): dims 48, 96, 192, 384.
    public static let xt = ParCConvNeXtConfig(dims: [48, 96, 192, 384])

    public static let presets: [String: ParCConvNeXtConfig] = ["parc_convnext_xt": .xt]

    /// Reads a fixture/registry config (strict keys; `preset` then overrides).
    static func parse(_ config: BlockConfig) throws(BackboneError) -> ParCConvNeXtConfig {
        var c = config
        let base = try c.preset(presets, default: ParCConvNeXtConfig())
        let out = ParCConvNeXtConfig(depths: try c.ints("depths", count: 4, default: base.depths), dims: try c.ints("dims", count: 4, default: base.dims),
                                     parcInsertLocs: try c.ints("ParC_insert_locs", count: 4, default: base.parcInsertLocs, minimum: 0),
                                     stagesRs: try c.ints("stages_rs", count: 4, default: base.stagesRs),
                                     numClasses: try c.int("num_classes", default: base.numClasses), inChans: try c.int("in_chans", default: base.inChans))
        try c.finish()
        return out
    }
}
