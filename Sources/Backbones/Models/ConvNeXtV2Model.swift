import GlobalConv

/// `convnextv2`: the official ConvNeXt-V2 classifier (facebookresearch/ConvNeXt-V2, `models/convnextv2.py`).
///
/// ConvNeXt's trunk (``ConvNeXtLayout``: 4×4/s4 conv + LN_cf stem, LN_cf + 2×2/s2 downsamplers, spatial
/// mean → LN → head) with `stages.{s}.{j}` = ``ConvNeXtV2Block`` (GRN, no layer scale). Its config is
/// ConvNeXt's (the same four constructor arguments) with the V2 presets (``ConvNeXtConfig/v2Presets``).
/// ``features(_:path:options:)`` returns each stage's output. Keys: the trunk's plus `stages.{s}.{j}.` +
/// the block's keys. The blocks' 7×7 depthwise convs run on `path`.
public struct ConvNeXtV2Model<Scalar: TensorScalar>: Model {
    public static var id: String { "convnextv2" }
    public let config: ConvNeXtConfig
    let trunk: ConvNeXtLayout<Scalar>

    public static func parseConfig(_ config: BlockConfig) throws(BackboneError) -> ConvNeXtConfig {
        try ConvNeXtConfig.parse(config, presets: ConvNeXtConfig.v2Presets)
    }

    public init(config: ConvNeXtConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        trunk = try ConvNeXtLayout.load(config: config, stateDict: stateDict, model: Self.id) { (b, dim) throws(BackboneError) in
            .convnextV2(try ConvNeXtV2Block(b, dim: dim))
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
