import GlobalConv
import LargeKernel

/// `moganet`: the official MogaNet classifier (Westlake-AI/MogaNet, `models/moganet.py`).
///
/// ```
/// patch_embed1  Conv(in→C0/2, 3×3, s2, p1) → BN → GELU → Conv(C0/2→C0, 3×3, s2, p1) → BN     ⌈H/4⌉
///               (keys projection.0, .1, .3, .4)
/// patch_embed{i} (i = 2…4)  Conv(C_{i−2}→C_{i−1}, 3×3, s2, p1) (`projection`) → BN (`norm`)   ⌈n/2⌉
/// stage i   blocks{i}.0 … : moganet.block(C, ffn_ratio r, attn_dw_dilation — [1, 2, 1] in the last
///           stage when attn_final_dilation is false —, attn_channel_split, attn_force_fp32)
///           norm{i} = BN(C); its output feeds the next stage
/// head      spatial mean of norm4's output → Linear(C3→num_classes)   (norm before pooling; none for
///           num_classes 0 or fork_feat — the latter the dense-prediction form, whose output is the features)
/// ```
/// ``features(_:path:options:)`` returns the four `norm{i}` outputs (the official `fork_feat` maps).
/// Keys: `patch_embed1.projection.{0,3}.{weight, bias}`, `patch_embed1.projection.{1,4}.*` (BN),
/// `patch_embed{i}.projection.{weight, bias}`, `patch_embed{i}.norm.*`, `blocks{i}.{j}.` + moganet.block's
/// keys, `norm{i}.*`, `head.{weight, bias}`. The blocks' depthwise convolutions run on `path`.
public struct MogaNetModel<Scalar: TensorScalar>: Model {
    public static var id: String { "moganet" }
    public let config: MogaNetConfig
    let stem: StackedConvStem<Scalar, BatchNormParameters<Scalar>>
    /// Index i − 2 for patch_embed2…4.
    let embeds: [ConvNorm<Scalar, BatchNormParameters<Scalar>>]
    let stages: [[MogaBlock<Scalar>]]
    let norms: [BatchNormParameters<Scalar>]
    /// `nil` for `num_classes` 0 (the official `nn.Identity` head).
    let head: Linear<Scalar>?

    public static func parseConfig(_ config: BlockConfig) throws(BackboneError) -> MogaNetConfig { try MogaNetConfig.parse(config) }

    public init(config: MogaNetConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let id = Self.id
        let dims = config.arch.embedDims, depths = config.arch.depths, ratios = config.arch.ffnRatios
        guard dims.count == 4, depths.count == 4, ratios.count == 4, config.attnDwDilation.count == 3, config.attnChannelSplit.count == 3,
              (dims + depths + config.attnChannelSplit + [config.inChannels]).allSatisfy({ $0 >= 1 }), config.numClasses >= 0,
              ratios.allSatisfy({ $0.isFinite && $0 > 0 }), dims[0] >= 2 else {
            throw .config(block: id, message: "arch needs 4 embed_dims (C0 ≥ 2), depths and positive ffn_ratios; attn_dw_dilation and attn_channel_split 3 integers; in_channels ≥ 1, num_classes ≥ 0 (0: no head); got \(config)")
        }
        guard config.attnDwDilation.allSatisfy({ (1...3).contains($0) }) else {
            throw .config(block: id, message: "\"attn_dw_dilation\" entries must be in 1...3 (the official assertion), got \(config.attnDwDilation)")
        }
        var splits: [(Int, Int, Int)] = []
        for d in dims { splits.append(try MogaBlock<Scalar>.channelSplit(dim: d, split: config.attnChannelSplit, block: id)) }
        let hidden = (0..<4).map { BlockConfig.truncatedProduct(dims[$0], ratios[$0]) }
        guard hidden.allSatisfy({ $0 >= 1 }) else { throw .config(block: id, message: "int(embed_dims·ffn_ratios) must be ≥ 1, got \(hidden)") }
        self.config = config
        typealias Parts = (StackedConvStem<Scalar, BatchNormParameters<Scalar>>, [ConvNorm<Scalar, BatchNormParameters<Scalar>>],
                           [[MogaBlock<Scalar>]], [BatchNormParameters<Scalar>], Linear<Scalar>?)
        (stem, embeds, stages, norms, head) = try loadStrictly(consume stateDict, block: id) { (s) throws(BackboneError) -> Parts in
            let batchNorm = { (scope: StateDictScope<Scalar>, channels: Int) throws(BackboneError) in try BatchNormParameters(scope, channels: channels) }
            let stem = try StackedConvStem(s.scope("patch_embed1.projection"), in: config.inChannels, out: dims[0], loadNorm: batchNorm)
            var embeds: [ConvNorm<Scalar, BatchNormParameters<Scalar>>] = []
            var stages: [[MogaBlock<Scalar>]] = [], norms: [BatchNormParameters<Scalar>] = []
            for i in 0..<4 {
                if i > 0 {
                    embeds.append(try ConvNorm(s.scope("patch_embed\(i + 1)"), conv: "projection", norm: "norm", in: dims[i - 1], out: dims[i],
                                               kernel: 3, stride: 2, padding: 1, loadNorm: batchNorm))
                }
                let dilation = i == 3 && !config.attnFinalDilation ? [1, 2, 1] : config.attnDwDilation
                var blocks: [MogaBlock<Scalar>] = []
                for j in 0..<depths[i] {
                    blocks.append(try MogaBlock(s.scope("blocks\(i + 1).\(j)"), dim: dims[i], hidden: hidden[i], split: splits[i],
                                                dilation: dilation, forceFP32: config.attnForceFP32))
                }
                stages.append(blocks)
                norms.append(try BatchNormParameters(s.scope("norm\(i + 1)"), channels: dims[i]))
            }
            return (stem, embeds, stages, norms, try Linear.classifier(s.scope("head"), in: dims[3], classes: config.forkFeat ? 0 : config.numClasses))
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func features(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> [Tensor<Scalar>] {
        try checkInput(x, channels: config.inChannels, block: Self.id)
        let threads = options.threads
        var h = try stem(x, threads: threads, model: Self.id)
        var out: [Tensor<Scalar>] = []
        for i in 0..<4 {
            if i > 0 { h = try embeds[i - 1](h, threads: threads, model: Self.id) }
            for block in stages[i] { h = try block.forward(h, path: path, options: options) }
            h = norms[i](h, threads: threads)
            out.append(h)
        }
        return out
    }

    public var hasClassifier: Bool { head != nil }
    public var isDensePrediction: Bool { config.forkFeat }

    public func logits(_ last: Tensor<Scalar>, threads: Int) throws(BackboneError) -> Tensor<Scalar> {
        guard !config.forkFeat else {
            throw .config(block: Self.id, message: "the model is the dense-prediction form (fork_feat): it has no classifier and no pooled output; its output is features(_:path:options:)")
        }
        return try head.classify(last.spatialMean(threads: threads), threads: threads)
    }
}
