/// Depthwise 2-D convolution with exactly PyTorch's semantics: `nn.Conv2d(C, C, (kh, kw),
/// padding=(ph, pw), dilation=(dh, dw), groups=C, bias=…, padding_mode=…)`, stride 1.
///
/// It is a cross-correlation (no kernel flip):
/// `y[n,c,i,j] = b[c] + Σ_{u<kh} Σ_{v<kw} w[c,0,u,v] · x̃[n,c, i + dh·u − ph, j + dw·v − pw]`
/// where `x̃` is `x` inside the map and 0 outside (`.zeros`) or `x` read modulo `H` and `W`
/// (`.circular`). Input `[N, C, H, W]`, output `[N, C, H', W']` with ``ConvolutionGeometry2D/outputSize(for:)``.
///
/// A value holds its weights and a cache of kernel spectra (per padded transform size) that the FFT
/// path fills on first use; the cache is internally synchronised, so one value may be called from
/// many tasks at once.
public struct DepthwiseConvolution2D<Scalar: TensorScalar>: Sendable {
    /// `[C, 1, kh, kw]`.
    public let weight: Tensor<Scalar>
    /// `[C]`, or `nil` for no bias.
    public let bias: Tensor<Scalar>?
    /// Kernel size, dilation, padding and padding mode.
    public let geometry: ConvolutionGeometry2D
    /// Kernel spectra for the FFT path, filled lazily and shared by copies of this value.
    let spectra: KernelSpectrumCache<Scalar>
    /// The plans calls have made, per input shape, requested path and options (``callAsFunction(_:path:options:)``
    /// runs on them), shared by copies of this value.
    let plans = BoundedCache<DepthwiseConvolutionPlan<Scalar>.Key, DepthwiseConvolutionPlan<Scalar>.Core>(capacity: 16)
    /// The channels whose weights or bias hold a NaN or ±Inf (usually none), found once here: every call
    /// recomputes their planes by the definition (`repairingNonFiniteWeights`).
    let nonFiniteChannels: [Int]

    /// Number of channels `C`.
    public var channels: Int { weight.shape[0] }

    /// - Parameters:
    ///   - weight: `[C, 1, kh, kw]`, as `nn.Conv2d(groups=C).weight`.
    ///   - bias: `[C]` or `nil`.
    /// - Throws: ``ConvolutionError`` when the weight is not `[C, 1, kh, kw]` with `C ≥ 1`, the bias is
    ///   not `[C]`, or the geometry is invalid.
    public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>? = nil, dilation: Size2D = Size2D(1),
                padding: Size2D = Size2D(0), paddingMode: PaddingMode = .zeros) throws(ConvolutionError) {
        guard weight.rank == 4, weight.shape[1] == 1, weight.shape[0] >= 1 else {
            throw .shapeMismatch("depthwise weight must be [C, 1, kh, kw] with C ≥ 1, got \(weight.shape)")
        }
        let geometry = try ConvolutionGeometry2D(
            kernel: Size2D(height: weight.shape[2], width: weight.shape[3]),
            dilation: dilation, padding: padding, paddingMode: paddingMode)
        try self.init(weight: weight, bias: bias, geometry: geometry)
    }

    /// A convolution with an explicit geometry whose kernel size must match `weight`.
    public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>?, geometry: ConvolutionGeometry2D) throws(ConvolutionError) {
        guard weight.rank == 4, weight.shape[1] == 1, weight.shape[0] >= 1,
              weight.shape[2] == geometry.kernel.height, weight.shape[3] == geometry.kernel.width else {
            throw .shapeMismatch(
                "depthwise weight must be [C, 1, \(geometry.kernel.height), \(geometry.kernel.width)] with C ≥ 1, got \(weight.shape)")
        }
        if let bias, bias.shape != [weight.shape[0]] {
            throw .shapeMismatch("bias must be [\(weight.shape[0])] for \(weight.shape[0]) channels, got \(bias.shape)")
        }
        self.weight = weight
        self.bias = bias
        self.geometry = geometry
        self.spectra = KernelSpectrumCache()
        nonFiniteChannels = Self.nonFiniteChannels(weight: weight, bias: bias, taps: geometry.kernel.height * geometry.kernel.width)
    }

    /// The output shape `[N, C, H', W']` for an input shape `[N, C, H, W]`.
    /// - Throws: ``ConvolutionError`` when the input is not NCHW with this convolution's `C`, is empty,
    ///   or gives an empty output.
    public func outputShape(for inputShape: [Int]) throws(ConvolutionError) -> [Int] {
        try ConvolutionError.checkNCHW(inputShape, channels: channels)
        let out = try geometry.outputSize(for: Size2D(height: inputShape[2], width: inputShape[3]))
        return [inputShape[0], channels, out.height, out.width]
    }

    /// Runs the convolution on `input` (`[N, C, H, W]`) along `path`.
    ///
    /// Every path gives the definition's NaN/±Inf pattern: a non-finite input sample reaches exactly
    /// the outputs whose window reads it, a non-finite weight exactly the outputs where its tap reads
    /// the map (Docs/reliability.md).
    /// An empty batch (`[0, C, H, W]`) returns the empty `[0, C, H', W']` output on every path, as PyTorch
    /// does; a map with no rows or columns is still an error.
    /// - Throws: ``ConvolutionError`` for an input that does not fit (see ``outputShape(for:)``);
    ///   ``ConvolutionError/tooLarge(_:)`` when the call would allocate more than `options.memoryBudget`.
    public func callAsFunction(_ input: Tensor<Scalar>, path: ConvolutionPath = .auto,
                               options: ExecutionOptions = .default) throws(ConvolutionError) -> Tensor<Scalar> {
        try self(input, path: path, options: options, activation: nil)
    }

    /// `activation(conv(input))`, the activation applied to each output plane right after it is computed
    /// (while it is in cache) on every path (package API for the blocks' `dwconv → GELU`).
    package func callAsFunction(_ input: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions,
                                activation: Activation?) throws(ConvolutionError) -> Tensor<Scalar> {
        DebugBuildWarning.check()
        let outShape = try outputShape(for: input.shape)
        // An empty batch gives an empty output of the right shape on every path (PyTorch's behaviour).
        if outShape[0] == 0 { return Tensor(zeros: outShape) }
        // Robustness hooks (Docs/reliability.md): the memory budget is checked before anything is
        // allocated (`.auto` may be narrowed to `.direct`), and channels with non-finite weights are
        // recomputed by the definition on every path (then activated like the rest).
        // A call runs on a cached plan (made on the first call of its shape, path and options), except
        // while `.auto` is still measuring: then both paths run on this input and the winner's output is used.
        // A plan is cached only once its memory was checked and, for `.auto`, its path decided, so a call
        // that finds one goes straight to it (the checks cost a model's main thread 2–3 % of a forward).
        let y: Tensor<Scalar>
        let key = DepthwiseConvolutionPlan<Scalar>.Key(inputShape: input.shape, path: path, options: options)
        if let core = plans[key] {
            if let fft = core.fft { spectra.markUsed(fft.spectrumKey) }
            y = core.run(self, input, activation: activation)
            return repairing(input: input, output: y, activation: activation)
        }
        let affordable = try affordablePath(path, inputShape: input.shape, outputShape: outShape, options: options)
        if affordable == .auto, plannerDecision(plannerKey(inputShape: input.shape, threads: options.threads),
                                                outputShape: outShape) == .measure {
            y = try auto(input, outputShape: outShape, options: options, activation: activation)
        } else {
            let core = try plans.value(for: key) { () throws(ConvolutionError) in
                try planCore(inputShape: input.shape, outputShape: outShape, path: affordable, options: options)
            }
            if let fft = core.fft { spectra.markUsed(fft.spectrumKey) }
            y = core.run(self, input, activation: activation)
        }
        return repairing(input: input, output: y, activation: activation)
    }

    /// `y` with the planes of channels with non-finite weights recomputed by the definition, then activated.
    private func repairing(input: Tensor<Scalar>, output y: Tensor<Scalar>, activation: Activation?) -> Tensor<Scalar> {
        guard !nonFiniteChannels.isEmpty else { return y }
        var repaired = repairingNonFiniteWeights(input: input, output: y)
        if activation != nil {
            let (n, c, plane) = (y.shape[0], y.shape[1], y.shape[2] * y.shape[3])
            repaired.withUnsafeMutableBufferPointer { r in
                for img in 0..<n { for ch in nonFiniteChannels { activation.apply(to: r.baseAddress! + (img * c + ch) * plane, count: plane) } }
            }
        }
        return repaired
    }
}
