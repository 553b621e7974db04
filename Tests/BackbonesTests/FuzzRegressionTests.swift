import Foundation
import Testing
import GlobalConv
import Verification
@testable import Backbones

/// Every input on which a fuzz target of `Tests/Fuzz` (run by `.ci/fuzz`) ever crashed, inline, run
/// through the same code as the harness. Add each new crash here (base64 as libFuzzer prints it)
/// before fixing it; the test must then pass for the rest of the project's life. (`FuzzSafetensors`
/// has found no crash so far; a crash input of it would go here as bytes for `SafetensorsFile(bytes:)`.)
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    /// `FuzzBlockConfig` inputs: `"<block id>\n<config JSON>"`.
    static let blockConfigCrashes: [(found: String, base64: String)] = [
        // 2026-11: `Int(Double(dim) * mlp_ratio)` trapped for mlp_ratio ≈ 9.9e103 (Double → Int overflow).
        ("gfnet.block, mlp_ratio 9.9e103",
         "Z2ZuZXQuYmxvY2sKeyJkaW0iOjgsImgiOjEwLCJ3Ijo2LCJtbHBfcmF0aW8iOjk4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODgsImxheWVyX25vcm1fZXBzIjoxZS0wNn0="),
        // 2026-12: out of memory (> 2 GiB) for a 4×1429296 global filter: its spatial form (C·5·2858591 taps)
        // and the transforms that make it were allocated before anything refused the size.
        ("gfnet.block, w 1429296 (out of memory)",
         "Z2ZuZXQuYmxvY2sKeyJkaW0iOjIsImgiOjQsInciOjE0MjkyOTYsIm1scF9yYXRpbyI6NCwibGF5ZXJfbm9ybV9lcHMiOjFlLTA2fQ=="),
        // 2026-12 (CI, seed 20261205): 22 s and > 2 GiB for `{"dim":1,"h":9,"w":604719}`, 24 s for
        // `{"dim":3,"h":9,"w":299212}` — with the weight missing, the spatial forms of both 9 × ~1.2M and
        // 9 × ~600k filters were computed from the zero placeholder before the load failed. A failing load
        // now builds no filter (`StateDictScope.loadWillFail`; the test below checks the flag).
        ("gfnet.block, h 9 w 604719 (out of memory, 22 s)", "Z2ZuZXQuYmxvY2sKeyJkaW0iOjEsImgiOjksInciOjYwNDcxOX0="),
        ("gfnet.block, h 9 w 299212 (24 s)", "Z2ZuZXQuYmxvY2sKeyJkaW0iOjMsImgiOjksInciOjI5OTIxMn0="),
        ("van.block, dim 8321638", "dmFuLmJsb2NrCnsiZGltIjo4MzIxNjM4fQ=="),
    ]

    @Test("FuzzBlockConfig crash inputs now throw a BackboneError")
    func blockConfig() throws {
        for (found, base64) in Self.blockConfigCrashes {
            let bytes = try #require(Data(base64Encoded: base64), "\(found)")
            let text = String(decoding: bytes, as: UTF8.self)
            let newline = try #require(text.firstIndex(of: "\n"))
            let (id, json) = (String(text[..<newline]), String(text[text.index(after: newline)...]))
            #expect(throws: BackboneError.self, "\(found)") {
                try BlockRegistry.make(id: id, configJSON: json, stateDict: [String: Tensor<Double>]())
            }
            #expect(throws: BackboneError.self, "\(found)") {
                try BlockRegistry.make(id: id, configJSON: json, stateDict: [String: Tensor<Float>]())
            }
        }
    }

    /// `FuzzBlockConfig` inputs whose block builds from a fixture's weights and whose forward needs more
    /// memory than the harness's budget: `(found, fixture, base64 of "<block id>\n<config JSON>")`.
    static let forwardOutOfMemory: [(found: String, fixture: String, base64: String)] = [
        // 2026-12-06 (CI): > 2 GiB — conv2d.depthwise with circular padding [753333, 8] on the 9×11 fixture
        // input: a 1,506,663-row output (2.1 GB of Double), inside the default 4 GiB budget.
        ("conv2d.depthwise, circular padding 753333", "conv2d.depthwise-circular.float64.safetensors",
         "Y29udjJkLmRlcHRod2lzZQp7ImNoYW5uZWxzIjo4LCJrZXJuZWxfc2l6ZSI6WzEzLDldLCJkaWxhdGlvbiI6WzEsMl0sInBhZGRpbmciOls3NTMzMzMsOF0sInBhZGRpbmdfbW9kZSI6ImNpcmN1bGFyIiwiYmlhcyI6dHJ1ZX0="),
    ]

    @Test("FuzzBlockConfig out-of-memory inputs are refused within the harness's memory budget, before allocating")
    func forwardWithinBudget() throws {
        // FuzzBlockConfig's options (Tests/Fuzz/Sources/FuzzBlockConfig): one thread, 512 MiB.
        let options = ExecutionOptions(threads: 1, memoryBudget: MemoryBudget(bytes: 512 << 20))
        for (found, fixtureName, base64) in Self.forwardOutOfMemory {
            let text = String(decoding: try #require(Data(base64Encoded: base64), "\(found)"), as: UTF8.self)
            let newline = try #require(text.firstIndex(of: "\n"))
            let (id, json) = (String(text[..<newline]), String(text[text.index(after: newline)...]))
            let fixture = try Fixture<Double>(file: SafetensorsFile(atPath: FixturesDirectory.file(fixtureName)), source: fixtureName)
            let block = try BlockRegistry.make(id: id, configJSON: json, stateDict: fixture.stateDict)
            for path in [ConvolutionPath.direct, .fft] {
                #expect(throws: BackboneError.self, "\(found) on \(path)") {
                    try block.forward(fixture.input, path: path, options: options)
                }
            }
        }
    }

    @Test("A load with a missing or mis-shaped tensor says it will fail, so blocks skip derived state")
    func loadWillFail() throws {
        let good = Tensor<Double>(shape: [2], scalars: [1, 2])
        let complete = StateDictLoader(["a": good], block: "test")
        _ = try complete.root.take("a", [2])
        #expect(!complete.root.loadWillFail)
        let missing = StateDictLoader(["a": good], block: "test")
        _ = try missing.root.take("b", [2])
        #expect(missing.root.scope("x").loadWillFail)
        let misshaped = StateDictLoader(["a": good], block: "test")
        _ = try misshaped.root.take("a", [3])
        #expect(misshaped.root.loadWillFail)
        #expect(throws: StateDictError.self) { try misshaped.finish() }
    }
}
