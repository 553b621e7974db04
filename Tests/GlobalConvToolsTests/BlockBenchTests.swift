import Foundation
import GlobalConv
import GlobalConvTools
import Testing
@testable import globalconv

@Suite("bench")
struct BlockBenchTests {
    @Test("bench times a registered block and its JSON has the documented fields")
    func jsonShape() throws {
        let c = BlockBenchConfiguration(block: "convnext.block", config: #"{"dim": 4, "kernel_size": 7}"#,
                                        size: Size2D(height: 9, width: 7), batch: 2, path: .fft, precision: .float64,
                                        threads: 1, repeats: 2, warmup: 0)
        let result = try BlockBench.run(c)
        #expect(result.minMs > 0 && result.minMs <= result.medianMs)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(try result.rendered(.json).utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["block", "path", "size", "batch", "threads", "dtype", "median_ms", "min_ms"])
        #expect(object["block"] as? String == "convnext.block" && object["path"] as? String == "fft")
        #expect(object["size"] as? [Int] == [9, 7] && object["batch"] as? Int == 2 && object["threads"] as? Int == 1)
        #expect(throws: ToolError.self) { try result.rendered(.csv) }
    }

    @Test("bench arguments parse and bad ones are rejected with what is allowed")
    func arguments() throws {
        let bench = try #require(try GlobalConvCommand.parseAsRoot([
            "bench", "--block", "convnext.block", "--config", #"{"dim": 8}"#, "--size", "28x20", "--batch", "2",
            "--path", "direct", "--threads", "1", "--repeats", "3", "--format", "json", "--allow-debug",
        ]) as? BenchCommand)
        let c = try bench.makeConfiguration()
        #expect(c.size == Size2D(height: 28, width: 20) && c.path == .direct && c.repeats == 3 && c.batch == 2)
        func rejection(_ args: [String]) -> String? {
            do { _ = try GlobalConvCommand.parseAsRoot(args + ["--allow-debug"]); return nil } catch {
                return GlobalConvCommand.message(for: error)
            }
        }
        #expect(rejection(["bench", "--block", "no.block", "--config", #"{"dim": 8}"#])?.contains("allowed are") == true)
        #expect(rejection(["bench", "--block", "convnext.block", "--config", "{dim"])?.contains("not valid JSON") == true)
        #expect(rejection(["bench", "--block", "convnext.block", "--config", #"{"dim": 8, "kernel": 3}"#])?.contains("unknown key") == true)
        #expect(rejection(["bench", "--block", "convnext.block", "--config", #"{"kernel_size": 3}"#])?.contains("\"dim\"") == true)
        #expect(rejection(["bench", "--block", "convnext.block", "--config", #"{"dim": 8}"#, "--path", "gpu"])?
            .contains("allowed are direct, fft, auto") == true)
        #expect(rejection(["bench", "--block", "convnext.block", "--config", #"{"dim": 8}"#, "--format", "csv"])?
            .contains("allowed are table, json") == true)
        #expect(rejection(["bench"]) != nil)   // --block is required
    }

    @Test("parc.pair times ParC's two circular halves; it needs an even channel count and accepts --effort")
    func parcPair() throws {
        let c = BlockBenchConfiguration(block: "parc.pair", config: #"{"channels": 6}"#, size: Size2D(height: 8, width: 10),
                                        path: .auto, threads: 2, repeats: 2, warmup: 0, effort: .measure)
        let result = try BlockBench.run(c)
        #expect(result.block == "parc.pair" && result.minMs > 0 && result.size == [8, 10])
        #expect(throws: ToolError.self) {
            try BlockBench.run(BlockBenchConfiguration(block: "parc.pair", config: #"{"channels": 5}"#, repeats: 1))
        }
        let bench = try #require(try GlobalConvCommand.parseAsRoot([
            "bench", "--block", "parc.pair", "--config", #"{"channels": 8}"#, "--effort", "measure", "--allow-debug",
        ]) as? BenchCommand)
        #expect(try bench.makeConfiguration().effort == .measure)
    }
}
