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
        #expect(Set(object.keys) == ["block", "path", "size", "batch", "threads", "dtype", "median_ms", "min_ms",
                                     "regions_per_run", "worker_joins_per_run", "mean_region_us", "planning_measurements"])
        #expect((object["regions_per_run"] as? Double ?? 0) > 0)
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

    @Test("a block baseline reads both size forms, skips comments, and names the line of a bad row")
    func baselineParsing() throws {
        let text = """
            # peers, 2 threads
            {"block": "van.block", "runtime": "onnxruntime", "size": [56, 56], "batch": 1, "threads": 2, "median_ms": 1.9, "min_ms": 1.8}

            {"block": "van.block", "runtime": "pytorch", "size": 56, "batch": 1, "threads": 2, "median_ms": 7.5, "min_ms": 7.0}
            """
        let rows = try BlockBaselineRow.parse(jsonLines: text)
        #expect(rows == [BlockBaselineRow(block: "van.block", runtime: "onnxruntime", size: [56, 56], batch: 1, threads: 2, medianMs: 1.9, minMs: 1.8),
                         BlockBaselineRow(block: "van.block", runtime: "pytorch", size: [56, 56], batch: 1, threads: 2, medianMs: 7.5, minMs: 7.0)])
        do {
            _ = try BlockBaselineRow.parse(jsonLines: text + "\n{\"block\": \"van.block\", \"runtime\": \"x\"}", source: "peers.jsonl")
            Issue.record("a row without size was accepted")
        } catch {
            #expect(error.description.hasPrefix("peers.jsonl:5:") && error.description.contains("missing field 'size'"))
        }
        #expect(throws: ToolError.self) { try BlockBaselineRow.parse(jsonLines: #"{"block": "b", "runtime": "r", "size": [1, 2, 3], "batch": 1, "threads": 1, "median_ms": 1, "min_ms": 1}"#) }
        #expect(throws: ToolError.self) { try BlockBaselineRow.load(path: "/nonexistent/peers.jsonl") }
    }

    @Test("bench compares only peer rows of the same block, size, batch and threads, as peer median / our median")
    func baselineComparison() throws {
        let ours = BlockBenchResult(block: "van.block", path: "auto", size: [56, 56], batch: 1, threads: 2, dtype: "float32",
                                    medianMs: 2.0, minMs: 1.9)
        func row(_ block: String, _ runtime: String, size: [Int] = [56, 56], batch: Int = 1, threads: Int = 2, _ ms: Double) -> BlockBaselineRow {
            BlockBaselineRow(block: block, runtime: runtime, size: size, batch: batch, threads: threads, medianMs: ms, minMs: ms - 0.1)
        }
        let peers = [row("van.block", "onnxruntime", 3.0), row("van.block", "pytorch", 8.0), row("moganet.block", "onnxruntime", 1.0),
                     row("van.block", "onnxruntime", size: [112, 112], 9.0), row("van.block", "onnxruntime", batch: 8, 9.0),
                     row("van.block", "onnxruntime", threads: 1, 9.0)]
        let comparisons = BlockBenchComparison.compare(peers, with: ours)
        #expect(comparisons.map(\.runtime) == ["onnxruntime", "pytorch"])
        #expect(comparisons.map(\.ratio) == [1.5, 4.0])
        var result = ours
        result.baseline = comparisons
        let table = try result.rendered(.table)
        #expect(table.contains("peer / ours") && table.contains("1.50×") && table.contains("4.00×"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(try result.rendered(.json).utf8)) as? [String: Any])
        let baseline = try #require(object["baseline"] as? [[String: Any]])
        #expect(baseline.count == 2 && baseline[0]["runtime"] as? String == "onnxruntime" && baseline[0]["ratio"] as? Double == 1.5)
        result.baseline = []
        #expect(!(try result.rendered(.table)).contains("peer / ours"))
    }
}
