import GlobalConv
import LargeKernel

/// `van`: the official VAN classifier (Visual-Attention-Network/VAN-Classification, `models/van.py`).
///
/// ```
/// stage i = 1…4 (keys 1-based):
///   patch_embed{i}  Conv(C_{i−2}→C_{i−1}, 7×7 stride 4 pad 3 for i = 1, else 3×3 stride 2 pad 1) → BN   ⌈H/4⌉, then ⌈n/2⌉
///   block{i}.0 … block{i}.(depths−1): van.block(dim C, mlp_ratio r, LKA 21/3)
///   norm{i}         LayerNorm over C per token (eps 1e-6); its output feeds the next stage
/// head  token mean of norm4's output → Linear(C3→num_classes)   (norm before pooling)
/// ```
/// ``features(_:path:options:)`` returns each stage's normalised map (the input of the next patch
/// embedding). Keys: `patch_embed{i}.proj.{weight, bias}`, `patch_embed{i}.norm.{weight, bias,
/// running_mean, running_var}`, `block{i}.{j}.` + van.block's keys, `norm{i}.{weight, bias}`,
/// `head.{weight, bias}`. The blocks' depthwise convs (LKA 5×5 and 7×7 dil 3, MLP 3×3) run on `path`.
public struct VANModel<Scalar: TensorScalar>: Model {
    public static var id: String { "van" }
    public let config: VANConfig
    let embeds: [ConvNorm<Scalar, BatchNormParameters<Scalar>>]
    let stages: [[VANBlock<Scalar>]]
    let norms: [LayerNormChannelsLast<Scalar>]
    /// `nil` for `num_classes` 0 (the official `nn.Identity` head).
    let head: Linear<Scalar>?

    public static func parseConfig(_ config: BlockConfig) throws(BackboneError) -> VANConfig { try VANConfig.parse(config) }

    public init(config: VANConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let id = Self.id
        let dims = config.embedDims
        guard dims.count == 4, config.depths.count == 4, config.mlpRatios.count == 4,
              (dims + config.depths + [config.inChans]).allSatisfy({ $0 >= 1 }), config.numClasses >= 0,
              config.mlpRatios.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw .config(block: id, message: "embed_dims, depths and mlp_ratios must hold 4 positive values, in_chans be ≥ 1 and num_classes ≥ 0 (0: no head), got \(config)")
        }
        let hidden = (0..<4).map { BlockConfig.truncatedProduct(dims[$0], config.mlpRatios[$0]) }
        guard hidden.allSatisfy({ $0 >= 1 }) else { throw .config(block: id, message: "int(embed_dims[i]·mlp_ratios[i]) must be ≥ 1, got \(hidden)") }
        let lka: LKADecomposition
        do { lka = try LKADecomposition(kernelSize: 21, dilation: 3) } catch { throw .config(block: id, message: "\(error)") }
        self.config = config
        (embeds, stages, norms, head) = try loadStrictly(consume stateDict, block: id) { (s) throws(BackboneError) in
            let batchNorm = { (scope: StateDictScope<Scalar>, channels: Int) throws(BackboneError) in try BatchNormParameters(scope, channels: channels) }
            var embeds: [ConvNorm<Scalar, BatchNormParameters<Scalar>>] = []
            var stages: [[VANBlock<Scalar>]] = [], norms: [LayerNormChannelsLast<Scalar>] = []
            for i in 0..<4 {
                let (k, stride) = i == 0 ? (7, 4) : (3, 2)
                embeds.append(try ConvNorm(s.scope("patch_embed\(i + 1)"), conv: "proj", norm: "norm", in: i == 0 ? config.inChans : dims[i - 1],
                                           out: dims[i], kernel: k, stride: stride, padding: k / 2, loadNorm: batchNorm))
                var blocks: [VANBlock<Scalar>] = []
                for j in 0..<config.depths[i] {
                    blocks.append(try VANBlock(s.scope("block\(i + 1).\(j)"), dim: dims[i], hidden: hidden[i], decomposition: lka))
                }
                stages.append(blocks)
                norms.append(try LayerNormChannelsLast(s.scope("norm\(i + 1)"), channels: dims[i], eps: Scalar(1e-6)))
            }
            return (embeds, stages, norms, try Linear.classifier(s.scope("head"), in: dims[3], classes: config.numClasses))
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func features(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> [Tensor<Scalar>] {
        try checkInput(x, channels: config.inChans, block: Self.id)
        let threads = options.threads
        var h = x
        var out: [Tensor<Scalar>] = []
        for i in 0..<4 {
            h = try embeds[i](h, threads: threads, model: Self.id)
            for block in stages[i] { h = try block.forward(h, path: path, options: options) }
            h = norms[i](h, threads: threads)
            out.append(h)
        }
        return out
    }

    public var hasClassifier: Bool { head != nil }

    public func logits(_ last: Tensor<Scalar>, threads: Int) throws(BackboneError) -> Tensor<Scalar> {
        try head.classify(last.spatialMean(threads: threads), threads: threads)
    }
}
