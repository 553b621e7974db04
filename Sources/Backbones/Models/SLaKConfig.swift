/// The constructor arguments of the official `SLaK` class (VITA-Group/SLaK, `models/SLaK.py`) that change
/// the eval-mode math, under their official names.
///
/// Class defaults: `depths` [3, 3, 9, 3], `dims` [96, 192, 384, 768] (base widths; the model's widths are
/// `int(d·width_factor)`), `kernel_size` [51, 49, 47, 13, 5] (the four stage kernels K_s and the strips'
/// short side N), `width_factor` 1, `Decom` false (the class default `None`), `bn` true, `num_classes`
/// 1000, `in_chans` 3. LayerNorm eps 1e-6, MLP ratio 4, layer scale `gamma` present.
///
/// The presets (`SLaK_tiny`, `SLaK_small`, `SLaK_base`, `SLaK_large`) carry the registered depths and
/// widths **with the flags of the released checkpoints** (README: `kernel_size 51 49 47 13 5`,
/// `width_factor 1.3`, `Decom True`, `bn True`), so a preset loads the released files as they are.
/// A falsy `Decom` gives each block a K_s×K_s `lkb_origin` instead of the K_s×N and N×K_s strips; `bn`
/// false drops the BatchNorm after every branch conv (the convs stay bias-free), as the official code.
public struct SLaKConfig: Codable, Sendable, Equatable {
    public var depths: [Int]
    /// Base widths, before `width_factor`.
    public var dims: [Int]
    /// `[K0, K1, K2, K3, N]`.
    public var kernelSize: [Int]
    public var widthFactor: Double
    public var decom: Bool
    public var bn: Bool
    public var numClasses: Int
    public var inChans: Int

    enum CodingKeys: String, CodingKey {
        case depths, dims, kernelSize = "kernel_size", widthFactor = "width_factor", decom = "Decom", bn
        case numClasses = "num_classes", inChans = "in_chans"
    }

    public init(depths: [Int] = [3, 3, 9, 3], dims: [Int] = [96, 192, 384, 768], kernelSize: [Int] = [51, 49, 47, 13, 5],
                widthFactor: Double = 1, decom: Bool = false, bn: Bool = true, numClasses: Int = 1000, inChans: Int = 3) {
        (self.depths, self.dims, self.kernelSize, self.widthFactor) = (depths, dims, kernelSize, widthFactor)
        (self.decom, self.bn, self.numClasses, self.inChans) = (decom, bn, numClasses, inChans)
    }

    /// Missing keys take the class defaults above.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SLaKConfig()
        self.init(depths: try c.decodeIfPresent([Int].self, forKey: .depths) ?? d.depths,
                  dims: try c.decodeIfPresent([Int].self, forKey: .dims) ?? d.dims,
                  kernelSize: try c.decodeIfPresent([Int].self, forKey: .kernelSize) ?? d.kernelSize,
                  widthFactor: try c.decodeIfPresent(Double.self, forKey: .widthFactor) ?? d.widthFactor,
                  decom: try c.decodeIfPresent(Bool.self, forKey: .decom) ?? d.decom, bn: try c.decodeIfPresent(Bool.self, forKey: .bn) ?? d.bn,
                  numClasses: try c.decodeIfPresent(Int.self, forKey: .numClasses) ?? d.numClasses,
                  inChans: try c.decodeIfPresent(Int.self, forKey: .inChans) ?? d.inChans)
    }

    /// The model's stage widths `int(d·width_factor)`.
    public var widths: [Int] { dims.map { BlockConfig.truncatedProduct($0, widthFactor) } }

    private static func released(_ depths: [Int], _ dims: [Int]) -> SLaKConfig {
        SLaKConfig(depths: depths, dims: dims, kernelSize: [51, 49, 47, 13, 5], widthFactor: 1.3, decom: true, bn: true)
    }

    /// `SLaK_tiny` as released: depths 3, 3, 9, 3; widths 124, 249, 499, 998.
    public static let tiny = released([3, 3, 9, 3], [96, 192, 384, 768])
    /// `SLaK_small` as released: depths 3, 3, 27, 3; widths 124, 249, 499, 998.
    public static let small = released([3, 3, 27, 3], [96, 192, 384, 768])
    /// `SLaK_base` as released: depths 3, 3, 27, 3; widths 166, 332, 665, 1331.
    public static let base = released([3, 3, 27, 3], [128, 256, 512, 1024])
    /// `SLaK_large` (no released weights): depths 3, 3, 27, 3; widths 249, 499, 998, 1996.
    public static let large = released([3, 3, 27, 3], [192, 384, 768, 1536])

    public static let presets: [String: SLaKConfig] = ["SLaK_tiny": .tiny, "SLaK_small": .small, "SLaK_base": .base, "SLaK_large": .large]

    /// Reads a fixture/registry config (strict keys; `preset` then overrides).
    static func parse(_ config: BlockConfig) throws(BackboneError) -> SLaKConfig {
        var c = config
        let base = try c.preset(presets, default: SLaKConfig())
        let out = SLaKConfig(depths: try c.ints("depths", count: 4, default: base.depths), dims: try c.ints("dims", count: 4, default: base.dims),
                             kernelSize: try c.ints("kernel_size", count: 5, default: base.kernelSize),
                             widthFactor: try c.double("width_factor", default: base.widthFactor),
                             decom: try c.bool("Decom", default: base.decom), bn: try c.bool("bn", default: base.bn),
                             numClasses: try c.int("num_classes", default: base.numClasses), inChans: try c.int("in_chans", default: base.inChans))
        try c.finish()
        return out
    }
}
