/// One timed (kernel size, path) of a sweep. JSON field names are snake_case as documented in
/// `Docs/cli.md`: `kernel`, `path`, `size` `[H, W]`, `channels`, `batch`, `dtype`, `threads`,
/// `median_ms`, `min_ms`, `gflops`, `params`.
package struct SweepRow: Sendable, Equatable, Codable {
    /// Kernel size `K` of the dense `K×K` convolution (for `lka`: the one it decomposes).
    package var kernel: Int
    /// `direct`, `fft`, `lka` or `auto`.
    package var path: String
    /// `[H, W]`.
    package var size: [Int]
    package var channels: Int
    package var batch: Int
    /// `float32` or `float64`.
    package var dtype: String
    package var threads: Int
    /// Median of the timed runs, milliseconds.
    package var medianMs: Double
    /// Fastest timed run, milliseconds.
    package var minMs: Double
    /// Dense-equivalent GFLOP/s (the table's `dense-equiv GFLOP/s`, JSON/CSV key `gflops`): the FLOPs of
    /// the dense `K×K` definition over the median, `2·N·C·H·W·K² / median / 1e9`, for every path — not
    /// the FLOPs the path itself performs.
    package var gflops: Double
    /// Learned parameters, biases included (dense: `C·K² + C`; LKA: its three convolutions').
    package var params: Int

    package init(kernel: Int, path: String, size: [Int], channels: Int, batch: Int, dtype: String, threads: Int,
                medianMs: Double, minMs: Double, gflops: Double, params: Int) {
        self.kernel = kernel
        self.path = path
        self.size = size
        self.channels = channels
        self.batch = batch
        self.dtype = dtype
        self.threads = threads
        self.medianMs = medianMs
        self.minMs = minMs
        self.gflops = gflops
        self.params = params
    }

    enum CodingKeys: String, CodingKey {
        case kernel, path, size, channels, batch, dtype, threads
        case medianMs = "median_ms", minMs = "min_ms", gflops, params
    }
}

/// A sweep's rows and its crossover: the smallest swept `K` from which the FFT path stays faster
/// than the direct path (by median) for every larger swept `K`; `nil` when there is none or when
/// either path was not swept.
package struct SweepResult: Sendable, Equatable {
    package var rows: [SweepRow]
    package var crossover: Int?

    package init(rows: [SweepRow], crossover: Int? = nil) {
        self.rows = rows
        self.crossover = crossover
    }

    /// Rows in kernel order, then path order; the crossover computed from them.
    package init(rows: [SweepRow]) {
        self.init(rows: rows, crossover: SweepResult.crossover(of: rows))
    }

    /// The crossover of `rows` (see the type's documentation).
    package static func crossover(of rows: [SweepRow]) -> Int? {
        var direct: [Int: Double] = [:], fft: [Int: Double] = [:]
        for row in rows {
            if row.path == SweepPath.direct.rawValue { direct[row.kernel] = row.medianMs }
            if row.path == SweepPath.fft.rawValue { fft[row.kernel] = row.medianMs }
        }
        let kernels = Set(direct.keys).intersection(fft.keys).sorted()
        var crossover: Int?
        for k in kernels.reversed() {
            guard fft[k]! < direct[k]! else { break }
            crossover = k
        }
        return crossover
    }

    /// The distinct kernel sizes, ascending.
    package var kernels: [Int] { Set(rows.map(\.kernel)).sorted() }

    /// The distinct paths, in first-seen order.
    package var paths: [String] {
        var seen: [String] = []
        for row in rows where !seen.contains(row.path) { seen.append(row.path) }
        return seen
    }
}
