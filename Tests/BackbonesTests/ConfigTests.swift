import Testing
import GlobalConv
@testable import Backbones

@Suite("Block configs")
struct ConfigTests {
    private func configError(_ id: String, _ json: String) -> String? {
        do {
            _ = try BlockRegistry.make(id: id, configJSON: json, stateDict: [String: Tensor<Double>]())
            return nil
        } catch {
            if case .config(_, let message) = error { return message }
            if case .stateDict = error { return nil }
            return "\(error)"
        }
    }

    @Test("an unknown config key is an error naming it", arguments: [
        ("convnext.block", #"{"dim": 4, "kernel": 7}"#, "kernel"),
        ("gfnet.block", #"{"dim": 4, "h": 4, "w": 3, "mlp": 4}"#, "mlp"),
        ("moganet.block", #"{"dim": 8, "attn_dw_dilations": [1, 2, 3]}"#, "attn_dw_dilations"),
    ])
    func unknownKey(id: String, json: String, key: String) throws {
        let message = try #require(configError(id, json))
        #expect(message.contains("unknown key") && message.contains(key))
    }

    @Test("a key with no official default is required")
    func requiredKey() throws {
        let message = try #require(configError("convnext.block", #"{"kernel_size": 7}"#))
        #expect(message.contains("\"dim\"") && message.contains("required"))
    }

    @Test("values of the wrong type or range are errors", arguments: [
        ("convnext.block", #"{"dim": 4.5}"#), ("convnext.block", #"{"dim": "4"}"#), ("convnext.block", #"{"dim": 4, "kernel_size": 6}"#),
        ("conv2d.depthwise", #"{"channels": 2, "kernel_size": [3, 3], "padding_mode": "reflect"}"#),
        ("conv2d.depthwise", #"{"channels": 2, "kernel_size": [3, 3], "bias": 1}"#),
        ("moganet.block", #"{"dim": 12}"#), ("replknet.convffn", #"{"in_channels": 4, "internal_channels": 8, "out_channels": 5}"#),
        ("convnext.block", #"[1, 2]"#), ("convnext.block", #"{"dim": "#),
    ])
    func badValues(id: String, json: String) {
        #expect(configError(id, json) != nil)
    }

    @Test("missing keys take the official defaults (convnext kernel 7)")
    func defaults() throws {
        do {
            _ = try ConvNeXtBlock<Double>(configJSON: #"{"dim": 4}"#, stateDict: [:])
            Issue.record("an empty state_dict must not load")
        } catch {
            guard case .stateDict(let e) = error else { Issue.record("\(error)"); return }
            #expect(e.problems.contains(.missing(key: "dwconv.weight", expected: [4, 1, 7, 7])))
        }
    }

    @Test("an unknown block id is an error listing the known ids")
    func unknownBlock() {
        #expect(throws: BackboneError.self) { try BlockRegistry.make(id: "van.blok", configJSON: "{}", stateDict: [String: Tensor<Float>]()) }
        let text = BackboneError.unknownBlock("van.blok").description
        #expect(text.contains("van.blok") && text.contains("convnext.block"))
    }
}
