/// One timed (kernel size, path) of a sweep. JSON field names are snake_case as documented in
/// `Docs/cli.md`: `kernel`, `path`, `size` `[H, W]`, `channels`, `batch`, `dtype`, `threads`,
/// `median_ms`, `min_ms`, `gflops`, `params`.
public struct SweepRow: Sendable, Equatable, Codable {
    /// Kernel size `K` of the dense `K×K` convolution (for `lka`: the one it decomposes).
    public var kernel: Int
    /// `direct`, `fft`, `lka` or `auto`.
    public var path: String
    /// `[H, W]`.
    public var size: [Int]
    public var channels: Int
    public var batch: Int
    /// `float32` or `float64`.
    public var dtype: String
    public var threads: Int
    /// Median of the timed runs, milliseconds.
    public var medianMs: Double
    /// Fastest timed run, milliseconds.
    public var minMs: Double
    /// Dense-equivalent GFLOP/s (the table's `dense-equiv GFLOP/s`, JSON/CSV key `gflops`): the FLOPs of
    /// the dense `K×K` definition over the median, `2·N·C·H·W·K² / median / 1e9`, for every path — not
    /// the FLOPs the path itself performs.
    public var gflops: Double
    /// Learned parameters, biases included (dense: `C·K² + C`; LKA: its three convolutions').
    public var params: Int

    public init(kernel: Int, path: String, size: [Int], channels: Int, batch: Int, dtype: String, threads: Int,
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
public struct SweepResult: Sendable, Equatable {
    public var rows: [SweepRow]
    public var crossover: Int?

    public init(rows: [SweepRow], crossover: Int? = nil) {
        self.rows = rows
        self.crossover = crossover
    }

    /// Rows in kernel order, then path order; the crossover computed from them.
    public init(rows: [SweepRow]) {
        self.init(rows: rows, crossover: SweepResult.crossover(of: rows))
    }

    /// The crossover of `rows` (see the type's documentation).
    public static func crossover(of rows: [SweepRow]) -> Int? {
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
    public var kernels: [Int] { Set(rows.map(\.kernel)).sorted() }

    /// The distinct paths, in first-seen order.
    public var paths: [String] {
        var seen: [String] = []
        for row in rows where !seen.contains(row.path) { seen.append(row.path) }
        return seen
    }
}
