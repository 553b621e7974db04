/// The constructor arguments of the official `MogaNet` class (Westlake-AI/MogaNet, `models/moganet.py`)
/// that change the eval-mode math, under their official names.
///
/// `arch` is a preset alias (`xtiny`/`xt`/`x-tiny`, `tiny`/`t`, `small`/`s`, `base`/`b`, `large`/`l`,
/// `xlarge`/`xl`/`x-large`) or an object with exactly `embed_dims`, `depths`, `ffn_ratios`; the class
/// default is `tiny`. Other defaults: `attn_dw_dilation` [1, 2, 3], `attn_channel_split` [1, 3, 4],
/// `attn_final_dilation` true (false gives the last stage dilations [1, 2, 1]), `attn_force_fp32` false
/// (true applies SiLU twice to gate and value — not visible in the weights; set it per checkpoint),
/// `num_classes` 1000 (0: the head is `nn.Identity`), `in_channels` 3, `fork_feat` false (true: the
/// dense-prediction form of the registered `MogaNet_feat` backbones — no head whatever `num_classes` says, and
/// the output is the four `norm{i}` maps). BN eps 1e-5 everywhere; stem and patch embeddings as released
/// (`ConvEmbed` stem, `Conv` downsamplers, BN).
public struct MogaNetConfig: Codable, Sendable, Equatable {
    /// `arch`'s three lists.
    public struct Arch: Codable, Sendable, Equatable {
        public var embedDims: [Int]
        public var depths: [Int]
        public var ffnRatios: [Double]

        enum CodingKeys: String, CodingKey { case embedDims = "embed_dims", depths, ffnRatios = "ffn_ratios" }

        public init(embedDims: [Int], depths: [Int], ffnRatios: [Double] = [8, 8, 4, 4]) {
            (self.embedDims, self.depths, self.ffnRatios) = (embedDims, depths, ffnRatios)
        }
    }

    public var arch: Arch
    public var attnDwDilation: [Int]
    public var attnChannelSplit: [Int]
    public var attnFinalDilation: Bool
    public var attnForceFP32: Bool
    public var numClasses: Int
    public var inChannels: Int
    /// The dense-prediction form (`MogaNet_feat`): no head; the output is the four stage maps.
    public var forkFeat: Bool

    enum CodingKeys: String, CodingKey {
        case arch, attnDwDilation = "attn_dw_dilation", attnChannelSplit = "attn_channel_split", attnFinalDilation = "attn_final_dilation"
        case attnForceFP32 = "attn_force_fp32", numClasses = "num_classes", inChannels = "in_channels", forkFeat = "fork_feat"
    }

    public init(arch: Arch = MogaNetConfig.archZoo["tiny"]!, attnDwDilation: [Int] = [1, 2, 3], attnChannelSplit: [Int] = [1, 3, 4],
                attnFinalDilation: Bool = true, attnForceFP32: Bool = false, numClasses: Int = 1000, inChannels: Int = 3, forkFeat: Bool = false) {
        (self.arch, self.attnDwDilation, self.attnChannelSplit) = (arch, attnDwDilation, attnChannelSplit)
        (self.attnFinalDilation, self.attnForceFP32, self.numClasses, self.inChannels) = (attnFinalDilation, attnForceFP32, numClasses, inChannels)
        self.forkFeat = forkFeat
    }

    /// Missing keys take the class defaults above (`arch` as an object; use ``archZoo`` for the aliases).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = MogaNetConfig()
        self.init(arch: try c.decodeIfPresent(Arch.self, forKey: .arch) ?? d.arch,
                  attnDwDilation: try c.decodeIfPresent([Int].self, forKey: .attnDwDilation) ?? d.attnDwDilation,
                  attnChannelSplit: try c.decodeIfPresent([Int].self, forKey: .attnChannelSplit) ?? d.attnChannelSplit,
                  attnFinalDilation: try c.decodeIfPresent(Bool.self, forKey: .attnFinalDilation) ?? d.attnFinalDilation,
                  attnForceFP32: try c.decodeIfPresent(Bool.self, forKey: .attnForceFP32) ?? d.attnForceFP32,
                  numClasses: try c.decodeIfPresent(Int.self, forKey: .numClasses) ?? d.numClasses,
                  inChannels: try c.decodeIfPresent(Int.self, forKey: .inChannels) ?? d.inChannels,
                  forkFeat: try c.decodeIfPresent(Bool.self, forKey: .forkFeat) ?? d.forkFeat)
    }

    /// `MogaNet.arch_zoo` by every alias.
    public static let archZoo: [String: Arch] = {
        let xt = Arch(embedDims: [32, 64, 96, 192], depths: [3, 3, 10, 2]), t = Arch(embedDims: [32, 64, 128, 256], depths: [3, 3, 12, 2])
        let s = Arch(embedDims: [64, 128, 320, 512], depths: [2, 3, 12, 2]), b = Arch(embedDims: [64, 160, 320, 512], depths: [4, 6, 22, 3])
        let l = Arch(embedDims: [64, 160, 320, 640], depths: [4, 6, 44, 4]), xl = Arch(embedDims: [96, 192, 480, 960], depths: [6, 6, 44, 4])
        return ["xt": xt, "x-tiny": xt, "xtiny": xt, "t": t, "tiny": t, "s": s, "small": s, "b": b, "base": b, "l": l, "large": l,
                "xl": xl, "x-large": xl, "xlarge": xl]
    }()

    /// The registered functions (`moganet_xtiny` … `moganet_xlarge`, `moganet_tiny_sz256`) as presets.
    public static let presets: [String: MogaNetConfig] = [
        "moganet_xtiny": MogaNetConfig(arch: archZoo["xtiny"]!), "moganet_tiny": MogaNetConfig(arch: archZoo["tiny"]!),
        "moganet_tiny_sz256": MogaNetConfig(arch: archZoo["tiny"]!), "moganet_small": MogaNetConfig(arch: archZoo["small"]!),
        "moganet_base": MogaNetConfig(arch: archZoo["base"]!), "moganet_large": MogaNetConfig(arch: archZoo["large"]!),
        "moganet_xlarge": MogaNetConfig(arch: archZoo["xlarge"]!),
    ]

    /// Reads a fixture/registry config (strict keys, also inside an `arch` object; `preset` then overrides).
    static func parse(_ config: BlockConfig) throws(BackboneError) -> MogaNetConfig {
        var c = config
        let base = try c.preset(presets, default: MogaNetConfig())
        var arch = base.arch
        if c.has("arch") {
            switch c.values["arch"]! {
            case .string(let given):
                let name = given.lowercased()   // the official constructor lowercases `arch`
                guard let a = archZoo[name] else {
                    throw .config(block: "moganet", message: "\"arch\" \"\(name)\" is not one of \(archZoo.keys.sorted().map { "\"\($0)\"" }.joined(separator: ", "))")
                }
                arch = a
            case .object:
                var a = try BlockConfig(block: "moganet", value: c.values["arch"]!)
                let ratios = try a.ints("ffn_ratios", count: 4, default: nil, minimum: 1)   // official values are integers
                arch = Arch(embedDims: try a.ints("embed_dims", count: 4), depths: try a.ints("depths", count: 4), ffnRatios: ratios.map(Double.init))
                do { try a.finish() } catch { throw .config(block: "moganet", message: "in \"arch\": \(error)") }
            default:
                throw .config(block: "moganet", message: "\"arch\" must be a preset name or an object with \"embed_dims\", \"depths\", \"ffn_ratios\", got \(c.values["arch"]!)")
            }
        }
        let out = MogaNetConfig(arch: arch, attnDwDilation: try c.ints("attn_dw_dilation", count: 3, default: base.attnDwDilation),
                                attnChannelSplit: try c.ints("attn_channel_split", count: 3, default: base.attnChannelSplit),
                                attnFinalDilation: try c.bool("attn_final_dilation", default: base.attnFinalDilation),
                                attnForceFP32: try c.bool("attn_force_fp32", default: base.attnForceFP32),
                                numClasses: try c.int("num_classes", default: base.numClasses, minimum: 0),
                                inChannels: try c.int("in_channels", default: base.inChannels),
                                forkFeat: try c.bool("fork_feat", default: base.forkFeat))
        try c.finish()
        return out
    }
}
