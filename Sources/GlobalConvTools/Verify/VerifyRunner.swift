import Foundation
import GlobalConv

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

/// The numerical-equivalence runner behind `globalconv verify`: fixtures on every path, then the
/// built-in randomised matrices. Never throws for a bad case: each becomes a failed result.
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
