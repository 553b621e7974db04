import Foundation
import Testing
import GlobalConv
import Verification
@testable import Backbones

/// The former file-argument spellings (`contentsOf:`, `to:`, `toFile:`, `fromFile:`, `at:` for a
/// String, `url:`, `path:` for a convolution path) and `FFTWisdom.Error` still work, forwarding to the
/// new names (`atPath:`, `at:` for a URL, `using:`, `FFTWisdomError`).
@Suite("Deprecated spellings forward to the new names")
struct DeprecatedSpellingTests {
    @available(*, deprecated, message: "exercises the deprecated spellings on purpose")
    @Test("old and new spellings give the same results")
    func oldSpellings() throws {
        let fixture = FixtureFiles.path("van.lka.float64.safetensors")
        let new = try SafetensorsFile(atPath: fixture)
        let old = try SafetensorsFile(contentsOf: fixture)
        #expect(old.names == new.names && old.metadata == new.metadata)

        let checkNew = try BlockRegistry.runFixture(atPath: fixture, using: .fft)
        #expect(try BlockRegistry.runFixture(at: fixture, path: .fft) == checkNew)
        #expect(try BlockRegistry.runFixture(url: URL(fileURLWithPath: fixture), path: .fft) == checkNew)
        #expect(try BlockRegistry.runFixture(at: URL(fileURLWithPath: fixture), using: .fft) == checkNew)
        #expect(try BlockRegistry.runFixture(at: fixture, paths: [.direct]).map(\.path) == [.direct])
        #expect(try BlockRegistry.runFixture(url: URL(fileURLWithPath: fixture)).count == ConvolutionPath.allCases.count)

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("deprecated-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var writer = SafetensorsWriter()
        writer.add(Tensor<Float>(shape: [2], scalars: [1, 2]), named: "w")
        try writer.write(to: dir.appendingPathComponent("a.safetensors").path)
        #expect(try SafetensorsFile(atPath: dir.appendingPathComponent("a.safetensors").path).names == ["w"])

        let wisdom = dir.appendingPathComponent("plan.txt").path
        try FFTWisdom.export(toFile: wisdom)
        _ = try FFTWisdom.import(fromFile: wisdom)
        #expect(throws: FFTWisdom.Error.self) { try FFTWisdom.import(fromFile: dir.appendingPathComponent("none").path) }
        #expect(FFTWisdom.Error.self == FFTWisdomError.self)
    }
}
