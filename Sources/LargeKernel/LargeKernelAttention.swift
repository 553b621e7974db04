import GlobalConv

/// VAN's `LKA` module (the `spatial_gating_unit` of a VAN block), with the padding rule of
/// ``LKADecomposition``:
///
/// ```
/// a = conv0(x)                 depthwise (2d−1)², padding d−1, bias       keys conv0.weight [C,1,2d−1,2d−1], conv0.bias
/// a = conv_spatial(a)          depthwise k'², dilation d, bias            keys conv_spatial.weight [C,1,k',k'], conv_spatial.bias
/// attn = conv1(a)              1×1, C×C, bias                             keys conv1.weight [C,C,1,1], conv1.bias
/// y = x ⊙ attn                 element-wise, no sigmoid
/// ```
///
/// Each spatial conv runs on the engine along the chosen path as its own convolution (two transform round
/// trips on the FFT path); they are never fused into the composed kernel, which differs at the borders.
/// A value type, `Sendable`; equality compares the decomposition and the weights.
public struct LargeKernelAttention<Scalar: TensorScalar>: Sendable, Equatable {
    /// K and d.
    public let decomposition: LKADecomposition
    /// `conv0`: `[C,1,2d−1,2d−1]` + bias.
    public let conv0: DepthwiseKernel<Scalar>
    /// `conv_spatial`: `[C,1,k',k']` with dilation d + bias.
    public let convSpatial: DepthwiseKernel<Scalar>
    /// `conv1`, the engine's 1×1 convolution, built once (for Float its packed weights are the only copy).
    public let conv1: PointwiseConvolution<Scalar>
    /// `conv1.weight` as `[C, C]` (output-major, `W[o, c]`).
    public var conv1Weight: Tensor<Scalar> { conv1.weight }
    /// `conv1.bias`, `[C]`.
    public var conv1Bias: Tensor<Scalar> { conv1.bias! }  // always given: the initialiser takes it

    public static func == (a: LargeKernelAttention, b: LargeKernelAttention) -> Bool {
        a.decomposition == b.decomposition && a.conv0 == b.conv0 && a.convSpatial == b.convSpatial
            && a.conv1Weight == b.conv1Weight && a.conv1Bias == b.conv1Bias
    }

    /// - Parameters:
    ///   - conv1Weight: `[C, C, 1, 1]` (or `[C, C]`).
    /// - Throws: ``LargeKernelError`` when a shape does not match the decomposition or the channel count.
    public init(decomposition: LKADecomposition,
                conv0Weight: Tensor<Scalar>, conv0Bias: Tensor<Scalar>,
                convSpatialWeight: Tensor<Scalar>, convSpatialBias: Tensor<Scalar>,
                conv1Weight: Tensor<Scalar>, conv1Bias: Tensor<Scalar>) throws(LargeKernelError) {
        let (l, s, d) = (decomposition.localSize, decomposition.spatialSize, decomposition.dilation)
        let conv0 = try DepthwiseKernel(weight: conv0Weight, bias: conv0Bias)
        let spatial = try DepthwiseKernel(weight: convSpatialWeight, bias: convSpatialBias, dilation: Size2D(d))
        let c = conv0.channels
        guard conv0.size == Size2D(l) else {
            throw .shapeMismatch("conv0.weight must be [C,1,\(l),\(l)] for \(decomposition), got \(conv0Weight.shape)")
        }
        guard spatial.size == Size2D(s), spatial.channels == c else {
            throw .shapeMismatch("conv_spatial.weight must be [\(c),1,\(s),\(s)] for \(decomposition), got \(convSpatialWeight.shape)")
        }
        guard conv1Weight.shape == [c, c, 1, 1] || conv1Weight.shape == [c, c] else {
            throw .shapeMismatch("conv1.weight must be [\(c),\(c),1,1], got \(conv1Weight.shape)")
        }
        guard conv1Bias.shape == [c] else { throw .shapeMismatch("conv1.bias must be [\(c)], got \(conv1Bias.shape)") }
        self.decomposition = decomposition
        self.conv0 = conv0
        self.convSpatial = spatial
        self.conv1 = PointwiseConvolution(weight: conv1Weight.reshaped([c, c]), bias: conv1Bias)
    }

    /// Number of channels `C`.
    public var channels: Int { conv0.channels }

    /// The spatial part `conv_spatial(conv0(x))`, each conv zero-padded as ``LKADecomposition`` says and run
    /// along `path`. Output `[N, C, H, W]` for input `[N, C, H, W]` (any H, W ≥ 1, also smaller than the kernel).
    /// - Throws: ``LargeKernelError`` when `x` does not fit.
    public func spatial(_ x: Tensor<Scalar>, path: ConvolutionPath = .auto,
                        options: ExecutionOptions = .default) throws(LargeKernelError) -> Tensor<Scalar> {
        let dec = decomposition
        let a = try conv0.forward(x, padding: Size2D(dec.localPadding), paddingMode: .zeros, path: path, options: options)
        let (before, after) = dec.spatialPadding
        let s = try convSpatial.forward(a, padding: Size2D(after), paddingMode: .zeros, path: path, options: options)
        TensorStoragePool.recycle(a)
        if before == after { return s }
        // Padding `after` on both sides reads one sample further up/left than the `same` rule: drop the
        // first row and column (zero padding, so the remaining window is exactly the asymmetric result).
        return s.croppedNCHW(top: after - before, left: after - before, height: x.shape[2], width: x.shape[3])
    }

    /// `attn = conv1(conv_spatial(conv0(x)))`.
    /// - Throws: ``LargeKernelError`` when `x` does not fit.
    public func attention(_ x: Tensor<Scalar>, path: ConvolutionPath = .auto,
                          options: ExecutionOptions = .default) throws(LargeKernelError) -> Tensor<Scalar> {
        let s = try spatial(x, path: path, options: options)
        return conv1(s, threads: options.threads)
    }

    /// The LKA output `x ⊙ conv1(conv_spatial(conv0(x)))`.
    /// - Throws: ``LargeKernelError`` when `x` does not fit.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ x: Tensor<Scalar>, path: ConvolutionPath = .auto,
                        options: ExecutionOptions = .default) throws(LargeKernelError) -> Tensor<Scalar> {
        let attn = try attention(x, path: path, options: options)
        guard attn.shape == x.shape else {
            throw .shapeMismatch("LKA gating: cannot multiply tensors of shapes \(x.shape) and \(attn.shape)")
        }
        return x * attn
    }

    /// The composed spatial kernel `conv_spatial ∘ conv0` (extent ``LKADecomposition/composedExtent``, bias
    /// `b_spatial + b_0·Σ w_spatial`), to be run with padding ``LKADecomposition/composedPaddingBefore`` before.
    /// Equal to ``spatial(_:path:options:)`` only in the interior of a zero-padded map (see
    /// ``DepthwiseKernel/composed(with:)``).
    public func composedSpatialKernel() -> DepthwiseKernel<Scalar> {
        try! conv0.composed(with: convSpatial)  // same channel count by construction
    }
}
