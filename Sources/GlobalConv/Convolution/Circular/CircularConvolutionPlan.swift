/// A circular (ParC) correlation planned for one input shape: the path (`.auto` resolved by the
/// planner, a plan file, or one measurement on a random input of the shape) and, for the FFT path, the
/// FFTW plans and kernel spectrum fixed once; running it only executes — bit for bit the output of
/// calling the correlation on the resolved path.
///
/// Immutable and `Sendable`: one plan may run from many tasks at once.
public struct CircularConvolutionPlan<Scalar: TensorScalar>: Sendable {
    /// The correlation this plan runs.
    public let convolution: CircularConvolution1D<Scalar>
    /// The only input shape the plan accepts, `[N, C, H, W]` (also the output shape).
    public let inputShape: [Int]
    /// The resolved path: `.direct` or `.fft`, never `.auto`.
    public let path: ConvolutionPath
    /// The options the plan was made with.
    public let options: ExecutionOptions
    let fft: CircularConvolution1D<Scalar>.FFTParts?

    /// Runs the planned correlation on `input`.
    /// - Throws: ``ConvolutionError/shapeMismatch(_:)`` when `input.shape` is not ``inputShape``.
    public func callAsFunction(_ input: Tensor<Scalar>) throws(ConvolutionError) -> Tensor<Scalar> {
        guard input.shape == inputShape else {
            throw .shapeMismatch("this plan is for input \(inputShape), got \(input.shape); make a plan for that shape")
        }
        if inputShape[0] == 0 { return Tensor(zeros: inputShape) }
        return try CircularConvolution1D.run(
            input, segments: [CircularSegment(conv: convolution, channelOffset: 0, add: nil, path: path, prepared: fft)],
            options: options)
    }
}

extension CircularConvolution1D {
    /// Plans this correlation for inputs of `inputShape` (see ``CircularConvolutionPlan``).
    /// - Throws: ``ConvolutionError`` when the shape does not fit (``outputShape(for:)``) or the path needs
    ///   more memory than `options.memoryBudget`.
    public func plan(for inputShape: [Int], path: ConvolutionPath = .auto,
                     options: ExecutionOptions = .default) throws(ConvolutionError) -> CircularConvolutionPlan<Scalar> {
        _ = try outputShape(for: inputShape)
        var resolved = try affordablePath(path, inputShape: inputShape, options: options)
        if resolved == .auto {
            resolved = inputShape[0] == 0 ? .direct
                : try autoPath(Tensor<Scalar>.random(shape: inputShape, seed: 0x9E37), channelOffset: 0, add: nil, options: options)
        }
        let parts = resolved == .fft
            ? try FFTParts(self, map: Size2D(height: inputShape[2], width: inputShape[3]), effort: options.effort) : nil
        return CircularConvolutionPlan(convolution: self, inputShape: inputShape, path: resolved, options: options, fft: parts)
    }
}
