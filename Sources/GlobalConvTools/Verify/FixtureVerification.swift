import Backbones
import GlobalConv
import Verification

/// Checks one PyTorch fixture file (`Fixtures/*.safetensors`, format in Docs/fixtures.md) on each
/// requested path: the Backbones registry builds the block from the fixture's `config` and weights,
/// runs it in the fixture's dtype and compares with PyTorch's `output`. The tolerance is the block
/// documentation's relative one (`FixtureCheck.tolerance(for:)`: 1e-10 Float64, 1e-4 Float32) times
/// `max|output|` times the tolerance scale. Anything that goes wrong becomes a failed result: one per
/// path, except a file that cannot be read or has no usable dtype, which is one result with path `all`.
/// A whole-model fixture (metadata `model` instead of `block`) is run through the ``ModelRegistry`` and
/// its logits compared with the model tolerance (`ModelFixture.tolerance`: 1e-9 Float64, 1e-4 Float32);
/// the `block` column then holds the model id.
enum FixtureVerification {
    static func run(file: String, paths: [ConvolutionPath], toleranceScale: Double, threads: Int) -> [VerifyResult] {
        let name = VerifyRunner.caseName(forFixture: file)
        let safetensors: SafetensorsFile
        do {
            safetensors = try SafetensorsFile(atPath: file)
        } catch {
            // One result, not one per path: no path ran, and the reason is said once.
            return [.failure(caseName: name, path: "all", message: "cannot read fixture: \(error.description)")]
        }
        let isModel = safetensors.metadata["model"] != nil
        let block = safetensors.metadata["block"] ?? safetensors.metadata["model"] ?? ""
        let dtype = safetensors.metadata["dtype"] ?? ""
        switch (dtype, isModel) {
        case ("float32", false): return run(Float.self, file: safetensors, name: name, paths: paths, scale: toleranceScale, threads: threads)
        case ("float64", false): return run(Double.self, file: safetensors, name: name, paths: paths, scale: toleranceScale, threads: threads)
        case ("float32", true): return runModel(Float.self, file: safetensors, name: name, paths: paths, scale: toleranceScale, threads: threads)
        case ("float64", true): return runModel(Double.self, file: safetensors, name: name, paths: paths, scale: toleranceScale, threads: threads)
        default:
            return [.failure(caseName: name, block: block, dtype: dtype, path: "all",
                             message: "fixture metadata \"dtype\" must be float32 or float64, got \(dtype.isEmpty ? "nothing" : "'\(dtype)'")")]
        }
    }

    static func run<S: TensorScalar>(_: S.Type, file: SafetensorsFile, name: String, paths: [ConvolutionPath], scale: Double,
                                     threads: Int) -> [VerifyResult] {
        compare(S.self, file: file, name: name, idKey: "block", what: "block's output", paths: paths, scale: scale) { () throws(BackboneError) in
            let fixture = try Fixture<S>(file: file, source: name)
            let block = try BlockRegistry.make(id: fixture.block, configJSON: fixture.config, stateDict: fixture.stateDict)
            return (fixture.output.shape, { (path) throws(BackboneError) in
                try fixture.check(block: block, path: path, options: ExecutionOptions(threads: threads))
            })
        }
    }

    static func runModel<S: TensorScalar>(_: S.Type, file: SafetensorsFile, name: String, paths: [ConvolutionPath], scale: Double,
                                          threads: Int) -> [VerifyResult] {
        compare(S.self, file: file, name: name, idKey: "model", what: "model's logits", paths: paths, scale: scale) { () throws(BackboneError) in
            let fixture = try ModelFixture<S>(file: file, source: name)
            let model = try ModelRegistry.make(id: fixture.model, configJSON: fixture.config, stateDict: fixture.stateDict)
            return (fixture.output.shape, { (path) throws(BackboneError) in
                try fixture.check(model: model, path: path, options: ExecutionOptions(threads: threads))
            })
        }
    }

    /// One result per path for a block or model fixture: `load` reads the fixture and builds the network
    /// (a failure there fails every path), then returns the expected output shape and the per-path check.
    private static func compare<S: TensorScalar>(
        _: S.Type, file: SafetensorsFile, name: String, idKey: String, what: String, paths: [ConvolutionPath], scale: Double,
        load: () throws(BackboneError) -> ([Int], (ConvolutionPath) throws(BackboneError) -> FixtureCheck)
    ) -> [VerifyResult] {
        let id = file.metadata[idKey] ?? ""
        let dtype = S.precision.rawValue
        let shape = file.entry("input")?.shape ?? []
        let outputShape: [Int], check: (ConvolutionPath) throws(BackboneError) -> FixtureCheck
        do { (outputShape, check) = try load() } catch {
            return paths.map { .failure(caseName: name, block: id, dtype: dtype, inputShape: shape, path: $0.rawValue,
                                        message: error.description) }
        }
        return paths.map { path -> VerifyResult in
            do throws(BackboneError) {
                let c = try check(path)
                guard c.maxAbsError.isFinite || c.maxAbsError.isNaN else {
                    // The fixture check reports a shape mismatch as an infinite error.
                    return .failure(caseName: name, block: id, dtype: dtype, inputShape: shape, path: path.rawValue,
                                    message: "the \(what) shape differs from the fixture's \(outputShape)")
                }
                let maxAbs = c.maxAbsError.isNaN ? Double.infinity : c.maxAbsError
                return .compared(caseName: name, block: id, dtype: dtype, inputShape: shape, path: path.rawValue,
                                 maxAbsError: maxAbs, maxReference: c.maxReference, tolerance: scale * c.tolerance * c.maxReference)
            } catch {
                return .failure(caseName: name, block: id, dtype: dtype, inputShape: shape, path: path.rawValue,
                                message: error.description)
            }
        }
    }
}
