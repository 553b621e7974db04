import GlobalConv

/// `convnextv2`: the official ConvNeXt-V2 classifier (facebookresearch/ConvNeXt-V2, `models/convnextv2.py`).
///
/// ConvNeXt's trunk (``ConvNeXtLayout``: 4×4/s4 conv + LN_cf stem, LN_cf + 2×2/s2 downsamplers, spatial
/// mean → LN → head) with `stages.{s}.{j}` = ``ConvNeXtV2Block`` (GRN, no layer scale).
/// ``features(_:path:options:)`` returns each stage's output. Keys: the trunk's plus `stages.{s}.{j}.` +
/// the block's keys. The blocks' 7×7 depthwise convs run on `path`.
public struct ConvNeXtV2Model<Scalar: TensorScalar>: Model {
    public static var id: String { "convnextv2" }
    public let config: ConvNeXtV2Config
    let trunk: ConvNeXtLayout<Scalar>

    public static func parseConfig(_ config: BlockConfig) throws(BackboneError) -> ConvNeXtV2Config { try ConvNeXtV2Config.parse(config) }

    public init(config: ConvNeXtV2Config, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let id = Self.id
        guard config.depths.count == 4, config.dims.count == 4,
              (config.depths + config.dims + [config.numClasses, config.inChans]).allSatisfy({ $0 >= 1 }) else {
            throw .config(block: id, message: "depths and dims must hold 4 integers ≥ 1 and num_classes, in_chans be ≥ 1, got \(config)")
        }
        self.config = config
        trunk = try loadStrictly(consume stateDict, block: id) { (s) throws(BackboneError) in
            try ConvNeXtLayout(s, model: id, inChannels: config.inChans, dims: config.dims, depths: config.depths,
                               numClasses: config.numClasses) { (b, _, _, dim) throws(BackboneError) in
                .convnextV2(try ConvNeXtV2Block(b, dim: dim))
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
