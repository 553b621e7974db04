import Foundation

/// One row of a peer baseline: the JSON-lines format `Fixtures/peer_baseline.py` prints, one
/// object per line: `{"op", "kernel", "size", "channels", "batch", "threads", "median_ms", "min_ms"}`.
/// `size` is the map side `H` (square `H×H`) or `[H, W]`. Blank lines and lines starting with `#`
/// are skipped. Any tool can write it.
package struct BaselineRow: PeerBaselineRow, Sendable, Equatable, Codable {
    /// The baseline's name for what it ran, e.g. `depthwise`, `depthwise_fft`, `depthwise_ort`.
    package var op: String
    package var kernel: Int
    /// `[H, W]`.
    @MapSizeCoding package var size: [Int]
    package var channels: Int
    package var batch: Int
    package var threads: Int
    package var medianMs: Double
    package var minMs: Double

    package init(op: String, kernel: Int, size: [Int], channels: Int, batch: Int, threads: Int, medianMs: Double, minMs: Double) {
        self.op = op
        self.kernel = kernel
        self.size = size
        self.channels = channels
        self.batch = batch
        self.threads = threads
        self.medianMs = medianMs
        self.minMs = minMs
    }

    enum CodingKeys: String, CodingKey {
        case op, kernel, size, channels, batch, threads, medianMs = "median_ms", minMs = "min_ms"
    }

    /// Whether this row timed the same problem as `row` (kernel, size, channels, batch).
    package func matches(_ row: SweepRow) -> Bool {
        kernel == row.kernel && size == row.size && channels == row.channels && batch == row.batch
    }

    package static var expectedLine: String {
        "baseline row (expected a JSON object with op, kernel, size, channels, batch, threads, median_ms, min_ms)"
    }
}

/// A baseline row beside the fastest of our exact paths (direct, fft, auto: the dense convolution the
/// baseline computes; `lka` computes an approximation and is never the comparison) for the same problem.
package struct BaselineComparison: Sendable, Equatable, Codable {
    package var kernel: Int
    package var op: String
    package var threads: Int
    package var medianMs: Double
    package var minMs: Double
    /// Our fastest exact path (by median) on the same kernel, size, channels and batch.
    package var oursPath: String
    package var oursMedianMs: Double
    /// `baseline median / our median`: above 1, GlobalConv is that many times faster.
    package var ratio: Double

    enum CodingKeys: String, CodingKey {
        case kernel, op, threads, medianMs = "median_ms", minMs = "min_ms"
        case oursPath = "ours_path", oursMedianMs = "ours_median_ms", ratio
    }

    /// One comparison per baseline row that matches at least one of `rows`, in kernel then op order.
    package static func compare(_ baseline: [BaselineRow], with rows: [SweepRow]) -> [BaselineComparison] {
        var out: [BaselineComparison] = []
        for b in baseline {
            let ours = rows.filter { b.matches($0) && SweepPath(rawValue: $0.path)?.isExactConvolution == true }
            guard let best = ours.min(by: { $0.medianMs < $1.medianMs }) else { continue }
            out.append(BaselineComparison(kernel: b.kernel, op: b.op, threads: b.threads, medianMs: b.medianMs, minMs: b.minMs,
                                          oursPath: best.path, oursMedianMs: best.medianMs, ratio: b.medianMs / best.medianMs))
        }
        return out.sorted { ($0.kernel, $0.op) < ($1.kernel, $1.op) }
    }
}
