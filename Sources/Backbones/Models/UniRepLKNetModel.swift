import GlobalConv

/// `unireplknet`: the official UniRepLKNet classifier (AILab-CVC/UniRepLKNet, `unireplknet.py`).
///
/// ```
/// stem      downsample_layers.0 = Conv(in→C0/2, 3×3, s2, p1) → LN_cf → GELU → Conv(C0/2→C0, 3×3, s2, p1) → LN_cf   ⌈H/4⌉
///           (keys .0, .1, .3, .4)
/// s = 1…3   downsample_layers.s = Conv(C_{s−1}→C_s, 3×3, s2, p1) (.0) → LN_cf(C_s) (.1)   — conv first   ⌈n/2⌉
/// stage s   stages.s.{j}: UniRepLKNetBlock(C_s, kernel_sizes[s][j]) (training or deploy form)
/// head      spatial mean → LN(C3) on the pooled vector → Linear(C3→num_classes)   (norm after pooling)
/// ```
/// All LayerNorms eps 1e-6. ``features(_:path:options:)`` returns each stage's output (the trunk); in the
/// dense-prediction form (`init_cfg`, `num_classes` null: no `norm`/`head`) each through its channels-first
/// LayerNorm `norm{s}`, and `forward` is a config error (there are no logits). Keys: the above plus `stages.{s}.{j}.` + the block's keys (training
/// or deploy set, by `deploy`). Every depthwise convolution of the blocks runs on `path`.
public struct UniRepLKNetModel<Scalar: TensorScalar>: Model {
    public static var id: String { "unireplknet" }
    public private(set) var config: UniRepLKNetConfig
    let stem: StackedConvStem<Scalar, LayerNormChannelsFirst<Scalar>>
    /// Index s − 1 for s = 1…3.
    let downsamples: [ConvNorm<Scalar, LayerNormChannelsFirst<Scalar>>]
    private(set) var stages: [[UniRepLKNetBlock<Scalar>]]
    /// `norm` (on the pooled vector) and `head`; `nil` in the dense-prediction form.
    let classifier: (norm: LayerNormChannelsLast<Scalar>, head: Linear<Scalar>)?
    /// `norm0…norm3` of the dense-prediction form, else `nil`.
    let stageNorms: [LayerNormChannelsFirst<Scalar>]?

    public static func parseConfig(_ config: BlockConfig) throws(BackboneError) -> UniRepLKNetConfig { try UniRepLKNetConfig.parse(config) }

    /// The model re-parameterised for deployment, as the official `reparameterize_unireplknet()`: every
    /// block's dilated branches, BatchNorms, GRN bias and layer scale folded into its convolutions
    /// (``UniRepLKNetBlock/merged()``); the config then says `deploy`. The same function to rounding
    /// (tested against the training form and the reference's deploy model on the fixtures).
    /// - Throws: ``BackboneError`` only if a merged kernel cannot be built (not for loaded models).
    public func merged() throws(BackboneError) -> UniRepLKNetModel {
        var copy = self
        copy.config.deploy = true
        var merged: [[UniRepLKNetBlock<Scalar>]] = []
        for stage in stages {
            var blocks: [UniRepLKNetBlock<Scalar>] = []
            for block in stage { blocks.append(try block.merged()) }
            merged.append(blocks)
        }
        copy.stages = merged
        return copy
    }

    public init(config: UniRepLKNetConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let id = Self.id
        let dims = config.dims
        guard dims.count == 4, config.depths.count == 4, (dims + config.depths + [config.inChans]).allSatisfy({ $0 >= 1 }),
              dims.allSatisfy({ $0 >= 4 }) else {
            throw .config(block: id, message: "depths and dims need 4 integers ≥ 1 (dims ≥ 4: the SE width is C/4, the stem's C0/2), in_chans ≥ 1; got \(config)")
        }
        try config.checkForm()
        let kernels = try config.resolvedKernelSizes()
        guard kernels.count == 4, (0..<4).allSatisfy({ kernels[$0].count == config.depths[$0] }) else {
            throw .config(block: id, message: "\"kernel_sizes\" must hold one kernel size per block of each stage (depths \(config.depths)), got \(kernels)")
        }
        try KeySetCheck.expect(merged: config.deploy, in: stateDict, model: id,
                               mergedMarker: ".pwconv2.0.bias", trainingMarker: ".pwconv2.2.running_mean", flag: "\"deploy\"")
        self.config = config
        typealias Parts = (StackedConvStem<Scalar, LayerNormChannelsFirst<Scalar>>, [ConvNorm<Scalar, LayerNormChannelsFirst<Scalar>>],
                           [[UniRepLKNetBlock<Scalar>]], (norm: LayerNormChannelsLast<Scalar>, head: Linear<Scalar>)?, [LayerNormChannelsFirst<Scalar>]?)
        (stem, downsamples, stages, classifier, stageNorms) = try loadStrictly(consume stateDict, block: id) { (s) throws(BackboneError) -> Parts in
            let eps = Scalar(1e-6)
            let layerNorm = { (scope: StateDictScope<Scalar>, channels: Int) throws(BackboneError) in try LayerNormChannelsFirst(scope, channels: channels, eps: eps) }
            let stem = try StackedConvStem(s.scope("downsample_layers.0"), in: config.inChans, out: dims[0], loadNorm: layerNorm)
            var downsamples: [ConvNorm<Scalar, LayerNormChannelsFirst<Scalar>>] = []
            for i in 1..<4 {
                downsamples.append(try ConvNorm(s.scope("downsample_layers.\(i)"), conv: "0", norm: "1", in: dims[i - 1], out: dims[i],
                                                kernel: 3, stride: 2, padding: 1, loadNorm: layerNorm))
            }
            var stages: [[UniRepLKNetBlock<Scalar>]] = []
            for i in 0..<4 {
                var blocks: [UniRepLKNetBlock<Scalar>] = []
                for j in 0..<config.depths[i] {
                    blocks.append(try UniRepLKNetBlock(s.scope("stages.\(i).\(j)"), dim: dims[i], kernelSize: kernels[i][j], deploy: config.deploy,
                                                       layerScale: config.hasLayerScale, model: id))
                }
                stages.append(blocks)
            }
            let classifier = try config.numClasses.map { (n) throws(BackboneError) in
                (try LayerNormChannelsLast(s.scope("norm"), channels: dims[3], eps: eps), try Linear(s.scope("head"), in: dims[3], out: n))
            }
            let stageNorms = config.isDensePrediction ? try (0..<4).map { (i) throws(BackboneError) in try layerNorm(s.scope("norm\(i)"), dims[i]) } : nil
            return (stem, downsamples, stages, classifier, stageNorms)
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func features(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> [Tensor<Scalar>] {
        try checkInput(x, channels: config.inChans, block: Self.id)
        let threads = options.threads
        var h = try stem(x, threads: threads, model: Self.id)
        var out: [Tensor<Scalar>] = []
        for s in 0..<4 {
            if s > 0 { h = try downsamples[s - 1](h, threads: threads, model: Self.id) }
            for block in stages[s] { h = try block.forward(h, path: path, options: options) }
            out.append(stageNorms.map { $0[s](h, threads: threads) } ?? h)
        }
        return out
    }

    public var hasClassifier: Bool { classifier != nil }
    public var isDensePrediction: Bool { classifier == nil }

    public func logits(_ last: Tensor<Scalar>, threads: Int) throws(BackboneError) -> Tensor<Scalar> {
        guard let (norm, head) = classifier else {
            throw .config(block: Self.id, message: "the model is the dense-prediction form (init_cfg, num_classes null): it has no classifier and no logits; its output is features(_:path:options:)")
        }
        do { return try head(norm(last.spatialMean(threads: threads)), threads: threads) } catch { throw .convolution(error) }
    }
}
