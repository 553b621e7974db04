/// One peer timing of a block: the JSON-lines format `Fixtures/block_bench.py` prints, one object per
/// line: `{"block", "runtime", "size", "batch", "threads", "median_ms", "min_ms"}` (`runtime` e.g.
/// `onnxruntime` or `pytorch`; `size` is `H` for `H×H` or `[H, W]`). Blank lines and `#` lines are skipped.
package struct BlockBaselineRow: PeerBaselineRow, Sendable, Equatable, Codable {
    package var block: String
    package var runtime: String
    /// `[H, W]`.
    @MapSizeCoding package var size: [Int]
    package var batch: Int
    package var threads: Int
    package var medianMs: Double
    package var minMs: Double

    package init(block: String, runtime: String, size: [Int], batch: Int, threads: Int, medianMs: Double, minMs: Double) {
        (self.block, self.runtime, self.size, self.batch, self.threads) = (block, runtime, size, batch, threads)
        (self.medianMs, self.minMs) = (medianMs, minMs)
    }

    enum CodingKeys: String, CodingKey {
        case block, runtime, size, batch, threads, medianMs = "median_ms", minMs = "min_ms"
    }

    /// Whether this row timed the same problem as `result`: block, size, batch and threads.
    package func matches(_ result: BlockBenchResult) -> Bool {
        block == result.block && size == result.size && batch == result.batch && threads == result.threads
    }

    package static var expectedLine: String {
        "block baseline row (expected a JSON object with block, runtime, size, batch, threads, median_ms, min_ms)"
    }
}

/// A peer's time for the benchmarked block beside ours. JSON fields: `runtime`, `median_ms`, `min_ms`,
/// `ratio` (`peer median / our median`: above 1, GlobalConv is that many times faster).
package struct BlockBenchComparison: Sendable, Equatable, Codable {
    package var runtime: String
    package var medianMs: Double
    package var minMs: Double
    package var ratio: Double

    enum CodingKeys: String, CodingKey { case runtime, medianMs = "median_ms", minMs = "min_ms", ratio }

    /// One comparison per row of `baseline` that timed the same problem as `result`, in file order.
    package static func compare(_ baseline: [BlockBaselineRow], with result: BlockBenchResult) -> [BlockBenchComparison] {
        baseline.filter { $0.matches(result) }.map {
            BlockBenchComparison(runtime: $0.runtime, medianMs: $0.medianMs, minMs: $0.minMs, ratio: $0.medianMs / result.medianMs)
        }
    }
}
