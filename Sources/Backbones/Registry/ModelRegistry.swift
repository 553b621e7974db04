import GlobalConv

/// Model id + config JSON + state_dict → a whole model, parallel to ``BlockRegistry``.
///
/// `ModelRegistry.make(id: "convnext", configJSON: #"{"preset": "convnext_tiny"}"#, stateDict: weights)`
/// returns an `any Model<Float>`; an unknown id throws ``BackboneError/unknownModel(_:)`` listing the
/// known ones. Config keys are the official constructor names (Docs/models.md), strictly checked.
public enum ModelRegistry {
    private static func types<S: TensorScalar>(_: S.Type) -> [any Model<S>.Type] {
        [ConvNeXtModel<S>.self, VANModel<S>.self, RepLKNetModel<S>.self, SLaKModel<S>.self, ParCConvNeXtModel<S>.self, MogaNetModel<S>.self, GFNetModel<S>.self, GFNetHModel<S>.self, UniRepLKNetModel<S>.self]
    }

    /// The ids of every registered model family, sorted.
    public static var ids: [String] { types(Double.self).map { $0.id }.sorted() }

    /// The model `id` built from `configJSON` (empty or `{}` for the official defaults; `"preset"` names
    /// an official preset, other keys override it) and `stateDict` (official key names), loaded strictly.
    public static func make<S: TensorScalar>(id: String, configJSON: String,
                                             stateDict: [String: Tensor<S>]) throws(BackboneError) -> any Model<S> {
        guard let type = types(S.self).first(where: { $0.id == id }) else { throw .unknownModel(id) }
        return try type.init(configJSON: configJSON, stateDict: stateDict)
    }

    /// Loads the model fixture at `path`, runs it in the fixture's dtype on each of `paths` and returns
    /// one ``FixtureCheck`` of the logits per path.
    /// - Throws: ``BackboneError`` for an unreadable or inconsistent file, an unknown model id, a bad
    ///   config, a state_dict that does not fit, or an input the model cannot take.
    public static func runFixture(atPath path: String, using paths: [ConvolutionPath] = ConvolutionPath.allCases,
                                  options: ExecutionOptions = .default) throws(BackboneError) -> [FixtureCheck] {
        let file: SafetensorsFile
        do { file = try SafetensorsFile(atPath: path) } catch { throw .fixture("\(error)") }
        let source = path.split(separator: "/").last.map(String.init) ?? path
        switch file.metadata["dtype"] {
        case "float32": return try run(ModelFixture<Float>(file: file, source: source), paths: paths, options: options)
        case "float64": return try run(ModelFixture<Double>(file: file, source: source), paths: paths, options: options)
        case let other: throw .fixture("\(source): metadata \"dtype\" must be \"float32\" or \"float64\", got \(other.map { "\"\($0)\"" } ?? "nothing")")
        }
    }

    private static func run<S: TensorScalar>(_ f: ModelFixture<S>, paths: [ConvolutionPath], options: ExecutionOptions) throws(BackboneError) -> [FixtureCheck] {
        let model = try make(id: f.model, configJSON: f.config, stateDict: f.stateDict)
        var out: [FixtureCheck] = []
        for p in paths { out.append(try f.check(model: model, path: p, options: options)) }
        return out
    }
}
