import GlobalConv

/// `globalconv bench --block parc.pair`: ParC-ConvNeXt's token mixer alone, the problem
/// `Fixtures/peer_baseline.py` times as its `parc` / `parc_ort` ops: on `[N, C, H, W]`, a global
/// circular correlation along H (kernel `H × 1`) on channels `[0, C/2)` and along W (`1 × W`) on
/// `[C/2, C)`, each with a bias and random weights, no position embedding. Config `{"channels": C}` (even).
/// Runs the engine's ``CircularConvolution1D`` pair entry (both halves in one pass, `.auto` resolving
/// each half by measurement).
enum ParCPairBench {
    static let id = "parc.pair"

    static func time<S: TensorScalar>(_ c: BlockBenchConfiguration, as _: S.Type) throws(ToolError) -> TimingStatistics {
        let half = try c.inputChannels() / 2
        let (h, w) = (c.size.height, c.size.width)
        let x = Tensor<S>.random(shape: [c.batch, 2 * half, h, w], seed: c.seed &+ 1)
        let options = try ExecutionOptions.tool(threads: c.threads, effort: c.effort)
        do throws(ConvolutionError) {
            let convH = try CircularConvolution1D(weight: Tensor<S>.random(shape: [half, 1, h, 1], seed: c.seed &+ 2),
                                                  bias: Tensor<S>.random(shape: [half], seed: c.seed &+ 3), axis: .height)
            let convW = try CircularConvolution1D(weight: Tensor<S>.random(shape: [half, 1, 1, w], seed: c.seed &+ 4),
                                                  bias: Tensor<S>.random(shape: [half], seed: c.seed &+ 5), axis: .width)
            let run = { () throws(ConvolutionError) in
                _ = try CircularConvolution1D.pair(x, height: convH, heightAdd: nil, width: convW, widthAdd: nil,
                                                   path: c.path, options: options)
            }
            if c.path == .auto { for _ in 0..<PlanningStatistics.callsUntilSettled { try run() } }
            return try TimingStatistics.measure(warmup: c.warmup, repeats: c.repeats, run)
        } catch {
            throw .failed(error.description)
        }
    }
}
