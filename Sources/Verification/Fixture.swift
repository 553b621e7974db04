#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Backbones
import GlobalConv

/// A fixture (Docs/fixtures.md, version 1) loaded in its own precision: block id, config, PyTorch's
/// input and output, and the block's state_dict (every floating-point tensor but `input` and `output`;
/// integer and boolean buffers such as BatchNorm's `num_batches_tracked` are skipped).
public struct Fixture<Scalar: TensorScalar>: Sendable {
    public var block: String
    public var config: String
    /// Where it came from (a file name), for reports.
    public var source: String
    public var input: Tensor<Scalar>
    public var output: Tensor<Scalar>
    public var stateDict: [String: Tensor<Scalar>]

    /// Reads `file`. - Throws: ``BackboneError/fixture(_:)`` when the metadata is missing or not version 1,
    /// the dtype is not `Scalar`'s, a floating-point tensor's dtype disagrees with it, or `input`/`output` is missing.
    public init(file: SafetensorsFile, source: String? = nil) throws(BackboneError) {
        let contents = try FixtureFileContents<Scalar>(file: file, source: source, idKey: "block")
        let (name, block, config, input, output, tensors) = (contents.name, contents.id, contents.config, contents.input,
                                                             contents.output, contents.tensors)
        (self.block, self.config, self.source) = (block, config, name)
        (self.input, self.output, self.stateDict) = (input, output, tensors)
    }

    /// Builds the block from the registry, runs it on `input` along `path` and compares with `output`.
    public func check(path: ConvolutionPath, options: ExecutionOptions = .default) throws(BackboneError) -> FixtureCheck {
        try check(block: BlockRegistry.make(id: block, configJSON: config, stateDict: stateDict), path: path, options: options)
    }

    /// Runs an already built `block` (see ``check(path:options:)``).
    public func check(block built: any Block<Scalar>, path: ConvolutionPath, options: ExecutionOptions = .default) throws(BackboneError) -> FixtureCheck {
        let y = try built.forward(input, path: path, options: options)
        return FixtureCheck.comparing(y, to: output, block: block, source: source, path: path,
                                      tolerance: FixtureCheck.tolerance(for: Scalar.precision))
    }
}

extension BlockRegistry {
    /// Loads the fixture at `path` (a safetensors file), runs its block in the fixture's dtype on each
    /// of the convolution paths `convolutionPaths` and returns one ``FixtureCheck`` per path.
    /// - Throws: ``BackboneError`` for an unreadable or inconsistent file, an unknown block id, a bad
    ///   config, a state_dict that does not fit, or an input the block cannot take.
    public static func runFixture(atPath path: String, using convolutionPaths: [ConvolutionPath] = ConvolutionPath.allCases,
                                  options: ExecutionOptions = .default) throws(BackboneError) -> [FixtureCheck] {
        let file: SafetensorsFile
        do { file = try SafetensorsFile(atPath: path) } catch { throw .fixture("\(error)") }
        let source = path.split(separator: "/").last.map(String.init) ?? path
        switch file.metadata["dtype"] {
        case "float32": return try run(Fixture<Float>(file: file, source: source), paths: convolutionPaths, options: options)
        case "float64": return try run(Fixture<Double>(file: file, source: source), paths: convolutionPaths, options: options)
        case let other: throw .fixture("\(source): metadata \"dtype\" must be \"float32\" or \"float64\", got \(other.map { "\"\($0)\"" } ?? "nothing")")
        }
    }

    /// One convolution path of the array form of ``runFixture(atPath:using:options:)``.
    public static func runFixture(atPath path: String, using convolutionPath: ConvolutionPath,
                                  options: ExecutionOptions = .default) throws(BackboneError) -> FixtureCheck {
        try runFixture(atPath: path, using: [convolutionPath], options: options)[0]
    }

    /// ``runFixture(atPath:using:options:)`` for a file URL (FileManager's `at:` for URLs).
    public static func runFixture(at url: URL, using convolutionPaths: [ConvolutionPath] = ConvolutionPath.allCases,
                                  options: ExecutionOptions = .default) throws(BackboneError) -> [FixtureCheck] {
        try runFixture(atPath: url.path, using: convolutionPaths, options: options)
    }

    /// One convolution path of ``runFixture(at:using:options:)``.
    public static func runFixture(at url: URL, using convolutionPath: ConvolutionPath,
                                  options: ExecutionOptions = .default) throws(BackboneError) -> FixtureCheck {
        try runFixture(atPath: url.path, using: [convolutionPath], options: options)[0]
    }

    // Former names, kept so that nothing breaks (Swift API Design Guidelines: one spelling for file
    // paths, `atPath:`, and no label "path" meaning two things).

    @available(*, deprecated, renamed: "runFixture(atPath:using:options:)")
    public static func runFixture(at path: String, paths: [ConvolutionPath] = ConvolutionPath.allCases,
                                  options: ExecutionOptions = .default) throws(BackboneError) -> [FixtureCheck] {
        try runFixture(atPath: path, using: paths, options: options)
    }

    @available(*, deprecated, renamed: "runFixture(at:using:options:)")
    public static func runFixture(url: URL, paths: [ConvolutionPath] = ConvolutionPath.allCases,
                                  options: ExecutionOptions = .default) throws(BackboneError) -> [FixtureCheck] {
        try runFixture(atPath: url.path, using: paths, options: options)
    }

    @available(*, deprecated, renamed: "runFixture(at:using:options:)")
    public static func runFixture(url: URL, path convolutionPath: ConvolutionPath,
                                  options: ExecutionOptions = .default) throws(BackboneError) -> FixtureCheck {
        try runFixture(atPath: url.path, using: [convolutionPath], options: options)[0]
    }

    @available(*, deprecated, renamed: "runFixture(atPath:using:options:)")
    public static func runFixture(at path: String, path convolutionPath: ConvolutionPath,
                                  options: ExecutionOptions = .default) throws(BackboneError) -> FixtureCheck {
        try runFixture(atPath: path, using: [convolutionPath], options: options)[0]
    }

    private static func run<S: TensorScalar>(_ f: Fixture<S>, paths: [ConvolutionPath], options: ExecutionOptions) throws(BackboneError) -> [FixtureCheck] {
        let block = try make(id: f.block, configJSON: f.config, stateDict: f.stateDict)
        var out: [FixtureCheck] = []
        for p in paths { out.append(try f.check(block: block, path: p, options: options)) }
        return out
    }
}
