import GlobalConv

/// `convnext`: the official ConvNeXt classifier (facebookresearch/ConvNeXt, `models/convnext.py`).
///
/// The ConvNeXt trunk (``ConvNeXtLayout``: 4×4/s4 conv + LN_cf stem, LN_cf + 2×2/s2 downsamplers,
/// spatial mean → LN → head) with `stages.{s}.{j}` = convnext.block(dim C_s, kernel 7).
/// ``features(_:path:options:)`` returns each stage's output (after its blocks). Keys: the trunk's plus
/// `stages.{s}.{j}.` + convnext.block's keys. The blocks' 7×7 depthwise convs run on `path`.
public struct ConvNeXtModel<Scalar: TensorScalar>: Model {
    public static var id: String { "convnext" }
    public let config: ConvNeXtConfig
    let trunk: ConvNeXtLayout<Scalar>

    public static func parseConfig(_ config: BlockConfig) throws(BackboneError) -> ConvNeXtConfig { try ConvNeXtConfig.parse(config) }

    public init(config: ConvNeXtConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        trunk = try ConvNeXtLayout.load(config: config, stateDict: stateDict, model: Self.id) { (b, dim) throws(BackboneError) in
            .convnext(try ConvNeXtBlock(b, dim: dim, kernelSize: 7))
        }
        self.config = config
    }

    public func features(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> [Tensor<Scalar>] {
        try trunk.features(x, path: path, options: options)
    }

    public func logits(_ last: Tensor<Scalar>, threads: Int) throws(BackboneError) -> Tensor<Scalar> {
        try trunk.logits(last, threads: threads)
    }
}
