import ArgumentParser
import Backbones
import Foundation
import GlobalConv
import GlobalConvTools
import Testing
@testable import globalconv

@Suite("bench --list-blocks and the config keys in --help")
struct BlockKeyListingTests {
    private func rejection(_ args: [String]) -> String? {
        do { _ = try GlobalConvCommand.parseAsRoot(args + ["--allow-debug"]); return nil } catch {
            return GlobalConvCommand.message(for: error)
        }
    }

    @Test("--list-blocks lists every registry block with the registry's required keys, and parses without --block")
    func listing() throws {
        let command = try #require(try GlobalConvCommand.parseAsRoot(["bench", "--list-blocks"]) as? BenchCommand)
        #expect(command.listBlocks && command.block == nil)
        let table = BlockKeyListing.table()
        for id in BlockRegistry.ids {
            let required = try BlockRegistry.configKeys(id: id).filter(\.isRequired).map(\.name)
            let line = try #require(table.split(separator: "\n").first { $0.hasPrefix(id + " ") }, "\(id) missing from the listing")
            #expect(line.contains(required.joined(separator: ", ")), "\(line)")
        }
        #expect(table.contains("parc.pair") && table.contains("Docs/blocks.md"))
        let replk = try #require(BlockKeyListing.rows().first { $0.block == "replknet.block" })
        #expect(replk.inputChannels == ["in_channels"] && replk.required == ["in_channels", "dw_channels", "block_lk_size"])
    }

    @Test("--help names the input channel key per block and points to --list-blocks and Docs/blocks.md")
    func help() {
        for text in [BenchCommand.helpMessage(), VerifyCommand.helpMessage()] {
            #expect(text.contains("--list-blocks") && text.contains("Docs/blocks.md"))
            #expect(text.contains("replknet.block") && text.contains("in_channels"), "\(text)")
        }
        let help = BlockKeyListing.helpText()
        #expect(help.contains("\"in_channels\": replknet.block, replknet.convffn\n"), "\(help)")
        #expect(help.contains("\"channels\" or \"dim\": slak.block, slak.large_kernel\n"), "\(help)")
        #expect(help.contains("\"dim\": convnext.block") && help.contains("\"channels\": conv2d.depthwise"), "\(help)")
        #expect(!help.contains("\"in_channels\", \"dim\" or \"channels\""))
    }

    @Test("bench --block replknet.block --config '{\"dim\":64}' names all three missing keys and the unknown one at once")
    func allMissingKeysInOneMessage() throws {
        let message = try #require(rejection(["bench", "--block", "replknet.block", "--config", #"{"dim": 64}"#]))
        #expect(message.contains(#""in_channels", "dw_channels", "block_lk_size""#), "\(message)")
        #expect(message.contains(#"unknown key(s) "dim""#) && message.contains("--list-blocks"), "\(message)")
        #expect(rejection(["bench"])?.contains("give --block") == true && rejection(["bench"])?.contains("--list-blocks") == true)
        let ok = try #require(try GlobalConvCommand.parseAsRoot([
            "bench", "--block", "replknet.block", "--config",
            #"{"in_channels": 8, "dw_channels": 8, "block_lk_size": 7, "small_kernel": 3}"#, "--allow-debug",
        ]) as? BenchCommand)
        #expect(try ok.makeConfiguration().inputChannels() == 8)
    }
}
