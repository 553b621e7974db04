import GlobalConv
import LargeKernel

/// `replknet`: the official RepLKNet classifier (DingXiaoH/RepLKNet-pytorch, `replknet.py`).
///
/// ```
/// stem.0  Conv(in→C0, 3×3, s2, p1) → BN → ReLU            ⌈H/2⌉
/// stem.1  dw Conv(C0, 3×3, p1) → BN → ReLU
/// stem.2  Conv(C0→C0, 1×1) → BN → ReLU
/// stem.3  dw Conv(C0, 3×3, s2, p1) → BN → ReLU            ⌈H/4⌉
/// stage s stages.s.blocks.{2m}: replknet.block(C_s, int(C_s·dw_ratio), K_s, small_kernel),
///         stages.s.blocks.{2m+1}: replknet.convffn(C_s, int(C_s·ffn_ratio)), m = 0…layers[s]−1
/// transitions.s (s < 3)  Conv(C_s→C_{s+1}, 1×1) → BN → ReLU, dw Conv(C_{s+1}, 3×3, s2, p1) → BN → ReLU
/// head    norm = BN(C3) → spatial mean → Linear(C3→num_classes)   (norm before pooling)
/// ```
/// The dense-prediction form (`num_classes` null, `out_indices`): no norm and head; ``features(_:path:options:)``
/// returns the maps of the stages in `out_indices` (in stage order), each through `stages.s.norm` (a BN with
/// `norm_intermediate_features`, else nothing), and the stages after the last of them are not run.
/// Every conv of the stem and transitions is bias-free. ``features(_:path:options:)`` returns each
/// stage's output after its blocks, before its transition (the official `out_indices` maps with
/// `stages.s.norm` = Identity). Keys: `stem.{n}.conv.weight`, `stem.{n}.bn.*`,
/// `stages.{s}.blocks.{i}.` + the blocks' keys, `transitions.{s}.{0|1}.conv.weight`, `…bn.*`, `norm.*`,
/// `head.{weight, bias}`; with `small_kernel_merged` the large kernels are `lkb_reparam.{weight, bias}`.
/// The large kernels and every depthwise conv of stem and transitions (strided ones at stride 1, then
/// decimated: ``StridedDepthwiseLayer``) run on `path`.
public struct RepLKNetModel<Scalar: TensorScalar>: Model {
    public static var id: String { "replknet" }
    public let config: RepLKNetConfig
    let stem: [ConvBNReLU<Scalar>]
    /// Per stage: RepLK block and ConvFFN alternating.
    let stages: [[(RepLKBlock<Scalar>, ConvFFNBlock<Scalar>)]]
    let transitions: [(ConvBNReLU<Scalar>, ConvBNReLU<Scalar>)]
    /// `norm` and `head`; `nil` in the dense-prediction form.
    let classifier: (norm: BatchNormParameters<Scalar>, head: Linear<Scalar>)?
    /// `stages.{s}.norm` (`norm_intermediate_features`), else `nil`.
    let stageNorms: [BatchNormParameters<Scalar>]?

    public static func parseConfig(_ config: BlockConfig) throws(BackboneError) -> RepLKNetConfig { try RepLKNetConfig.parse(config) }

    public init(config: RepLKNetConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let id = Self.id
        let ch = config.channels
        guard ch.count == 4, config.layers.count == 4, config.largeKernelSizes.count == 4,
              (ch + config.layers + config.largeKernelSizes + [config.inChannels]).allSatisfy({ $0 >= 1 }),
              config.dwRatio.isFinite, config.dwRatio > 0, config.ffnRatio.isFinite, config.ffnRatio > 0 else {
            throw .config(block: id, message: "large_kernel_sizes, layers and channels must hold 4 integers ≥ 1, dw_ratio and ffn_ratio be positive, in_channels ≥ 1, got \(config)")
        }
        try config.checkForm()
        for k in config.largeKernelSizes { try RepLKLargeKernelBlock<Scalar>.checkKernels(k, config.smallKernel, block: id) }
        let dw = ch.map { BlockConfig.truncatedProduct($0, config.dwRatio) }, ffn = ch.map { BlockConfig.truncatedProduct($0, config.ffnRatio) }
        guard (dw + ffn).allSatisfy({ $0 >= 1 }) else { throw .config(block: id, message: "int(C·dw_ratio) and int(C·ffn_ratio) must be ≥ 1, got \(dw), \(ffn)") }
        try KeySetCheck.expect(merged: config.smallKernelMerged, in: stateDict, model: id,
                               mergedMarker: ".large_kernel.lkb_reparam.weight", trainingMarker: ".large_kernel.lkb_origin.conv.weight",
                               flag: "\"small_kernel_merged\"")
        self.config = config
        (stem, stages, transitions, classifier, stageNorms) = try loadStrictly(consume stateDict, block: id) { (s) throws(BackboneError) in
            let c0 = ch[0]
            let stem = [try ConvBNReLU(s.scope("stem.0"), in: config.inChannels, out: c0, kernel: 3, stride: 2, groups: 1),
                        try ConvBNReLU(s.scope("stem.1"), in: c0, out: c0, kernel: 3, stride: 1, groups: c0),
                        try ConvBNReLU(s.scope("stem.2"), in: c0, out: c0, kernel: 1, stride: 1, groups: 1),
                        try ConvBNReLU(s.scope("stem.3"), in: c0, out: c0, kernel: 3, stride: 2, groups: c0)]
            var stages: [[(RepLKBlock<Scalar>, ConvFFNBlock<Scalar>)]] = []
            var transitions: [(ConvBNReLU<Scalar>, ConvBNReLU<Scalar>)] = []
            for i in 0..<4 {
                var pairs: [(RepLKBlock<Scalar>, ConvFFNBlock<Scalar>)] = []
                for m in 0..<config.layers[i] {
                    let b = s.scope("stages.\(i).blocks")
                    pairs.append((try RepLKBlock(b.scope("\(2 * m)"), inChannels: ch[i], dwChannels: dw[i], kernel: config.largeKernelSizes[i],
                                                 small: config.smallKernel, merged: config.smallKernelMerged),
                                  try ConvFFNBlock(b.scope("\(2 * m + 1)"), channels: ch[i], internal: ffn[i])))
                }
                stages.append(pairs)
                if i < 3 {
                    let t = s.scope("transitions.\(i)")
                    transitions.append((try ConvBNReLU(t.scope("0"), in: ch[i], out: ch[i + 1], kernel: 1, stride: 1, groups: 1),
                                        try ConvBNReLU(t.scope("1"), in: ch[i + 1], out: ch[i + 1], kernel: 3, stride: 2, groups: ch[i + 1])))
                }
            }
            let classifier = try config.numClasses.map { (n) throws(BackboneError) in
                (try BatchNormParameters(s.scope("norm"), channels: ch[3]), try Linear(s.scope("head"), in: ch[3], out: n))
            }
            let stageNorms = config.normIntermediateFeatures
                ? try (0..<4).map { (i) throws(BackboneError) in try BatchNormParameters(s.scope("stages.\(i).norm"), channels: ch[i]) } : nil
            return (stem, stages, transitions, classifier, stageNorms)
        }
    }

    /// The model re-parameterised for deployment, as the official `structural_reparam`: in every
    /// RepLK block the large kernel `lkb_origin` and the small kernel `small_conv`, each with its BN, become
    /// one `K×K` kernel with bias (`lkb_reparam`); the config then says `small_kernel_merged`. The same
    /// function to rounding (Docs/large-kernel.md; tested against the training form on the fixtures).
    public func merged() -> RepLKNetModel {
        var config = self.config
        config.smallKernelMerged = true
        return RepLKNetModel(config: config, stem: stem, stages: stages.map { $0.map { ($0.0.merged(), $0.1) } },
                             transitions: transitions, classifier: classifier, stageNorms: stageNorms)
    }

    private init(config: RepLKNetConfig, stem: [ConvBNReLU<Scalar>], stages: [[(RepLKBlock<Scalar>, ConvFFNBlock<Scalar>)]],
                 transitions: [(ConvBNReLU<Scalar>, ConvBNReLU<Scalar>)], classifier: (norm: BatchNormParameters<Scalar>, head: Linear<Scalar>)?,
                 stageNorms: [BatchNormParameters<Scalar>]?) {
        (self.config, self.stem, self.stages, self.transitions) = (config, stem, stages, transitions)
        (self.classifier, self.stageNorms) = (classifier, stageNorms)
    }

    public var hasClassifier: Bool { classifier != nil }
    public var isDensePrediction: Bool { classifier == nil }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func features(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> [Tensor<Scalar>] {
        try checkInput(x, channels: config.inChannels, block: Self.id)
        var h = x
        for unit in stem { h = try unit(h, path: path, options: options, model: Self.id) }
        var out: [Tensor<Scalar>] = []
        let returned = config.outIndices.map(Set.init) ?? Set(0..<4)
        let last = returned.max()!
        for s in 0...last {
            for (block, ffn) in stages[s] {
                h = try ffn.forward(try block.forward(h, path: path, options: options), path: path, options: options)
            }
            if returned.contains(s) { out.append(stageNorms.map { $0[s](h, threads: options.threads) } ?? h) }
            if s < last {
                let (a, b) = transitions[s]
                h = try b(try a(h, path: path, options: options, model: Self.id), path: path, options: options, model: Self.id)
            }
        }
        return out
    }

    public func logits(_ last: Tensor<Scalar>, threads: Int) throws(BackboneError) -> Tensor<Scalar> {
        guard let (norm, head) = classifier else { throw Self.noClassifier }
        do { return try head(norm(last, threads: threads).spatialMean(threads: threads), threads: threads) } catch { throw .convolution(error) }
    }

    static var noClassifier: BackboneError {
        .config(block: id, message: "the model is the dense-prediction form (num_classes null, out_indices): it has no classifier and no logits; its output is features(_:path:options:)")
    }
}
