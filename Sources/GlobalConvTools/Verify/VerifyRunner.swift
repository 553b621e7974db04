import Backbones
import Foundation
import GlobalConv
import Verification

/// What `verify` checks and how strictly.
package struct VerifyOptions: Sendable, Equatable {
    /// Paths each case runs on.
    package var paths: [ConvolutionPath]
    /// Multiplies every tolerance; in (0, 1] (tighten only).
    package var toleranceScale: Double
    /// Fixture files to check; when empty, every `*.safetensors` in ``fixturesDirectory``.
    package var fixtureFiles: [String]
    /// Directory scanned when ``fixtureFiles`` is empty (relative paths from the working directory).
    package var fixturesDirectory: String
    /// Whether to scan ``fixturesDirectory`` (ignored when ``fixtureFiles`` is non-empty).
    package var includeFixtureDirectory: Bool
    /// Whether to run the built-in randomised matrix.
    package var includeMatrix: Bool
    /// Seed of the matrix's random values.
    package var seed: UInt64
    /// Worker threads per convolution.
    package var threads: Int

    package init(paths: [ConvolutionPath] = ConvolutionPath.allCases, toleranceScale: Double = 1, fixtureFiles: [String] = [],
                fixturesDirectory: String = "Fixtures", includeFixtureDirectory: Bool = true, includeMatrix: Bool = true,
                seed: UInt64 = 1, threads: Int = ExecutionOptions.defaultThreads) {
        self.paths = paths
        self.toleranceScale = toleranceScale
        self.fixtureFiles = fixtureFiles
        self.fixturesDirectory = fixturesDirectory
        self.includeFixtureDirectory = includeFixtureDirectory
        self.includeMatrix = includeMatrix
        self.seed = seed
        self.threads = threads
    }

    /// Throws ``ToolError/invalidValue(_:)`` for a scale outside (0, 1], no paths, or bad threads.
    package func validate() throws(ToolError) {
        guard toleranceScale > 0, toleranceScale <= 1, toleranceScale.isFinite else {
            throw .invalidValue("--tolerance-scale must be in (0, 1] (it can only tighten the documented tolerances), got \(toleranceScale)")
        }
        guard !paths.isEmpty else { throw .invalidValue("no paths: allowed are direct, fft, auto, all") }
        guard (1...1024).contains(threads) else { throw .invalidValue("--threads must be in 1...1024, got \(threads)") }
    }
}

/// The numerical-equivalence runner behind `globalconv verify`: fixtures on every path
/// (``FixtureVerification``, below: one file's results), then the built-in randomised matrices. Never
/// throws for a bad case: each becomes a failed result.
package enum VerifyRunner {
    /// Runs everything `options` selects; `progress` receives a short description before each case.
    package static func run(_ options: VerifyOptions, progress: (String) -> Void = { _ in }) throws(ToolError) -> VerifyReport {
        try options.validate()
        var results: [VerifyResult] = []
        var files = options.fixtureFiles
        if files.isEmpty && options.includeFixtureDirectory {
            switch fixtureFiles(in: options.fixturesDirectory) {
            case .success(let found): files = found
            case .failure(let error):
                results.append(.failure(caseName: options.fixturesDirectory, path: "all", message: error.description))
            }
        }
        for file in files {
            progress("fixture \(caseName(forFixture: file))")
            results += FixtureVerification.run(file: file, paths: options.paths, toleranceScale: options.toleranceScale,
                                               threads: options.threads)
        }
        if options.includeMatrix && options.fixtureFiles.isEmpty {
            progress("engine matrix")
            results += EngineMatrix.run(paths: options.paths, toleranceScale: options.toleranceScale, seed: options.seed,
                                        threads: options.threads)
            results += CircularMatrix.run(paths: options.paths, toleranceScale: options.toleranceScale, seed: options.seed,
                                          threads: options.threads)
            progress("block matrix")
            results += BlockMatrix.run(paths: options.paths, toleranceScale: options.toleranceScale, seed: options.seed,
                                       threads: options.threads)
        }
        return VerifyReport(results: results)
    }

    /// `*.safetensors` files directly in `directory` and in its `models/` subdirectory (the whole-model
    /// fixtures), if it has one, sorted by path.
    package static func fixtureFiles(in directory: String) -> Result<[String], ToolError> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return .failure(.io("no fixture directory '\(directory)' (run from the repository root or pass --fixtures DIR)"))
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            return .failure(.io("cannot list fixture directory '\(directory)'"))
        }
        let models = (directory as NSString).appendingPathComponent("models")
        let modelNames = (try? FileManager.default.contentsOfDirectory(atPath: models)) ?? []
        let files = names.filter { $0.hasSuffix(".safetensors") }.sorted().map { (directory as NSString).appendingPathComponent($0) }
            + modelNames.filter { $0.hasSuffix(".safetensors") }.map { (models as NSString).appendingPathComponent($0) }
        guard !files.isEmpty else { return .failure(.io("no *.safetensors fixtures in '\(directory)'")) }
        return .success(files.sorted())
    }

    /// A fixture's case name: its file name without the `.safetensors` extension.
    package static func caseName(forFixture file: String) -> String {
        let name = (file as NSString).lastPathComponent
        return name.hasSuffix(".safetensors") ? String(name.dropLast(".safetensors".count)) : name
    }
}


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
