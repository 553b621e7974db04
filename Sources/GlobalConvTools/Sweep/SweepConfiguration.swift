import GlobalConv

/// Everything one kernel-size sweep needs; ``validate()`` says what is out of range.
package struct SweepConfiguration: Sendable, Equatable {
    /// Kernel sizes `K` (dense `K×K`), ascending.
    package var kernels: [Int]
    /// Input map `H×W`.
    package var size: Size2D
    /// Channels `C` (depthwise: one filter per channel).
    package var channels: Int
    /// Batch `N`.
    package var batch: Int
    /// Precision the convolutions run in.
    package var precision: Precision
    /// Worker threads per convolution call.
    package var threads: Int
    /// Timed runs per (K, path).
    package var repeats: Int
    /// Untimed runs before the timed ones.
    package var warmup: Int
    /// Paths to time, in this order.
    package var paths: [SweepPath]
    /// FFTW planning effort.
    package var effort: PlanningEffort
    /// Seed of the random input and weights.
    package var seed: UInt64

    /// The default sweep: `peer_baseline.py`'s defaults (K ∈ {3, 5, 7, 9, 13, 17, 21, 27, 31, 41, 51, 63},
    /// 56×56, 128 channels, batch 1, 9 repeats) so its output matches row for row; Float32, every core,
    /// 1 warm-up, every path. A few seconds on 2 cores.
    package init(kernels: [Int] = SweepConfiguration.defaultKernels, size: Size2D = Size2D(56), channels: Int = 128,
                batch: Int = 1, precision: Precision = .float32, threads: Int = ExecutionOptions.defaultThreads,
                repeats: Int = 9, warmup: Int = 5, paths: [SweepPath] = SweepConfiguration.defaultPaths,
                effort: PlanningEffort = .estimate, seed: UInt64 = 1) {
        self.kernels = kernels
        self.size = size
        self.channels = channels
        self.batch = batch
        self.precision = precision
        self.threads = threads
        self.repeats = repeats
        self.warmup = warmup
        self.paths = paths
        self.effort = effort
        self.seed = seed
    }

    /// Kernel sizes a sweep times when none are named (those of `peer_baseline.py`).
    package static let defaultKernels = [3, 5, 7, 9, 13, 17, 21, 27, 31, 41, 51, 63]

    /// The paths a sweep times when none are named.
    package static var defaultPaths: [SweepPath] {
        [.direct, .fft, .lka, .auto]
    }

    /// Throws ``ToolError/invalidValue(_:)`` naming the first value out of range and the allowed range.
    package func validate() throws(ToolError) {
        guard !kernels.isEmpty else { throw .invalidValue("no kernel sizes: give at least one, e.g. --kernels 3,7,13") }
        guard kernels.allSatisfy({ $0 >= 1 && $0 <= 1024 }) else {
            throw .invalidValue("kernel sizes must be in 1...1024, got \(kernels)")
        }
        guard size.height <= 8192, size.width <= 8192 else { throw .invalidValue("map size must be at most 8192×8192, got \(size)") }
        guard (1...65536).contains(channels) else { throw .invalidValue("--channels must be in 1...65536, got \(channels)") }
        guard (1...4096).contains(batch) else { throw .invalidValue("--batch must be in 1...4096, got \(batch)") }
        guard (1...1024).contains(threads) else { throw .invalidValue("--threads must be in 1...1024, got \(threads)") }
        guard (1...10_000).contains(repeats) else { throw .invalidValue("--repeats must be in 1...10000, got \(repeats)") }
        guard (0...10_000).contains(warmup) else { throw .invalidValue("--warmup must be in 0...10000, got \(warmup)") }
        guard !paths.isEmpty else { throw .invalidValue("no paths: give at least one of direct, fft, lka, auto") }
        let elements = batch.multipliedReportingOverflow(by: channels)
        let (total, o) = elements.partialValue.multipliedReportingOverflow(by: size.height * size.width)
        guard !elements.overflow, !o, total <= 1 << 28 else {
            throw .invalidValue("input N·C·H·W = \(batch)·\(channels)·\(size.height)·\(size.width) is larger than 2^28 elements (the FFT workspace would exhaust memory)")
        }
    }

    /// Floating-point operations of the dense `K×K` definition: `2·N·C·H·W·K²`.
    package func denseFlops(kernel: Int) -> Double {
        2 * Double(batch) * Double(channels) * Double(size.height) * Double(size.width) * Double(kernel) * Double(kernel)
    }
}
