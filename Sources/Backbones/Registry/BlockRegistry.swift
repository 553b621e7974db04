import GlobalConv

/// Block id + config JSON + state_dict → a block, for every block id of Docs/blocks.md.
///
/// `BlockRegistry.make(id: "van.block", configJSON: #"{"dim": 8}"#, stateDict: weights)` returns an
/// `any Block<Float>`; an unknown id throws ``BackboneError/unknownBlock(_:)`` listing the known ones.
public enum BlockRegistry {
    private static func types<S: TensorScalar>(_: S.Type) -> [any Block<S>.Type] {
        [
            DepthwiseConvolutionBlock<S>.self,
            ConvNeXtBlock<S>.self,
            MogaBlock<S>.self,
            GFNetBlock<S>.self,
            ConvFFNBlock<S>.self,
            ParCBlock<S>.self,
            ParCConvNeXtBlock<S>.self,
            LKABlock<S>.self,
            VANBlock<S>.self,
            RepLKLargeKernelBlock<S>.self,
            RepLKBlock<S>.self,
            SLaKLargeKernelBlock<S>.self,
            SLaKBlock<S>.self,
            DilatedReparamConvBlock<S>.self,
        ]
    }

    /// The ids of every registered block, sorted.
    public static var ids: [String] { types(Double.self).map { $0.id }.sorted() }

    /// The block `id` built from `configJSON` (the keys Docs/blocks.md lists for the block; empty or `{}` for all defaults) and
    /// `stateDict` (official key names), loaded strictly.
    public static func make<S: TensorScalar>(id: String, configJSON: String,
                                             stateDict: [String: Tensor<S>]) throws(BackboneError) -> any Block<S> {
        guard let type = types(S.self).first(where: { $0.id == id }) else { throw .unknownBlock(id) }
        return try type.init(configJSON: configJSON, stateDict: stateDict)
    }

    /// Every key block `id`'s config takes, in the order the block reads them: required keys (no
    /// official default), optional ones with their defaults, alternatives; the input channel key
    /// marked. Recorded from the block's own config parsing, so this list cannot drift from it.
    /// - Throws: ``BackboneError/unknownBlock(_:)``.
    public static func configKeys(id: String) throws(BackboneError) -> [BlockConfigKey] {
        try probe(id: id, config: .object([:])).keys
    }

    /// The channel count `C` of the `[N, C, H, W]` input that block `id` built from `configJSON`
    /// takes: the value of its input channel key (`in_channels`, `dim` or `channels`, per block;
    /// ``configKeys(id:)`` says which).
    /// - Throws: ``BackboneError/unknownBlock(_:)``, or ``BackboneError/config(block:message:)`` for a bad
    ///   config (every missing required key and every unknown key named at once).
    public static func inputChannels(id: String, configJSON: String) throws(BackboneError) -> Int {
        let value = try JSONValue.parse(configJSON.allSatisfy(\.isWhitespace) ? "{}" : configJSON, block: id)
        let log = try probe(id: id, config: value, rethrowingConfigErrors: true)
        guard let channels = log.inputChannels?.value else {
            throw .config(block: id, message: "the config gives no input channel count")
        }
        return channels
    }

    /// Builds block `id` from `config` with an empty state_dict, recording what its config parsing asks.
    private static func probe(id: String, config: JSONValue, rethrowingConfigErrors: Bool = false) throws(BackboneError) -> BlockConfigKeyLog {
        guard let type = types(Double.self).first(where: { $0.id == id }) else { throw .unknownBlock(id) }
        let log = BlockConfigKeyLog()
        do {
            _ = try type.init(config: BlockConfig(block: id, value: config, log: log), stateDict: [:])
        } catch {
            if rethrowingConfigErrors, case .config = error { throw error }
        }
        return log
    }
}
