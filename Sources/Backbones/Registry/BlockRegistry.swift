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
}
