/// The constructor arguments of the official `RepLKNet` class (DingXiaoH/RepLKNet-pytorch,
/// `replknet.py`) that change the eval-mode math, under their official names.
///
/// `large_kernel_sizes`, `layers`, `channels` and `small_kernel` have no official default (the class
/// requires them; a config names a `preset` or gives them). Defaults: `dw_ratio` 1, `ffn_ratio` 4,
/// `in_channels` 3, `num_classes` 1000, `small_kernel_merged` false. `small_kernel` may be `null` (no
/// small branch, RepLKNet-XL). `small_kernel_merged` true expects the re-parameterised key set
/// (`large_kernel.lkb_reparam.{weight, bias}` instead of `lkb_origin.*` and `small_conv.*`).
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
    public var numClasses: Int
    public var smallKernelMerged: Bool

    enum CodingKeys: String, CodingKey {
        case largeKernelSizes = "large_kernel_sizes", layers, channels, smallKernel = "small_kernel", dwRatio = "dw_ratio"
        case ffnRatio = "ffn_ratio", inChannels = "in_channels", numClasses = "num_classes", smallKernelMerged = "small_kernel_merged"
    }

    public init(largeKernelSizes: [Int], layers: [Int], channels: [Int], smallKernel: Int?, dwRatio: Double = 1, ffnRatio: Double = 4,
                inChannels: Int = 3, numClasses: Int = 1000, smallKernelMerged: Bool = false) {
        (self.largeKernelSizes, self.layers, self.channels, self.smallKernel) = (largeKernelSizes, layers, channels, smallKernel)
        (self.dwRatio, self.ffnRatio, self.inChannels, self.numClasses, self.smallKernelMerged) = (dwRatio, ffnRatio, inChannels, numClasses, smallKernelMerged)
    }

    /// `large_kernel_sizes`, `layers`, `channels` are required; `small_kernel` missing or `null` means none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(largeKernelSizes: try c.decode([Int].self, forKey: .largeKernelSizes), layers: try c.decode([Int].self, forKey: .layers),
                  channels: try c.decode([Int].self, forKey: .channels), smallKernel: try c.decodeIfPresent(Int.self, forKey: .smallKernel),
                  dwRatio: try c.decodeIfPresent(Double.self, forKey: .dwRatio) ?? 1,
                  ffnRatio: try c.decodeIfPresent(Double.self, forKey: .ffnRatio) ?? 4,
                  inChannels: try c.decodeIfPresent(Int.self, forKey: .inChannels) ?? 3,
                  numClasses: try c.decodeIfPresent(Int.self, forKey: .numClasses) ?? 1000,
                  smallKernelMerged: try c.decodeIfPresent(Bool.self, forKey: .smallKernelMerged) ?? false)
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
                                 numClasses: try c.int("num_classes", default: base?.numClasses ?? 1000),
                                 smallKernelMerged: try c.bool("small_kernel_merged", default: base?.smallKernelMerged ?? false))
        try c.finish()
        return out
    }
}
