import Foundation
import GlobalConv
@testable import GlobalConvTools
import Testing

/// A row with only the fields the tests vary.
func sweepRow(_ k: Int, _ path: String, _ ms: Double, size: [Int] = [56, 56], channels: Int = 128, batch: Int = 1) -> SweepRow {
    SweepRow(kernel: k, path: path, size: size, channels: channels, batch: batch, dtype: "float32", threads: 2,
             medianMs: ms, minMs: ms * 0.9, gflops: 1, params: channels * k * k + channels)
}

/// Rows from (kernel, direct ms, fft ms) triples.
func directFFTRows(_ triples: [(Int, Double, Double)]) -> [SweepRow] {
    triples.flatMap { [sweepRow($0.0, "direct", $0.1), sweepRow($0.0, "fft", $0.2)] }
}

@Suite("Sweep results and reports")
struct SweepReportTests {
    @Test("the crossover is the smallest K from which FFT stays faster", arguments: [
        ([(3, 1.0, 2.0), (7, 2.0, 2.5), (13, 5.0, 3.0), (21, 10.0, 4.0)], 13 as Int?),
        ([(3, 1.0, 2.0), (7, 3.0, 2.5), (13, 5.0, 6.0), (21, 10.0, 4.0)], 21 as Int?),
        ([(3, 1.0, 0.5), (7, 2.0, 1.0)], 3 as Int?),
        ([(3, 1.0, 2.0), (7, 3.0, 2.5), (13, 5.0, 6.0)], nil as Int?),
        ([(3, 1.0, 1.0)], nil as Int?),
    ])
    func crossover(triples: [(Int, Double, Double)], expected: Int?) {
        #expect(SweepResult.crossover(of: directFFTRows(triples)) == expected)
        // Row order does not matter.
        #expect(SweepResult.crossover(of: directFFTRows(triples).reversed()) == expected)
    }

    @Test("no crossover without both direct and fft")
    func crossoverNeedsBoth() {
        let rows = [sweepRow(3, "direct", 1), sweepRow(3, "auto", 0.5), sweepRow(7, "auto", 0.5)]
        #expect(SweepResult.crossover(of: rows) == nil)
    }

    @Test("the median of an even count averages the middle two; min is the fastest")
    func timingStatistics() {
        let odd = TimingStatistics(samplesMilliseconds: [5, 1, 3])
        #expect(odd.medianMilliseconds == 3 && odd.minimumMilliseconds == 1)
        let even = TimingStatistics(samplesMilliseconds: [4, 1, 3, 10])
        #expect(even.medianMilliseconds == 3.5 && even.minimumMilliseconds == 1)
    }

    func topLevel(_ json: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test("sweep JSON is {rows, crossover} with the documented row fields")
    func jsonShape() throws {
        let result = SweepResult(rows: directFFTRows([(3, 1, 2), (31, 9, 3)]))
        let json = try SweepReport(result: result, configuration: SweepConfiguration()).rendered(.json)
        let object = try topLevel(json)
        #expect(Set(object.keys) == ["rows", "crossover"])
        #expect(object["crossover"] as? Int == 31)
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.count == 4)
        for row in rows {
            #expect(Set(row.keys) == ["kernel", "path", "size", "channels", "batch", "dtype", "threads",
                                      "median_ms", "min_ms", "gflops", "params"])
            #expect((row["size"] as? [Int]) == [56, 56])
        }
        let decoded = try JSONDecoder().decode([String: [SweepRow]].self, from: Data(
            try JSONSerialization.data(withJSONObject: ["rows": object["rows"]!])))
        #expect(decoded["rows"]?.map(\.kernel) == [3, 3, 31, 31])
        #expect(decoded["rows"]?[1].medianMs == 2)
    }

    @Test("a sweep without a crossover writes \"crossover\": null")
    func jsonNullCrossover() throws {
        let result = SweepResult(rows: directFFTRows([(3, 1, 2)]))
        let object = try topLevel(try SweepReport(result: result, configuration: SweepConfiguration()).rendered(.json))
        #expect(object["crossover"] is NSNull)
    }

    @Test("baseline JSON lines parse in both size forms and skip blanks and comments")
    func baselineParsing() throws {
        let text = """
            {"op": "depthwise", "kernel": 7, "size": 56, "channels": 128, "batch": 1, "threads": 2, "median_ms": 1.5, "min_ms": 1.25}

            # a comment
            {"op": "depthwise_fft", "kernel": 7, "size": [56, 40], "channels": 128, "batch": 1, "threads": 2, "median_ms": 3, "min_ms": 2}
            """
        let rows = try BaselineRow.parse(jsonLines: text)
        #expect(rows.count == 2)
        #expect(rows[0].size == [56, 56] && rows[0].op == "depthwise" && rows[0].medianMs == 1.5 && rows[0].minMs == 1.25)
        #expect(rows[1].size == [56, 40])
    }

    @Test("a bad baseline line is an error naming the line and the missing field")
    func baselineErrors() {
        let text = "{\"op\": \"x\", \"kernel\": 3, \"size\": 8, \"channels\": 1, \"batch\": 1, \"threads\": 1, \"median_ms\": 1, \"min_ms\": 1}\n{\"op\": \"x\", \"kernel\": 3}"
        #expect {
            try BaselineRow.parse(jsonLines: text, source: "peer.jsonl")
        } throws: { "\($0)".contains("peer.jsonl:2") && "\($0)".contains("missing field 'size'") }
        #expect(throws: ToolError.self) { try BaselineRow.parse(jsonLines: "not json") }
    }

    @Test("baseline rows match on kernel, size, channels and batch and compare with our fastest path")
    func comparisons() throws {
        let rows = [sweepRow(7, "direct", 2), sweepRow(7, "fft", 1), sweepRow(7, "lka", 0.5), sweepRow(7, "fftw", 0.4),
                    sweepRow(13, "direct", 4)]
        let baseline = [
            BaselineRow(op: "depthwise", kernel: 7, size: [56, 56], channels: 128, batch: 1, threads: 2, medianMs: 3, minMs: 2.5),
            BaselineRow(op: "depthwise", kernel: 7, size: [56, 56], channels: 64, batch: 1, threads: 2, medianMs: 3, minMs: 2.5),
            BaselineRow(op: "depthwise", kernel: 13, size: [28, 28], channels: 128, batch: 1, threads: 2, medianMs: 3, minMs: 2.5),
            BaselineRow(op: "depthwise", kernel: 13, size: [56, 56], channels: 128, batch: 1, threads: 2, medianMs: 2, minMs: 2),
        ]
        let comps = BaselineComparison.compare(baseline, with: rows)
        #expect(comps.count == 2)
        #expect(comps[0].kernel == 7 && comps[0].oursPath == "fft" && comps[0].ratio == 3)   // lka, fftw: not the convolution, never compared
        #expect(comps[1].kernel == 13 && comps[1].oursPath == "direct" && comps[1].ratio == 0.5)
        let report = SweepReport(result: SweepResult(rows: rows), configuration: SweepConfiguration(), baseline: baseline)
        let object = try topLevel(try report.rendered(.json))
        let base = try #require(object["baseline"] as? [[String: Any]])
        #expect(Set(base[0].keys) == ["kernel", "op", "threads", "median_ms", "min_ms", "ours_path", "ours_median_ms", "ratio"])
        let table = try report.rendered(.table)
        #expect(table.contains("3.00×") && table.contains("0.50×"))
        #expect(table.contains("2 baseline rows matched no swept"))
    }

    @Test("the throughput column and the caption say the GFLOP/s are dense-equivalent, in the table and markdown")
    func denseEquivalentHeader() throws {
        let report = SweepReport(result: SweepResult(rows: directFFTRows([(3, 1, 2)])), configuration: SweepConfiguration())
        for format in [OutputFormat.table, .markdown] {
            let text = try report.rendered(format)
            let lines = text.split(separator: "\n").map(String.init)
            let header = try #require(lines.first { $0.contains("kernel") && $0.contains("path") && $0.contains("median_ms") })
            #expect(header.contains("dense-equiv GFLOP/s"), "\(format): \(header)")
            #expect(header.components(separatedBy: "GFLOP/s").count == 2, "one throughput column: \(header)")
            let caption = try #require(lines.first)
            #expect(caption.contains("dense-equiv GFLOP/s"), "\(format): \(caption)")
        }
    }

    @Test("CSV has one header and one line per row; markdown is a pipe table")
    func csvAndMarkdown() throws {
        let report = SweepReport(result: SweepResult(rows: directFFTRows([(3, 1, 2), (5, 2, 1)])), configuration: SweepConfiguration())
        let csv = try report.rendered(.csv).split(separator: "\n")
        #expect(csv.count == 5)
        #expect(csv[0] == "kernel,path,height,width,channels,batch,dtype,threads,median_ms,min_ms,gflops,params")
        #expect(csv[1].hasPrefix("3,direct,56,56,128,1,float32,2,1.0000,0.9000,"))
        let md = try report.rendered(.markdown)
        #expect(md.contains("| kernel | path | median_ms | min_ms | dense-equiv GFLOP/s | params |"))
        #expect(md.contains("crossover: FFT is faster than direct from K = 5 on"))
        #expect(throws: ToolError.self) { try report.rendered(.junit) }
    }

    @Test("a real sweep times every (K, path) and reports the dense FLOP rate and parameters")
    func realSweep() throws {
        let config = SweepConfiguration(kernels: [3, 5], size: Size2D(height: 8, width: 6), channels: 2, batch: 1,
                                        precision: .float64, threads: 1, repeats: 2, warmup: 0, paths: [.direct, .fft, .auto])
        var steps: [String] = []
        let result = try SweepRunner.run(config) { steps.append("\($0.kernel)/\($0.path.rawValue)") }
        #expect(steps == ["3/direct", "3/fft", "3/auto", "5/direct", "5/fft", "5/auto"])
        #expect(result.rows.map(\.path) == ["direct", "fft", "auto", "direct", "fft", "auto"])
        for row in result.rows {
            #expect(row.size == [8, 6] && row.dtype == "float64" && row.threads == 1)
            #expect(row.minMs > 0 && row.minMs <= row.medianMs)
            #expect(row.params == 2 * row.kernel * row.kernel + 2)
            let flops = 2.0 * 2 * 8 * 6 * Double(row.kernel * row.kernel)
            #expect(abs(row.gflops - flops / (row.medianMs * 1e-3) / 1e9) <= 1e-9 * row.gflops)
        }
    }

    @Test("an invalid configuration is refused before timing")
    func invalidConfiguration() {
        var c = SweepConfiguration(kernels: [3], size: Size2D(8), channels: 2)
        c.repeats = 0
        #expect(throws: ToolError.self) { try SweepRunner.run(c) }
    }
}

@Suite("Sweep lka path")
struct SweepLKATests {
    @Test("the lka path times LKA(K, best d) and counts its parameters with biases")
    func lka() throws {
        let config = SweepConfiguration(kernels: [7, 21], size: Size2D(height: 10, width: 9), channels: 4, batch: 1,
                                        precision: .float32, threads: 1, repeats: 1, warmup: 0, paths: [.lka])
        let result = try SweepRunner.run(config)
        #expect(result.rows.map(\.kernel) == [7, 21])
        // K = 7: best d = 2 (k' = 4: 16 + 9); K = 21: d = 3 (49 + 25). C·(k'² + (2d−1)² + C) + 3C.
        #expect(result.rows[0].params == 4 * (16 + 9 + 4) + 12)
        #expect(result.rows[1].params == 4 * (49 + 25 + 4) + 12)
        #expect(result.rows.allSatisfy { $0.path == "lka" && $0.minMs > 0 })
    }
}

@Suite("Sweep fftw path")
struct SweepFFTWTests {
    @Test("the fftw path times the FFT path's bare transforms: a row of its own, no parameters, not an exact convolution")
    func fftw() throws {
        let config = SweepConfiguration(kernels: [31], size: Size2D(24), channels: 8, batch: 1, precision: .float32,
                                        threads: 1, repeats: 5, warmup: 1, paths: [.fft, .fftw])
        let result = try SweepRunner.run(config)
        #expect(result.rows.map(\.path) == ["fft", "fftw"])
        #expect(result.rows[1].params == 0 && result.rows[0].params == 8 * 31 * 31 + 8)
        #expect(result.rows.allSatisfy { $0.minMs > 0 })
        #expect(!SweepPath.fftw.isExactConvolution && SweepPath.auto.isExactConvolution)
    }
}
