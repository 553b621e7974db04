import GlobalConv

/// Model id + config JSON + state_dict → a whole model, parallel to ``BlockRegistry``.
///
/// `ModelRegistry.make(id: "convnext", configJSON: #"{"preset": "convnext_tiny"}"#, stateDict: weights)`
/// returns an `any Model<Float>`; an unknown id throws ``BackboneError/unknownModel(_:)`` listing the
/// known ones. Config keys are the official constructor names (Docs/models.md), strictly checked.
public enum ModelRegistry {
    private static func types<S: TensorScalar>(_: S.Type) -> [any Model<S>.Type] {
        [ConvNeXtModel<S>.self, VANModel<S>.self, RepLKNetModel<S>.self, SLaKModel<S>.self, ParCConvNeXtModel<S>.self, MogaNetModel<S>.self, GFNetModel<S>.self, GFNetHModel<S>.self, UniRepLKNetModel<S>.self, ConvNeXtV2Model<S>.self]
    }

    /// The ids of every registered model family, sorted.
    public static var ids: [String] { types(Double.self).map { $0.id }.sorted() }

    /// The registered type of family `id` in precision `S`, or nil for an unknown id.
    static func modelType<S: TensorScalar>(id: String, _: S.Type) -> (any Model<S>.Type)? {
        types(S.self).first { $0.id == id }
    }

    /// Parses `configJSON` with family `id`'s config parser (strict keys, typed values) without building
    /// anything: what a command checks before it makes weights. - Throws: ``BackboneError``.
    package static func checkConfig(id: String, configJSON: String) throws(BackboneError) {
        guard let type = modelType(id: id, Float.self) else { throw .unknownModel(id) }
        _ = try type.parseConfig(BlockConfig(block: id, json: configJSON))
    }

    /// The model `id` built from `configJSON` (empty or `{}` for the official defaults; `"preset"` names
    /// an official preset, other keys override it) and `stateDict` (official key names), loaded strictly.
    public static func make<S: TensorScalar>(id: String, configJSON: String,
                                             stateDict: consuming [String: Tensor<S>]) throws(BackboneError) -> any Model<S> {
        guard let type = modelType(id: id, S.self) else { throw .unknownModel(id) }
        return try type.init(configJSON: configJSON, stateDict: consume stateDict)
    }
}
