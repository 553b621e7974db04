import Backbones
import GlobalConv

/// A whole-model fixture (the fixture format with metadata `model` instead of `block`; Docs/models.md)
/// loaded in its own precision: model id, config, PyTorch's input, logits (`output`) and optional
/// per-stage maps (`features.0` … `features.3`), and the model's state_dict (every other floating-point
/// tensor; integer buffers such as `num_batches_tracked` are skipped).
public struct ModelFixture<Scalar: TensorScalar>: Sendable {
    public var model: String
    public var config: String
    /// Where it came from (a file name), for reports.
    public var source: String
    public var input: Tensor<Scalar>
    public var output: Tensor<Scalar>
    /// PyTorch's per-stage maps, in stage order (empty when the file has none).
    public var features: [Tensor<Scalar>]
    public var stateDict: [String: Tensor<Scalar>]

    /// Reads `file`. - Throws: ``BackboneError/fixture(_:)`` when the metadata is missing or not version 1,
    /// has no `model`, the dtype is not `Scalar`'s, a floating-point tensor disagrees with it, `input` or
    /// `output` is missing, or the `features.*` are not numbered 0, 1, … without gaps.
    public init(file: SafetensorsFile, source: String? = nil) throws(BackboneError) {
        let contents = try FixtureFileContents<Scalar>(file: file, source: source, idKey: "model")
        let (name, model, config, input, output) = (contents.name, contents.id, contents.config, contents.input, contents.output)
        var tensors = contents.tensors
        var features: [Tensor<Scalar>] = []
        while let f = tensors.removeValue(forKey: "features.\(features.count)") { features.append(f) }
        if let stray = tensors.keys.filter({ $0.hasPrefix("features.") }).sorted().first {
            throw .fixture("\(name): \"\(stray)\" does not continue features.0…features.\(features.count - 1)")
        }
        (self.model, self.config, self.source) = (model, config, name)
        (self.input, self.output, self.features, self.stateDict) = (input, output, features, tensors)
    }

    /// The relative tolerance of a whole model's logits and stage maps: `1e-9` (Float64), `1e-4`
    /// (Float32), relative to the largest reference magnitude (Docs/numerics.md §5).
    public static var tolerance: Double { Scalar.precision == .float64 ? 1e-9 : 1e-4 }

    /// Builds the model from the registry, runs it on `input` along `path` and compares the logits.
    public func check(path: ConvolutionPath, options: ExecutionOptions = .default) throws(BackboneError) -> FixtureCheck {
        try check(model: ModelRegistry.make(id: model, configJSON: config, stateDict: stateDict), path: path, options: options)
    }

    /// Runs an already built `model` and compares its logits with `output`.
    public func check(model built: any Model<Scalar>, path: ConvolutionPath, options: ExecutionOptions = .default) throws(BackboneError) -> FixtureCheck {
        compare(try built.forward(input, path: path, options: options), output, label: source, path: path)
    }

    /// Runs `model`'s ``Model/features(_:path:options:)`` and compares each stage map with `features.s`
    /// (one check per stored map, labelled `source features.s`; an extra or missing stage fails).
    public func featureChecks(model built: any Model<Scalar>, path: ConvolutionPath,
                              options: ExecutionOptions = .default) throws(BackboneError) -> [FixtureCheck] {
        let ours = try built.features(input, path: path, options: options)
        return features.indices.map { s in
            s < ours.count ? compare(ours[s], features[s], label: "\(source) features.\(s)", path: path)
                : compare(Tensor(zeros: [0]), features[s], label: "\(source) features.\(s)", path: path)
        }
    }

    private func compare(_ y: Tensor<Scalar>, _ reference: Tensor<Scalar>, label: String, path: ConvolutionPath) -> FixtureCheck {
        FixtureCheck.comparing(y, to: reference, block: model, source: label, path: path, tolerance: Self.tolerance)
    }
}
