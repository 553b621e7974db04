import Testing
import GlobalConv
@testable import Backbones

/// Hostile block configs (fixture metadata, CLI arguments): every one must be a thrown
/// ``BackboneError/config(block:message:)`` — never a trap, an absurd allocation or a silent default.
/// The starting points are the real configs of every Float64 fixture, each key of which is mutated.
@Suite("Hostile block configs")
struct HostileConfigTests {
    /// `(block id, config JSON)` of every registered Float64 fixture.
    static let configs: [(String, String)] = FixtureFiles.registered.filter { $0.hasSuffix(".float64.safetensors") }.compactMap { name in
        guard let file = try? SafetensorsFile(atPath: FixtureFiles.path(name)),
              let block = file.metadata["block"], let config = file.metadata["config"] else { return nil }
        return (block, config)
    }

    /// The error of building `id` from `json` and an empty state_dict (`nil` if it built).
    static func error(_ id: String, _ json: String) -> BackboneError? {
        do {
            _ = try BlockRegistry.make(id: id, configJSON: json, stateDict: [String: Tensor<Float>]())
            return nil
        } catch {
            return error
        }
    }

    /// `json` (an object) with `key` replaced by the raw JSON text `value`.
    static func replacing(_ key: String, in json: String, with value: String) throws -> String {
        guard case .object(var o) = try JSONValue.parse(json) else { throw BackboneError.fixture("not an object") }
        o[key] = try JSONValue.parse(value)
        return JSONValue.object(o).description
    }

    static func keys(_ json: String) throws -> [String] {
        guard case .object(let o) = try JSONValue.parse(json) else { return [] }
        return o.keys.sorted()
    }

    @Test("the fixture configs are found")
    func found() {
        #expect(Self.configs.count >= 14)
    }

    @Test("a huge, negative, fractional, mistyped, null-typed or deeply nested value is a config error", arguments: [
        "1e14", "99999999", "4611686018427387904", "1e300", "-1e300", "-3", "0.5", "\"7\"", "[1e14, 1e14]", "[]",
        "{\"a\": 1}", "true", String(repeating: "[", count: 40) + String(repeating: "]", count: 40),
    ])
    func hostileValues(value: String) throws {
        var checked = 0
        for (id, json) in Self.configs {
            for key in try Self.keys(json) {
                let mutated = try Self.replacing(key, in: json, with: value)
                let error = Self.error(id, mutated)
                switch error {
                case .config?, .largeKernel?, .convolution?:
                    checked += 1
                case .stateDict?:
                    // Accepted values (a legal size, or a type the key allows) reach strict loading with
                    // the empty state_dict; then the config must have been plausible: every tensor it asked
                    // for fit the placeholder budget. Nothing to check beyond not trapping.
                    checked += 1
                default:
                    Issue.record("\(id) \(mutated): \(error.map { "\($0)" } ?? "built from an empty state_dict")")
                }
            }
        }
        #expect(checked > 50)
    }

    @Test("sizes that overflow Int or exceed the loading budget are config errors naming the tensor", arguments: [
        ("gfnet.block", #"{"dim": 8, "h": 10, "w": 6, "mlp_ratio": 9888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888, "layer_norm_eps": 1e-06}"#),
        ("gfnet.block", #"{"dim": 100000000000000, "h": 10, "w": 6}"#),
        ("gfnet.block", #"{"dim": 4096, "h": 4096, "w": 4096}"#),
        ("convnext.block", #"{"dim": 999999999999}"#),
        ("conv2d.depthwise", #"{"channels": 3, "kernel_size": [999999999, 999999999]}"#),
        ("moganet.block", #"{"dim": 800000000, "ffn_ratio": 1e15}"#),
        ("van.block", #"{"dim": 8, "mlp_ratio": -1e300}"#),
    ])
    func hugeSizes(id: String, json: String) throws {
        let error = try #require(Self.error(id, json))
        guard case .config(_, let message) = error else { Issue.record("\(error)"); return }
        #expect(message.contains("overflow") || message.contains("budget") || message.contains("≥"), "\(message)")
    }

    @Test("a large but plausible config with an empty state_dict still lists the missing keys")
    func plausibleLarge() throws {
        // ConvNeXt of width 1536: pwconv1/pwconv2 are 6144×1536 (36 MiB each in Float), within the budget.
        let error = try #require(Self.error("convnext.block", #"{"dim": 1536}"#))
        guard case .stateDict(let e) = error else { Issue.record("\(error)"); return }
        #expect(e.problems.contains(.missing(key: "pwconv1.weight", expected: [6144, 1536])))
    }

    @Test("an unknown key is an error naming it, in every block")
    func unknownKeys() throws {
        for (id, json) in Self.configs {
            let error = Self.error(id, try Self.replacing("zz_unknown", in: json, with: "1"))
            guard case .config(_, let message)? = error else { Issue.record("\(id): \(String(describing: error))"); continue }
            #expect(message.contains("zz_unknown"))
        }
    }

    @Test("invalid JSON and invalid UTF-8 are config errors", arguments: [
        "{", "{\"dim\": 8} trailing", "\u{FFFD}{\"dim\":1}", "[1, 2]", "null", "\"text\"",
        String(repeating: "{\"a\":", count: 100_000), String(repeating: "[", count: 100_000),
    ])
    func invalidJSON(json: String) {
        guard case .config? = Self.error("convnext.block", json) else {
            Issue.record("\(json.prefix(40)): expected a config error, got \(String(describing: Self.error("convnext.block", json)))")
            return
        }
    }

    @Test("invalid UTF-8 bytes in the config text are a config error")
    func invalidUTF8() {
        let text = String(decoding: Array(#"{"dim": "#.utf8) + [0xFF, 0xC0, 0xAF] + Array("}".utf8), as: UTF8.self)
        guard case .config? = Self.error("convnext.block", text) else { Issue.record("expected a config error"); return }
    }
}
