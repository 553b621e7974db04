import GlobalConv
import LargeKernel

/// The sweep's `lka` path: VAN's LKA decomposition of `K` at its parameter-minimising dilation
/// (`LKADecomposition.bestDilation`), timed as the three convolutions it is — `conv0` ((2d−1)²
/// depthwise), `conv_spatial` (⌈K/d⌉² depthwise dilated by d), each on the engine's auto path, and
/// `conv1` (1×1, C×C) — via `LargeKernelAttention.attention` (the `x ⊙ attn` gating is not timed).
/// Random weights in [−1, 1].
enum LKAWork {
    /// Whether this build can time the `lka` path.
    static var isAvailable: Bool { true }

    static func decomposition(kernel: Int) throws(ToolError) -> LKADecomposition {
        do {
            return try LKADecomposition(kernelSize: kernel, dilation: LKADecomposition.bestDilation(kernelSize: kernel))
        } catch { throw .failed(error.description) }
    }

    /// Parameters of LKA(K, best d) on `channels` channels, biases included: `C·(⌈K/d⌉² + (2d−1)² + C) + 3C`.
    static func parameters(kernel: Int, channels: Int) throws(ToolError) -> Int {
        try decomposition(kernel: kernel).parameterCount(channels: channels, includingBiases: true)
    }

    /// Times LKA(K, best d) on `input`.
    static func time<S: TensorScalar>(kernel: Int, input: Tensor<S>, configuration c: SweepConfiguration)
        throws(ToolError) -> TimingStatistics {
        let lka = try decomposition(kernel: kernel)
        let ch = c.channels, l = lka.localSize, s = lka.spatialSize
        let seed = c.seed &* 977 &+ UInt64(kernel)
        let module: LargeKernelAttention<S>
        do {
            module = try LargeKernelAttention(
                decomposition: lka,
                conv0Weight: .random(shape: [ch, 1, l, l], seed: seed), conv0Bias: .random(shape: [ch], seed: seed &+ 1),
                convSpatialWeight: .random(shape: [ch, 1, s, s], seed: seed &+ 2), convSpatialBias: .random(shape: [ch], seed: seed &+ 3),
                conv1Weight: .random(shape: [ch, ch, 1, 1], in: -0.1...0.1, seed: seed &+ 4), conv1Bias: .random(shape: [ch], seed: seed &+ 5))
        } catch { throw .failed(error.description) }
        let options = ExecutionOptions(threads: c.threads, effort: c.effort)
        do {
            _ = try module.attention(input, path: .auto, options: options)   // planner measurements, untimed
            return try TimingStatistics.measure(warmup: c.warmup, repeats: c.repeats) { () throws(LargeKernelError) in
                _ = try module.attention(input, path: .auto, options: options)
            }
        } catch { throw .failed(error.description) }
    }
}
