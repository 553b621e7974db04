import Testing
import GlobalConv
@testable import Backbones

@Suite("Block config keys: all problems at once, one key list from the registry")
struct ConfigKeysTests {
    private func configMessage(_ id: String, _ json: String) -> String? {
        do {
            _ = try BlockRegistry.make(id: id, configJSON: json, stateDict: [String: Tensor<Float>]())
            return nil
        } catch {
            if case .config(_, let message) = error { return message }
            return nil
        }
    }

    @Test("replknet.block with only \"dim\" names every missing required key and the unknown key in one error")
    func allMissingAtOnce() throws {
        let message = try #require(configMessage("replknet.block", #"{"dim": 64}"#))
        #expect(message.contains(#"missing required key(s) "in_channels", "dw_channels", "block_lk_size""#), "\(message)")
        #expect(message.contains(#"unknown key(s) "dim""#), "\(message)")
        #expect(message.contains("its keys are"), "\(message)")
    }

    @Test("several unknown keys are named together with the missing ones")
    func allUnknownAtOnce() throws {
        let message = try #require(configMessage("replknet.convffn", #"{"dim": 4, "hidden": 8}"#))
        #expect(message.contains(#"missing required key(s) "in_channels", "internal_channels", "out_channels""#), "\(message)")
        #expect(message.contains(#"unknown key(s) "dim", "hidden""#), "\(message)")
    }

    @Test("every registered block lists its keys, the required ones first-class and exactly one input channel key")
    func everyBlockHasKeys() throws {
        for id in BlockRegistry.ids {
            let keys = try BlockRegistry.configKeys(id: id)
            #expect(!keys.isEmpty, "\(id)")
            #expect(keys.filter(\.isInputChannels).count >= 1, "\(id): \(keys)")
            // The listing is the block's own parsing: an empty config misses exactly the required keys.
            let required = keys.filter(\.isRequired).map(\.name)
            let message = try #require(configMessage(id, "{}"), "\(id)")
            #expect(message.contains("missing required key(s) " + required.map { "\"\($0)\"" }.joined(separator: ", ")), "\(id): \(message)")
        }
    }

    @Test("the input channel key per block: replknet.block in_channels, van.block dim, conv2d.depthwise channels, slak either")
    func inputChannelKeys() throws {
        func channelKey(_ id: String) throws -> [String] { try BlockRegistry.configKeys(id: id).filter(\.isInputChannels).map(\.name) }
        #expect(try channelKey("replknet.block") == ["in_channels"])
        #expect(try channelKey("van.block") == ["dim"])
        #expect(try channelKey("conv2d.depthwise") == ["channels"])
        #expect(try channelKey("slak.block") == ["dim", "channels"])
        let slak = try BlockRegistry.configKeys(id: "slak.block")
        #expect(slak.contains(BlockConfigKey(name: "channels", requirement: .alternative(to: "dim"), isInputChannels: true)))
        #expect(try BlockRegistry.configKeys(id: "convnext.block").contains(BlockConfigKey(name: "kernel_size", requirement: .optional(default: "7"))))
        #expect(try BlockRegistry.configKeys(id: "replknet.block").contains(BlockConfigKey(name: "small_kernel", requirement: .optional(default: "null"))))
    }

    @Test("inputChannels(id:configJSON:) reads the block's own channel key and throws the full config error")
    func inputChannelsValue() throws {
        #expect(try BlockRegistry.inputChannels(id: "replknet.block",
                                                configJSON: #"{"in_channels": 8, "dw_channels": 16, "block_lk_size": 7, "small_kernel": 3}"#) == 8)
        #expect(try BlockRegistry.inputChannels(id: "slak.block", configJSON: #"{"channels": 6, "kernel_size": [7, 5]}"#) == 6)
        #expect(try BlockRegistry.inputChannels(id: "slak.block", configJSON: #"{"dim": 6, "kernel_size": [7, 5]}"#) == 6)
        do {
            _ = try BlockRegistry.inputChannels(id: "replknet.block", configJSON: #"{"dim": 64}"#)
            Issue.record("a config without in_channels must throw")
        } catch {
            guard case .config(_, let message) = error else { Issue.record("\(error)"); return }
            #expect(message.contains(#""in_channels", "dw_channels", "block_lk_size""#))
        }
        #expect(throws: BackboneError.unknownBlock("no.block")) { try BlockRegistry.configKeys(id: "no.block") }
    }
}
