/// A global filter (GFNet) planned for its input shape `[N, C, H, W]`: the path (`.auto`: the FFT form
/// except where the planner chose the spatial form) with, for the FFT form, the map's FFTW plans, and for
/// the spatial form the circular depthwise convolution's own plan; running it only executes — bit for
/// bit the output of calling the filter on the resolved path.
///
/// Immutable and `Sendable`: one plan may run from many tasks at once.
public struct GlobalFilterPlan<Scalar: TensorScalar>: Sendable {
    /// The filter this plan runs.
    public let filter: GlobalFilter2D<Scalar>
    /// The only input shape the plan accepts (also the output shape).
    public let inputShape: [Int]
    /// The resolved path: `.direct` (the spatial circular convolution) or `.fft`.
    public let path: ConvolutionPath
    /// The options the plan was made with.
    public let options: ExecutionOptions
    private let spatialPlan: DepthwiseConvolutionPlan<Scalar>?
    private let plans: FFTPlans?

    /// The FFT form's transforms (thread-safe to execute).
    struct FFTPlans: @unchecked Sendable {
        let forward: RealFFTPlan, inverse: RealFFTPlan
    }

    init(filter: GlobalFilter2D<Scalar>, inputShape: [Int], path: ConvolutionPath, options: ExecutionOptions,
         spatialPlan: DepthwiseConvolutionPlan<Scalar>?, plans: FFTPlans?) {
        (self.filter, self.inputShape, self.path, self.options) = (filter, inputShape, path, options)
        (self.spatialPlan, self.plans) = (spatialPlan, plans)
    }

    /// Runs the planned filter on `x` (NaN/±Inf handling as ``GlobalFilter2D/callAsFunction(_:path:options:)``).
    /// - Throws: ``ConvolutionError/shapeMismatch(_:)`` when `x.shape` is not ``inputShape``.
    public func callAsFunction(_ x: Tensor<Scalar>) throws(ConvolutionError) -> Tensor<Scalar> {
        guard x.shape == inputShape else {
            throw .shapeMismatch("this plan is for input \(inputShape), got \(x.shape); make a plan for that shape")
        }
        if inputShape[0] == 0 { return Tensor(zeros: inputShape) }
        if let plans { return filter.applySpectrum(x, plans: (plans.forward, plans.inverse), threads: options.threads) }
        return filter.nanFillingNonFinite(input: x, output: try spatialPlan!(x))
    }
}

extension GlobalFilter2D {
    /// Plans this filter for inputs of `inputShape` (see ``GlobalFilterPlan``).
    /// - Throws: ``ConvolutionError`` for a shape other than `[N, C, H, W]` of this filter, or a path over
    ///   `options.memoryBudget`.
    public func plan(for inputShape: [Int], path: ConvolutionPath = .auto,
                     options: ExecutionOptions = .default) throws(ConvolutionError) -> GlobalFilterPlan<Scalar> {
        guard inputShape.count == 4, inputShape[0] >= 0, inputShape[1] == channels, inputShape[2] == size.height,
              inputShape[3] == size.width else {
            throw .shapeMismatch("global filter expects [N, \(channels), \(size.height), \(size.width)], got \(inputShape)")
        }
        let resolved = resolvedPath(path, inputShape: inputShape, threads: options.threads)
        if resolved == .fft {
            try checkSpectrumMemory(inputShape: inputShape, options: options)
            let p = try spectrumPlans(effort: options.effort)
            return GlobalFilterPlan(filter: self, inputShape: inputShape, path: .fft, options: options, spatialPlan: nil,
                                    plans: .init(forward: p.forward, inverse: p.inverse))
        }
        let spatialPlan = try spatial.plan(for: inputShape, path: resolved == .direct ? .direct : .auto, options: options)
        return GlobalFilterPlan(filter: self, inputShape: inputShape, path: .direct, options: options,
                                spatialPlan: spatialPlan, plans: nil)
    }
}
