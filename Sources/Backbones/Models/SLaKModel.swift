import GlobalConv

/// `slak`: the official SLaK classifier (VITA-Group/SLaK, `models/SLaK.py`).
///
/// The ConvNeXt trunk (``ConvNeXtLayout``) at widths `C_s = int(dims[s]·width_factor)` with
/// `stages.{s}.{j}` = slak.block(C_s, K_s × N): `LoRA1` K_s×N, `LoRA2` N×K_s and (N < K_s) `small_conv`
/// N×N depthwise branches, each with its BN, padded `(kh/2, kw/2)` and summed, then the ConvNeXt tail
/// (the released configuration, `Decom` true, `bn` true). A falsy `Decom` has a K_s×K_s `lkb_origin`
/// instead of the two strips; `bn` false drops every branch BN (bias-free convs alone).
/// ``features(_:path:options:)`` returns each stage's output. Keys: the trunk's plus `stages.{s}.{j}.` +
/// slak.block's keys. The three branch convolutions run on `path`.
public struct SLaKModel<Scalar: TensorScalar>: Model {
    public static var id: String { "slak" }
    public let config: SLaKConfig
    let trunk: ConvNeXtLayout<Scalar>

    public static func parseConfig(_ config: BlockConfig) throws(BackboneError) -> SLaKConfig { try SLaKConfig.parse(config) }

    /// The model re-parameterised for deployment: in every block the `LoRA1` K×N, `LoRA2` N×K (or the K×K
    /// `lkb_origin`) and `small_conv` N×N branches, each with its BN if it has one, become one K×K kernel with
    /// bias (Docs/large-kernel.md; the official code has no merged form for Decom checkpoints, so this is
    /// GlobalConv's own). The
    /// same function to rounding (tested against the branches on the fixtures).
    public func merged() -> SLaKModel {
        SLaKModel(config: config, trunk: trunk.mappingBlocks { block in
            if case .slak(let b) = block { return .slak(b.merged()) }
            return block
        })
    }

    private init(config: SLaKConfig, trunk: ConvNeXtLayout<Scalar>) { (self.config, self.trunk) = (config, trunk) }

    public init(config: SLaKConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let id = Self.id
        guard config.depths.count == 4, config.dims.count == 4, config.kernelSize.count == 5,
              (config.depths + config.dims + config.kernelSize + [config.numClasses, config.inChans]).allSatisfy({ $0 >= 1 }),
              config.widthFactor.isFinite, config.widthFactor > 0, config.widths.allSatisfy({ $0 >= 1 }) else {
            throw .config(block: id, message: "depths and dims need 4 integers ≥ 1, kernel_size 5, width_factor must be positive with int(dims·width_factor) ≥ 1, got \(config)")
        }
        let n = config.kernelSize[4]
        for k in config.kernelSize.prefix(4) where !(k % 2 == 1 && n % 2 == 1 && n <= k) {
            throw .config(block: id, message: "\"kernel_size\" needs odd stage kernels K_s ≥ the odd strip side N (branches padded by k/2 keep the map size only for odd k), got \(config.kernelSize)")
        }
        self.config = config
        let (kernels, decom, bn) = (config.kernelSize, config.decom, config.bn)
        trunk = try loadStrictly(consume stateDict, block: id) { (s) throws(BackboneError) in
            try ConvNeXtLayout(s, model: id, inChannels: config.inChans, dims: config.widths, depths: config.depths,
                               numClasses: config.numClasses) { (b, stage, _, dim) throws(BackboneError) in
                .slak(try SLaKBlock(b, dim: dim, kernel: kernels[stage], small: n, decom: decom, bn: bn))
            }
        }
    }

    public func features(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> [Tensor<Scalar>] {
        try trunk.features(x, path: path, options: options)
    }

    public func logits(_ last: Tensor<Scalar>, threads: Int) throws(BackboneError) -> Tensor<Scalar> {
        try trunk.logits(last, threads: threads)
    }
}
