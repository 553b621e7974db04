import GlobalConv
import LargeKernel

/// Runs a kernel-size sweep: for each `K` and each path, the dense depthwise `K×K` convolution
/// (`nn.Conv2d(C, C, K, padding=K/2, groups=C)`, zeros padding, with bias) on a random
/// `[N, C, H, W]` input, `warmup` untimed runs, then `repeats` runs timed with `ContinuousClock` —
/// the same warm-up count for every path (``timePath(_:warmup:repeats:planningRun:body:)``). The
/// `auto` path (and `lka`, whose convolutions run on `auto`) first gets planning runs of its own,
/// repeated until the planner measures nothing more, so no planner measurement is ever timed and the
/// planning runs never stand in for the warm-up.
package enum SweepRunner {
    /// At most this many untimed planning runs before an `auto` path's warm-up: the planner measures a
    /// problem on its first call and re-measures a close decision on up to two more (Docs/architecture.md).
    package static let maximumPlanningRuns = 4

    /// Times one path the same way for every path: for a path with a `planningRun` (auto, lka), that
    /// run first — repeated while it reports that the planner measured, at most ``maximumPlanningRuns``
    /// times — then `warmup` untimed runs of `body` and `repeats` timed ones. The planning runs are not
    /// counted as warm-up, so every path gets exactly `warmup` untimed runs of `body`.
    /// - Parameter planningRun: one untimed call that returns whether the planner measured during it.
    package static func timePath<E: Error>(warmup: Int, repeats: Int, planningRun: (() throws(E) -> Bool)? = nil,
                                          body: () throws(E) -> Void) throws(E) -> TimingStatistics {
        if let planningRun {
            for _ in 0..<maximumPlanningRuns where try planningRun() == false { break }
        }
        return try TimingStatistics.measure(warmup: warmup, repeats: repeats, body)
    }

    /// A planning run of `body`: whether the planner measured while it ran, on this task (others measuring
    /// at the same time are not counted: ``PlanningStatistics/measurements(during:)``).
    static func planning<E: Error>(_ body: @escaping () throws(E) -> Void) -> () throws(E) -> Bool {
        { () throws(E) -> Bool in try PlanningStatistics.measurements(during: body).count > 0 }
    }

    /// Where a sweep is: about to time `path` for `kernel`, the `index`-th of `total` steps (from 0).
    package struct Progress: Sendable {
        package let index: Int
        package let total: Int
        package let kernel: Int
        package let path: SweepPath
    }

    /// Runs `configuration` (validated first) and returns its rows in (kernel, path) order with the
    /// crossover. `progress` is called before each step, on the calling thread.
    package static func run(_ configuration: SweepConfiguration,
                           progress: (Progress) -> Void = { _ in }) throws(ToolError) -> SweepResult {
        try configuration.validate()
        switch configuration.precision {
        case .float32: return try run(configuration, as: Float.self, progress: progress)
        case .float64: return try run(configuration, as: Double.self, progress: progress)
        }
    }

    static func run<S: TensorScalar>(_ c: SweepConfiguration, as _: S.Type,
                                     progress: (Progress) -> Void) throws(ToolError) -> SweepResult {
        let input = Tensor<S>.random(shape: [c.batch, c.channels, c.size.height, c.size.width], seed: c.seed)
        let total = c.kernels.count * c.paths.count
        var rows: [SweepRow] = []
        var step = 0
        for k in c.kernels {
            let dense = try denseConvolution(kernel: k, channels: c.channels, seed: c.seed &+ UInt64(k), as: S.self)
            for path in c.paths {
                // LKA has no d ≥ 2 decomposition of a kernel below 3×3: no lka row for it.
                if path == .lka && k < LKADecomposition.minimumKernelSize { step += 1; continue }
                progress(Progress(index: step, total: total, kernel: k, path: path))
                step += 1
                let stats: TimingStatistics
                let params: Int
                switch path {
                case .lka:
                    stats = try LKAWork.time(kernel: k, input: input, configuration: c)
                    params = try LKAWork.parameters(kernel: k, channels: c.channels)
                case .fftw:
                    stats = try timeTransforms(dense, on: input, configuration: c)
                    params = 0
                case .direct, .fft, .auto:
                    stats = try time(dense, on: input, path: ConvolutionPath(rawValue: path.rawValue)!, configuration: c)
                    params = c.channels * k * k + c.channels
                }
                rows.append(SweepRow(
                    kernel: k, path: path.rawValue, size: [c.size.height, c.size.width], channels: c.channels,
                    batch: c.batch, dtype: c.precision.rawValue, threads: c.threads,
                    medianMs: stats.medianMilliseconds, minMs: stats.minimumMilliseconds,
                    gflops: c.denseFlops(kernel: k) / (stats.medianMilliseconds * 1e-3) / 1e9, params: params))
            }
        }
        return SweepResult(rows: rows)
    }

    /// `nn.Conv2d(C, C, K, padding=K/2, groups=C)` with uniform random weights and bias in [−1, 1].
    static func denseConvolution<S: TensorScalar>(kernel k: Int, channels: Int, seed: UInt64,
                                                  as _: S.Type) throws(ToolError) -> DepthwiseConvolution2D<S> {
        let weight = Tensor<S>.random(shape: [channels, 1, k, k], seed: seed &* 31 &+ 7)
        let bias = Tensor<S>.random(shape: [channels], seed: seed &* 31 &+ 11)
        do {
            return try DepthwiseConvolution2D(weight: weight, bias: bias, padding: Size2D(k / 2))
        } catch { throw .failed(error.description) }
    }

    /// Times the FFT path's bare transforms of `conv` on `input` (``SweepPath/fftw``).
    static func timeTransforms<S: TensorScalar>(_ conv: DepthwiseConvolution2D<S>, on input: Tensor<S>,
                                                configuration c: SweepConfiguration) throws(ToolError) -> TimingStatistics {
        let options = try ExecutionOptions.tool(threads: c.threads, effort: c.effort)
        do {
            return try timePath(warmup: c.warmup, repeats: c.repeats) { () throws(ConvolutionError) in
                try conv.fftTransformsOnly(input, options: options)
            }
        } catch { throw .failed(error.description) }
    }

    /// Times `conv` on `input` along `path` with the configuration's warm-up, repeats, threads, effort.
    static func time<S: TensorScalar>(_ conv: DepthwiseConvolution2D<S>, on input: Tensor<S>, path: ConvolutionPath,
                                      configuration c: SweepConfiguration) throws(ToolError) -> TimingStatistics {
        let options = try ExecutionOptions.tool(threads: c.threads, effort: c.effort)
        do {
            let body = { () throws(ConvolutionError) in _ = try conv(input, path: path, options: options) }
            return try timePath(warmup: c.warmup, repeats: c.repeats, planningRun: path == .auto ? planning(body) : nil, body: body)
        } catch { throw .failed(error.description) }
    }
}
