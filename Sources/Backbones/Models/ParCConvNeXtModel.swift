import GlobalConv

/// `parc_convnext`: the official ParC-ConvNeXt classifier (hkzhang91/ParC-Net, `ParC_ConvNets/ParC_convnext.py`).
///
/// The ConvNeXt trunk (``ConvNeXtLayout``) with `stages.{s}.{j}` = convnext.block(C_s, 7) for
/// `j < ParC_insert_locs[s]`, else parc.convnext_block(C_s, K = stages_rs[s], pe): the first C_s/2 channels
/// through a global circular convolution along H, the others along W, then the ConvNeXt tail.
/// As in the official file (which has no interpolation), a stage with ParC blocks requires its input map
/// to be exactly `stages_rs[s] × stages_rs[s]`; another size is an input error. ``features(_:path:options:)``
/// returns each stage's output. Keys: the trunk's plus `stages.{s}.{j}.` + the block's keys. The 7×7
/// depthwise and the circular convolutions run on `path`.
public struct ParCConvNeXtModel<Scalar: TensorScalar>: Model {
    public static var id: String { "parc_convnext" }
    public let config: ParCConvNeXtConfig
    let trunk: ConvNeXtLayout<Scalar>

    public static func parseConfig(_ config: BlockConfig) throws(BackboneError) -> ParCConvNeXtConfig { try ParCConvNeXtConfig.parse(config) }

    public init(config: ParCConvNeXtConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let id = Self.id
        guard config.depths.count == 4, config.dims.count == 4, config.parcInsertLocs.count == 4, config.stagesRs.count == 4,
              (config.depths + config.dims + config.stagesRs + [config.numClasses, config.inChans]).allSatisfy({ $0 >= 1 }),
              config.parcInsertLocs.allSatisfy({ $0 >= 0 }) else {
            throw .config(block: id, message: "depths, dims, stages_rs need 4 integers ≥ 1 and ParC_insert_locs 4 integers ≥ 0, got \(config)")
        }
        for s in 0..<4 where config.parcInsertLocs[s] < config.depths[s] && config.dims[s] % 2 != 0 {
            throw .config(block: id, message: "stage \(s) has ParC blocks, so dims[\(s)] must be even (half the channels per axis), got \(config.dims[s])")
        }
        self.config = config
        trunk = try loadStrictly(consume stateDict, block: id) { (s) throws(BackboneError) in
            try ConvNeXtLayout(s, model: id, inChannels: config.inChans, dims: config.dims, depths: config.depths,
                               numClasses: config.numClasses) { (b, stage, j, dim) throws(BackboneError) in
                j >= config.parcInsertLocs[stage] ? .parc(try ParCConvNeXtBlock(b, dim: dim, kernelSize: config.stagesRs[stage], usePE: true))
                    : .convnext(try ConvNeXtBlock(b, dim: dim, kernelSize: 7))
            }
        }
    }

    public func features(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> [Tensor<Scalar>] {
        let config = self.config
        return try trunk.features(x, path: path, options: options) { (s, map) throws(BackboneError) in
            let k = config.stagesRs[s]
            guard config.parcInsertLocs[s] >= config.depths[s] || (map.shape[2] == k && map.shape[3] == k) else {
                throw .input(block: Self.id, message: "stage \(s) has ParC blocks with global kernel \(k) (stages_rs), so its map must be "
                             + "\(k)×\(k) as in the official model, got \(map.shape[2])×\(map.shape[3]) (input \(x.shape))")
            }
        }
    }

    public func logits(_ last: Tensor<Scalar>, threads: Int) throws(BackboneError) -> Tensor<Scalar> {
        try trunk.logits(last, threads: threads)
    }
}
