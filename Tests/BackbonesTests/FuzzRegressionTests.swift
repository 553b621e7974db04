import Foundation
import Testing
import GlobalConv
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
}
