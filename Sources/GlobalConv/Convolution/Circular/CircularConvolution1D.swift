/// ParC's global circular convolution (ParC-Net's `gcc_conv`) along one spatial axis, per channel:
///
/// `y[n,c,i] = b[c] + Σ_{k<L} w[c,k] · x[n,c,(i+k) mod L]`
///
/// along `H` (``ConvolutionAxis/height``, for every column) or `W` (``ConvolutionAxis/width``, for
/// every row), `L` being the input's extent along that axis, which must equal the kernel length. It is
/// a cross-correlation (no kernel flip), exactly what ParC computes with `nn.Conv2d(groups=C)` on the
/// input concatenated with itself minus its last sample. Input and output are `[N, C, H, W]`.
/// Resizing a kernel to another length (ParC's `align_corners` interpolation) is the caller's job.
///
/// A value holds its weights and a cache of kernel spectra that the FFT path fills on first use; the
/// cache is internally synchronised, so one value may be called from many tasks at once.
public struct CircularConvolution1D<Scalar: TensorScalar>: Sendable {
    /// `[C, 1, L, 1]` along ``ConvolutionAxis/height``, `[C, 1, 1, L]` along ``ConvolutionAxis/width``
    /// (PyTorch ParC's `gcc_conv.weight`).
    public let weight: Tensor<Scalar>
    /// `[C]` (`gcc_conv.bias`), or `nil` for no bias.
    public let bias: Tensor<Scalar>?
    /// The axis the correlation runs along.
    public let axis: ConvolutionAxis
    /// Kernel spectra for the FFT path, filled lazily and shared by copies of this value.
    let spectra: KernelSpectrumCache<Scalar>

    /// Number of channels `C`.
    public var channels: Int { weight.shape[0] }

    /// Kernel length `L`, which the input's extent along ``axis`` must equal.
    public var length: Int { axis == .height ? weight.shape[2] : weight.shape[3] }

    /// - Parameters:
    ///   - weight: `[C, 1, L, 1]` for `axis == .height`, `[C, 1, 1, L]` for `.width`.
    ///   - bias: `[C]` or `nil`.
    /// - Throws: ``ConvolutionError/shapeMismatch(_:)`` when the weight does not have that shape with
    ///   `C ≥ 1` or the bias is not `[C]`; ``ConvolutionError/invalidArgument(_:)`` when `L` is 0.
    public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>? = nil, axis: ConvolutionAxis) throws(ConvolutionError) {
        let s = weight.shape
        let expected = axis == .height ? "[C, 1, L, 1]" : "[C, 1, 1, L]"
        guard s.count == 4, s[0] >= 1, s[1] == 1, (axis == .height ? s[3] : s[2]) == 1 else {
            throw .shapeMismatch("circular weight along \(axis) must be \(expected) with C ≥ 1, got \(s)")
        }
        guard (axis == .height ? s[2] : s[3]) >= 1 else {
            throw .invalidArgument("circular kernel length must be ≥ 1, got weight \(s)")
        }
        if let bias, bias.shape != [s[0]] {
            throw .shapeMismatch("bias must be [\(s[0])] for \(s[0]) channels, got \(bias.shape)")
        }
        self.weight = weight
        self.bias = bias
        self.axis = axis
        self.spectra = KernelSpectrumCache()
    }

    /// The output shape, equal to `inputShape` (`[N, C, H, W]`).
    /// - Throws: ``ConvolutionError/shapeMismatch(_:)`` when the input is not NCHW with this
    ///   convolution's `C` or its extent along ``axis`` is not `L`; ``ConvolutionError/invalidArgument(_:)``
    ///   for an empty map (an empty batch, `N = 0`, is valid: the output is empty too).
    public func outputShape(for inputShape: [Int]) throws(ConvolutionError) -> [Int] {
        try ConvolutionError.checkNCHW(inputShape, channels: channels)
        guard inputShape[2] >= 1, inputShape[3] >= 1 else {
            throw .invalidArgument("input map must be at least 1×1, got input \(inputShape)")
        }
        let extent = axis == .height ? inputShape[2] : inputShape[3]
        guard extent == length else {
            throw .shapeMismatch(
                "input extent \(extent) along \(axis) differs from the kernel length \(length) (resize the kernel first): input \(inputShape)")
        }
        return inputShape
    }

    /// Runs the correlation on `input` (`[N, C, H, W]`) along `path`. `.auto` takes the path the
    /// planner measured faster for this shape, axis and thread count (``autoPath(_:channelOffset:add:options:)``).
    /// Every path gives the definition's NaN/±Inf pattern (Docs/reliability.md).
    /// - Throws: ``ConvolutionError`` for an input that does not fit (see ``outputShape(for:)``);
    ///   ``ConvolutionError/tooLarge(_:)`` when the call would allocate more than `options.memoryBudget`.
    public func callAsFunction(_ input: Tensor<Scalar>, path: ConvolutionPath = .auto,
                               options: ExecutionOptions = .default) throws(ConvolutionError) -> Tensor<Scalar> {
        _ = try outputShape(for: input.shape)
        if input.shape[0] == 0 { return Tensor(zeros: input.shape) }  // empty batch: empty output, as PyTorch
        // Robustness hooks (Docs/reliability.md): the memory budget first (CircularConvolution1D+Robustness.swift);
        // the FFT path recomputes planes with non-finite values on the direct path (PlaneWorker).
        let affordable = try affordablePath(path, inputShape: input.shape, options: options)
        let resolved = affordable == .auto ? try autoPath(input, channelOffset: 0, add: nil, options: options) : affordable
        return try Self.run(input, segments: [CircularSegment(conv: self, channelOffset: 0, add: nil, path: resolved)], options: options)
    }
}
