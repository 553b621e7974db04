/// A depthwise convolution planned for one input shape — FFTW's plan-once / execute-many, one level up.
///
/// Making the plan (``DepthwiseConvolution2D/plan(for:path:options:)``) fixes everything a call would
/// otherwise look up or decide: the path (`.auto` resolved by the planner — from a plan file, the cost
/// model, or by measuring both paths once on a random input of the shape), and for the FFT path the
/// transform size and pipeline mode, the FFTW plans and the kernel spectra; the memory budget is checked
/// then. Running the plan (`plan(x)`) only executes: same numbers as calling the convolution on the
/// resolved path, bit for bit.
///
/// Immutable and `Sendable`: one plan may run from many tasks at once (each call allocates its own
/// output and per-participant scratch).
public struct DepthwiseConvolutionPlan<Scalar: TensorScalar>: Sendable {
    /// The convolution this plan runs.
    public let convolution: DepthwiseConvolution2D<Scalar>
    /// The only input shape the plan accepts, `[N, C, H, W]`.
    public let inputShape: [Int]
    /// `[N, C, H', W']`.
    public let outputShape: [Int]
    /// The resolved path: `.direct` or `.fft`, never `.auto`.
    public let path: ConvolutionPath
    /// The options the plan was made with (threads, FFTW effort, memory budget).
    public let options: ExecutionOptions
    /// The FFT path's pieces, or nil on the direct path.
    let fft: DepthwiseConvolution2D<Scalar>.PreparedFFT?

    /// The FFT transform size `Lh × Lw` (nil on the direct path).
    public var transformSize: Size2D? { fft?.choice.size }

    /// Runs the planned convolution on `input`.
    /// - Throws: ``ConvolutionError/shapeMismatch(_:)`` when `input.shape` is not ``inputShape``.
    public func callAsFunction(_ input: Tensor<Scalar>) throws(ConvolutionError) -> Tensor<Scalar> {
        guard input.shape == inputShape else {
            throw .shapeMismatch("this plan is for input \(inputShape), got \(input.shape); make a plan for that shape")
        }
        if outputShape[0] == 0 { return Tensor(zeros: outputShape) }
        let y: Tensor<Scalar>
        if let fft {
            y = convolution.fft(input, outputShape: outputShape, prepared: fft, threads: options.threads, activation: .none)
        } else {
            y = convolution.direct(input, outputShape: outputShape, threads: options.threads)
        }
        return convolution.repairingNonFiniteWeights(input: input, output: y)
    }
}

extension DepthwiseConvolution2D {
    /// Plans this convolution for inputs of `inputShape` (see ``DepthwiseConvolutionPlan``).
    ///
    /// `.auto` asks the planner: a decision loaded from a plan file (``FFTWisdom``) or made earlier in the
    /// process, else the cost model when it is decisive, else both paths are timed on a random input of
    /// the shape (``ConvolutionPlanner``) — so with a plan file loaded, making a plan measures nothing.
    /// - Throws: ``ConvolutionError`` when the shape does not fit (``outputShape(for:)``) or the path needs
    ///   more memory than `options.memoryBudget`.
    public func plan(for inputShape: [Int], path: ConvolutionPath = .auto,
                     options: ExecutionOptions = .default) throws(ConvolutionError) -> DepthwiseConvolutionPlan<Scalar> {
        let outShape = try outputShape(for: inputShape)
        var resolved = try affordablePath(path, inputShape: inputShape, outputShape: outShape, options: options)
        if resolved == .auto {
            let key = plannerKey(inputShape: inputShape, threads: options.threads)
            switch plannerDecision(key, outputShape: outShape) {
            case .use(let p):
                resolved = p
            case .measure where outShape[0] == 0:
                resolved = .direct
            case .measure:
                _ = try auto(Tensor<Scalar>.random(shape: inputShape, seed: 0x9E37), outputShape: outShape, options: options)
                resolved = ConvolutionPlanner.shared.remembered(key) ?? .direct
            }
        }
        let prepared = resolved == .fft
            ? try prepareFFT(map: Size2D(height: inputShape[2], width: inputShape[3]),
                             output: Size2D(height: outShape[2], width: outShape[3]), effort: options.effort)
            : nil
        return DepthwiseConvolutionPlan(convolution: self, inputShape: inputShape, outputShape: outShape,
                                        path: resolved, options: options, fft: prepared)
    }
}
