import GlobalConv

/// `convnext`: the official ConvNeXt classifier (facebookresearch/ConvNeXt, `models/convnext.py`).
///
/// ```
/// stem      downsample_layers.0 = Conv(in_chans→C0, 4×4, stride 4) → LN_cf(C0)          ⌊H/4⌋ × ⌊W/4⌋
/// s = 1…3   downsample_layers.s = LN_cf(C_{s−1}) → Conv(C_{s−1}→C_s, 2×2, stride 2)      ⌊n/2⌋
/// stage s   stages.s.0 … stages.s.(depths[s]−1): convnext.block(dim C_s, kernel 7)
/// head      spatial mean → LN(C3) on the pooled vector → Linear(C3→num_classes)  (norm after pooling)
/// ```
/// LN_cf is ``LayerNormChannelsFirst``; all LayerNorms eps 1e-6. ``features(_:path:options:)`` returns
/// each stage's output (after its blocks). Keys: `downsample_layers.0.0.{weight [C0,in,4,4], bias}`,
/// `downsample_layers.0.1.{weight, bias}`, `downsample_layers.{s}.0.{weight, bias} [C_{s−1}]`,
/// `downsample_layers.{s}.1.{weight [C_s,C_{s−1},2,2], bias}`, `stages.{s}.{j}.` + convnext.block's keys,
/// `norm.{weight, bias}`, `head.{weight, bias}`. The blocks' 7×7 depthwise convs run on `path`.
public struct ConvNeXtModel<Scalar: TensorScalar>: Model {
    public static var id: String { "convnext" }
    public let config: ConvNeXtConfig
    let stem: Convolution2D<Scalar>
    let stemNorm: LayerNormChannelsFirst<Scalar>
    /// Index s − 1 for s = 1…3.
    let downNorms: [LayerNormChannelsFirst<Scalar>]
    let downConvs: [Convolution2D<Scalar>]
    let stages: [[ConvNeXtBlock<Scalar>]]
    let norm: LayerNormChannelsLast<Scalar>
    let head: Linear<Scalar>

    public static func parseConfig(_ config: BlockConfig) throws(BackboneError) -> ConvNeXtConfig { try ConvNeXtConfig.parse(config) }

    public init(config: ConvNeXtConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let id = Self.id
        guard config.depths.count == 4, config.dims.count == 4,
              (config.depths + config.dims + [config.numClasses, config.inChans]).allSatisfy({ $0 >= 1 }) else {
            throw .config(block: id, message: "depths and dims must hold 4 integers ≥ 1 and num_classes, in_chans be ≥ 1, got \(config)")
        }
        self.config = config
        let dims = config.dims
        (stem, stemNorm, downNorms, downConvs, stages, norm, head) = try loadStrictly(stateDict, block: id) { (s) throws(BackboneError) in
            let d0 = s.scope("downsample_layers.0")
            let stem = try Convolution2D(d0.scope("0"), in: config.inChans, out: dims[0], kernel: Size2D(4), stride: Size2D(4), padding: Size2D(0))
            let stemNorm = try LayerNormChannelsFirst(d0.scope("1"), channels: dims[0], eps: Scalar(1e-6))
            var norms: [LayerNormChannelsFirst<Scalar>] = [], convs: [Convolution2D<Scalar>] = []
            for i in 1..<4 {
                let d = s.scope("downsample_layers.\(i)")
                norms.append(try LayerNormChannelsFirst(d.scope("0"), channels: dims[i - 1], eps: Scalar(1e-6)))
                convs.append(try Convolution2D(d.scope("1"), in: dims[i - 1], out: dims[i], kernel: Size2D(2), stride: Size2D(2), padding: Size2D(0)))
            }
            var stages: [[ConvNeXtBlock<Scalar>]] = []
            for i in 0..<4 {
                var blocks: [ConvNeXtBlock<Scalar>] = []
                for j in 0..<config.depths[i] { blocks.append(try ConvNeXtBlock(s.scope("stages.\(i).\(j)"), dim: dims[i], kernelSize: 7)) }
                stages.append(blocks)
            }
            return (stem, stemNorm, norms, convs, stages,
                    try LayerNormChannelsLast(s.scope("norm"), channels: dims[3], eps: Scalar(1e-6)),
                    try Linear(s.scope("head"), in: dims[3], out: config.numClasses))
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func features(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> [Tensor<Scalar>] {
        try checkInput(x, channels: config.inChans, block: Self.id)
        let threads = options.threads
        var h = stemNorm(try stem.run(x, threads: threads, model: Self.id, layer: "downsample_layers.0.0"), threads: threads)
        var out: [Tensor<Scalar>] = []
        for s in 0..<4 {
            if s > 0 {
                h = try downConvs[s - 1].run(downNorms[s - 1](h, threads: threads), threads: threads, model: Self.id,
                                             layer: "downsample_layers.\(s).1")
            }
            for block in stages[s] { h = try block.forward(h, path: path, options: options) }
            out.append(h)
        }
        return out
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> Tensor<Scalar> {
        let last = try features(x, path: path, options: options)[3]
        let pooled = norm(last.spatialMean())
        do { return try head(pooled, threads: options.threads) } catch { throw .convolution(error) }
    }
}
