#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Backbones
import GlobalConv

extension ModelRegistry {
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
