import GlobalConv

/// The trunk shared by ConvNeXt, SLaK and ParC-ConvNeXt (the ConvNeXt-derived files): everything but the
/// blocks themselves.
///
/// ```
/// stem      downsample_layers.0 = Conv(in→C0, 4×4, stride 4) → LN_cf(C0)              ⌊H/4⌋ × ⌊W/4⌋
/// s = 1…3   downsample_layers.s = LN_cf(C_{s−1}) → Conv(C_{s−1}→C_s, 2×2, stride 2)   ⌊n/2⌋
/// stage s   stages.s.0 … stages.s.(depths[s]−1)  (the family's blocks)
/// head      spatial mean → LN(C3) on the pooled vector → Linear(C3→num_classes)   (norm after pooling)
/// ```
/// All LayerNorms eps 1e-6 (LN_cf: ``LayerNormChannelsFirst``). Keys `downsample_layers.0.0.{weight
/// [C0,in,4,4], bias}`, `downsample_layers.0.1.{weight, bias}`, `downsample_layers.{s}.0.{weight, bias}
/// [C_{s−1}]`, `downsample_layers.{s}.1.{weight [C_s,C_{s−1},2,2], bias}`, `norm.*`, `head.*`.
/// Immutable; thread-safe.
struct ConvNeXtLayout<Scalar: TensorScalar>: Sendable {
    /// One block of a stage.
    enum StageBlock: Sendable {
        case convnext(ConvNeXtBlock<Scalar>)
        case slak(SLaKBlock<Scalar>)
        case parc(ParCConvNeXtBlock<Scalar>)
        case convnextV2(ConvNeXtV2Block<Scalar>)

        func forward(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> Tensor<Scalar> {
            switch self {
            case .convnext(let b): try b.forward(x, path: path, options: options)
            case .slak(let b): try b.forward(x, path: path, options: options)
            case .parc(let b): try b.forward(x, path: path, options: options)
            case .convnextV2(let b): try b.forward(x, path: path, options: options)
            }
        }
    }

    let model: String
    let inChannels: Int
    let stem: Convolution2D<Scalar>
    let stemNorm: LayerNormChannelsFirst<Scalar>
    /// Index s − 1 for s = 1…3.
    let downNorms: [LayerNormChannelsFirst<Scalar>]
    let downConvs: [Convolution2D<Scalar>]
    private(set) var stages: [[StageBlock]]
    let norm: LayerNormChannelsLast<Scalar>
    let head: Linear<Scalar>

    /// The same trunk with every block replaced by `transform(block)` (re-parameterisation).
    func mappingBlocks(_ transform: (StageBlock) -> StageBlock) -> ConvNeXtLayout {
        var copy = self
        copy.stages = stages.map { $0.map(transform) }
        return copy
    }

    /// Loads the trunk under `s` and each block with `block(scope, stage, index, width)`.
    init(_ s: StateDictScope<Scalar>, model: String, inChannels: Int, dims: [Int], depths: [Int], numClasses: Int,
         block: (StateDictScope<Scalar>, Int, Int, Int) throws(BackboneError) -> StageBlock) throws(BackboneError) {
        (self.model, self.inChannels) = (model, inChannels)
        let d0 = s.scope("downsample_layers.0")
        stem = try Convolution2D(d0.scope("0"), in: inChannels, out: dims[0], kernel: Size2D(4), stride: Size2D(4), padding: Size2D(0))
        stemNorm = try LayerNormChannelsFirst(d0.scope("1"), channels: dims[0], eps: Scalar(1e-6))
        var norms: [LayerNormChannelsFirst<Scalar>] = [], convs: [Convolution2D<Scalar>] = []
        for i in 1..<4 {
            let d = s.scope("downsample_layers.\(i)")
            norms.append(try LayerNormChannelsFirst(d.scope("0"), channels: dims[i - 1], eps: Scalar(1e-6)))
            convs.append(try Convolution2D(d.scope("1"), in: dims[i - 1], out: dims[i], kernel: Size2D(2), stride: Size2D(2), padding: Size2D(0)))
        }
        (downNorms, downConvs) = (norms, convs)
        var stages: [[StageBlock]] = []
        for i in 0..<4 {
            var blocks: [StageBlock] = []
            for j in 0..<depths[i] { blocks.append(try block(s.scope("stages.\(i).\(j)"), i, j, dims[i])) }
            stages.append(blocks)
        }
        self.stages = stages
        norm = try LayerNormChannelsLast(s.scope("norm"), channels: dims[3], eps: Scalar(1e-6))
        head = try Linear(s.scope("head"), in: dims[3], out: numClasses)
    }

    /// Each stage's output (after its blocks). `stageInput(s, map)` may refuse a stage's input map.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func features(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions,
                  stageInput: (Int, Tensor<Scalar>) throws(BackboneError) -> Void = { _, _ in }) throws(BackboneError) -> [Tensor<Scalar>] {
        try checkInput(x, channels: inChannels, block: model)
        let threads = options.threads
        var h = stemNorm(try stem.run(x, threads: threads, model: model, layer: "downsample_layers.0.0"), threads: threads)
        var out: [Tensor<Scalar>] = []
        for s in 0..<4 {
            if s > 0 {
                h = try downConvs[s - 1].run(downNorms[s - 1](h, threads: threads), threads: threads, model: model, layer: "downsample_layers.\(s).1")
            }
            try stageInput(s, h)
            for block in stages[s] { h = try block.forward(h, path: path, options: options) }
            out.append(h)
        }
        return out
    }

    /// Spatial mean → LN → head on the last stage's map.
    func logits(_ last: Tensor<Scalar>, threads: Int) throws(BackboneError) -> Tensor<Scalar> {
        do { return try head(norm(last.spatialMean(threads: threads)), threads: threads) } catch { throw .convolution(error) }
    }
}

extension ConvNeXtLayout {
    /// The trunk of a model whose config is ``ConvNeXtConfig`` (ConvNeXt, ConvNeXt-V2): the config checked,
    /// then `stateDict` loaded strictly with `block(scope, dim)` building each stage block.
    /// - Throws: ``BackboneError/config(block:message:)`` for depths/dims that are not 4 integers ≥ 1 or a
    ///   count < 1; ``BackboneError/stateDict(_:)`` listing every missing, unexpected and mis-shaped key.
    static func load(config: ConvNeXtConfig, stateDict: consuming [String: Tensor<Scalar>], model id: String,
                     block: (StateDictScope<Scalar>, Int) throws(BackboneError) -> StageBlock) throws(BackboneError) -> ConvNeXtLayout {
        guard config.depths.count == 4, config.dims.count == 4,
              (config.depths + config.dims + [config.numClasses, config.inChans]).allSatisfy({ $0 >= 1 }) else {
            throw .config(block: id, message: "depths and dims must hold 4 integers ≥ 1 and num_classes, in_chans be ≥ 1, got \(config)")
        }
        return try loadStrictly(consume stateDict, block: id) { (s) throws(BackboneError) in
            try ConvNeXtLayout(s, model: id, inChannels: config.inChans, dims: config.dims, depths: config.depths,
                               numClasses: config.numClasses) { (b, _, _, dim) throws(BackboneError) in try block(b, dim) }
        }
    }
}
