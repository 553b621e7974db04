import Backbones
import GlobalConv
import LargeKernel

/// The sweep's `lka` path: VAN's LKA decomposition of `K` at its parameter-minimising dilation
/// (`LKADecomposition.bestDilation`), timed as the three convolutions it is: `conv0` ((2d−1)²
/// depthwise) and `conv_spatial` (⌈K/d⌉² depthwise dilated by d), each on the engine's auto path via
/// `LargeKernelAttention.spatial` (LKA's padding rule), then `conv1` (1×1, C×C) as an OpenBLAS GEMM
/// (Backbones' `PointwiseConvolution`, what the `van.lka` block runs). The `x ⊙ attn` gating is not
/// timed. Random weights in [−1, 1] (`conv1` in [−0.1, 0.1]).
enum LKAWork {
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
        let options = try ExecutionOptions.tool(threads: c.threads, effort: c.effort)
        do {
            let body = { () throws(LargeKernelError) in
                _ = module.conv1(try module.spatial(input, path: .auto, options: options), threads: c.threads)
            }
            return try SweepRunner.timePath(warmup: c.warmup, repeats: c.repeats, planningRun: SweepRunner.planning(body), body: body)
        } catch { throw .failed(error.description) }
    }
}
