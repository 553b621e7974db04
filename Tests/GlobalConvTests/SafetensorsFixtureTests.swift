import Foundation
import Testing
import GlobalConv
import Verification

extension SafetensorsTests {
    /// The PyTorch fixtures in `Fixtures/` (written by `safetensors.torch.save_file`, see
    /// Docs/fixtures.md) all open with the reader and follow the fixture format.
    @Suite("fixture files")
    struct FixtureFiles {
        /// `Fixtures/` at the package root (``FixturesDirectory``).
        static let directory = URL(fileURLWithPath: FixturesDirectory.path)

        static func paths() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.hasSuffix(".safetensors") }
                .sorted()
                .map { directory.appendingPathComponent($0).path }
        }

        @Test("every fixture parses and holds input, output and its metadata")
        func fixturesParse() throws {
            let paths = try Self.paths()
            #expect(!paths.isEmpty, "no .safetensors files in \(Self.directory.path)")
            for path in paths {
                let file = try SafetensorsFile(atPath: path)
                #expect(file.metadata["globalconv.fixture"] == "1", "\(path)")
                #expect(file.metadata["block"]?.isEmpty == false, "\(path)")
                let dtype: SafetensorsDType? = switch file.metadata["dtype"] {
                case "float32": .f32
                case "float64": .f64
                default: nil
                }
                #expect(dtype != nil, "\(path): metadata dtype \(file.metadata["dtype"] ?? "missing")")
                let input = try file.tensor("input", as: Double.self)
                let output = try file.tensor("output", as: Double.self)
                #expect(input.rank == 4 && output.rank == 4, "\(path): input \(input.shape), output \(output.shape)")
                #expect(input.count > 0 && output.count > 0, "\(path)")
                #expect(output.scalars.allSatisfy { $0.isFinite }, "\(path): non-finite output")
                for entry in file.entries {
                    #expect(entry.dtype == dtype, "\(path): tensor '\(entry.name)' is \(entry.dtype)")
                }
                #expect(try file.allTensors(as: Double.self).count == file.names.count)
            }
        }
    }
}
