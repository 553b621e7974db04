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
    /// What was decided and made, without the convolution (cached inside the convolution value, so it
    /// must not hold it).
    let core: Core

    /// The only input shape the plan accepts, `[N, C, H, W]`.
    public var inputShape: [Int] { core.inputShape }
    /// `[N, C, H', W']`.
    public var outputShape: [Int] { core.outputShape }
    /// The resolved path: `.direct` or `.fft`, never `.auto`.
    public var path: ConvolutionPath { core.path }
    /// The options the plan was made with (threads, FFTW effort, memory budget).
    public var options: ExecutionOptions { core.options }
    /// The FFT transform size `Lh × Lw` (nil on the direct path).
    public var transformSize: Size2D? { core.fft?.choice.size }

    /// Runs the planned convolution on `input`.
    /// - Throws: ``ConvolutionError/shapeMismatch(_:)`` when `input.shape` is not ``inputShape``.
    public func callAsFunction(_ input: Tensor<Scalar>) throws(ConvolutionError) -> Tensor<Scalar> {
        guard input.shape == inputShape else {
            throw .shapeMismatch("this plan is for input \(inputShape), got \(input.shape); make a plan for that shape")
        }
        if outputShape[0] == 0 { return Tensor(zeros: outputShape) }
        return convolution.repairingNonFiniteWeights(input: input, output: core.run(convolution, input, activation: nil))
    }

    /// A plan's decisions and prepared pieces.
    struct Core: Sendable {
        let inputShape: [Int], outputShape: [Int]
        let path: ConvolutionPath
        let options: ExecutionOptions
        let fft: DepthwiseConvolution2D<Scalar>.PreparedFFT?

        /// `activation(conv(input))` on the planned path, before the non-finite-weight repair.
        func run(_ conv: DepthwiseConvolution2D<Scalar>, _ input: Tensor<Scalar>, activation: Activation?) -> Tensor<Scalar> {
            if let fft {
                return conv.fft(input, outputShape: outputShape, prepared: fft, threads: options.threads, activation: activation)
            }
            return conv.direct(input, outputShape: outputShape, threads: options.threads, activation: activation)
        }
    }

    /// The cache key of a call's plan: shape, requested path and options.
    struct Key: Hashable, Sendable {
        var inputShape: [Int]
        var path: ConvolutionPath
        var options: ExecutionOptions
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
        let affordable = try affordablePath(path, inputShape: inputShape, outputShape: outShape, options: options)
        return DepthwiseConvolutionPlan(convolution: self,
                                        core: try planCore(inputShape: inputShape, outputShape: outShape, path: affordable, options: options))
    }

    /// Resolves `path` (already narrowed to what the memory budget affords) and prepares the FFT path.
    func planCore(inputShape: [Int], outputShape outShape: [Int], path: ConvolutionPath,
                  options: ExecutionOptions) throws(ConvolutionError) -> DepthwiseConvolutionPlan<Scalar>.Core {
        var resolved = path
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
        return .init(inputShape: inputShape, outputShape: outShape, path: resolved, options: options, fft: prepared)
    }
}
