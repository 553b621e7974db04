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
        let blockID = file.metadata["block"] ?? ""
        let dtype = S.precision.rawValue
        let shape = file.entry("input")?.shape ?? []
        let fixture: Fixture<S>
        let block: any Block<S>
        do {
            fixture = try Fixture<S>(file: file, source: name)
            block = try BlockRegistry.make(id: fixture.block, configJSON: fixture.config, stateDict: fixture.stateDict)
        } catch {
            return paths.map { .failure(caseName: name, block: blockID, dtype: dtype, inputShape: shape, path: $0.rawValue,
                                        message: error.description) }
        }
        return paths.map { path -> VerifyResult in
            do throws(BackboneError) {
                let check = try fixture.check(block: block, path: path, options: ExecutionOptions(threads: threads))
                guard check.maxAbsError.isFinite || check.maxAbsError.isNaN else {
                    // Backbones reports a shape mismatch as an infinite error.
                    return .failure(caseName: name, block: blockID, dtype: dtype, inputShape: shape, path: path.rawValue,
                                    message: "the block's output shape differs from the fixture's \(fixture.output.shape)")
                }
                let maxAbs = check.maxAbsError.isNaN ? Double.infinity : check.maxAbsError
                return .compared(caseName: name, block: blockID, dtype: dtype, inputShape: shape, path: path.rawValue,
                                 maxAbsError: maxAbs, maxReference: check.maxReference,
                                 tolerance: scale * check.tolerance * check.maxReference)
            } catch {
                return .failure(caseName: name, block: blockID, dtype: dtype, inputShape: shape, path: path.rawValue,
                                message: error.description)
            }
        }
    }

    static func runModel<S: TensorScalar>(_: S.Type, file: SafetensorsFile, name: String, paths: [ConvolutionPath], scale: Double,
                                          threads: Int) -> [VerifyResult] {
        let modelID = file.metadata["model"] ?? ""
        let dtype = S.precision.rawValue
        let shape = file.entry("input")?.shape ?? []
        let fixture: ModelFixture<S>
        let model: any Model<S>
        do {
            fixture = try ModelFixture<S>(file: file, source: name)
            model = try ModelRegistry.make(id: fixture.model, configJSON: fixture.config, stateDict: fixture.stateDict)
        } catch {
            return paths.map { .failure(caseName: name, block: modelID, dtype: dtype, inputShape: shape, path: $0.rawValue,
                                        message: error.description) }
        }
        return paths.map { path -> VerifyResult in
            do throws(BackboneError) {
                let check = try fixture.check(model: model, path: path, options: ExecutionOptions(threads: threads))
                guard check.maxAbsError.isFinite || check.maxAbsError.isNaN else {
                    return .failure(caseName: name, block: modelID, dtype: dtype, inputShape: shape, path: path.rawValue,
                                    message: "the model's logits shape differs from the fixture's \(fixture.output.shape)")
                }
                let maxAbs = check.maxAbsError.isNaN ? Double.infinity : check.maxAbsError
                return .compared(caseName: name, block: modelID, dtype: dtype, inputShape: shape, path: path.rawValue,
                                 maxAbsError: maxAbs, maxReference: check.maxReference,
                                 tolerance: scale * check.tolerance * check.maxReference)
            } catch {
                return .failure(caseName: name, block: modelID, dtype: dtype, inputShape: shape, path: path.rawValue,
                                message: error.description)
            }
        }
    }
}
