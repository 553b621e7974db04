import GlobalConv

/// A depthwise kernel with its bias and dilation: the weights of one `nn.Conv2d(C, C, (kh, kw),
/// dilation=(dh, dw), groups=C)`, the unit of the kernel algebra in this module.
///
/// - `weight` is `[C, 1, kh, kw]`, tap `(u, v)` of channel `c` at `weight[c, 0, u, v]`; `bias` is `[C]`
///   (zeros for a conv without bias).
/// - The kernel acts by **cross-correlation** (PyTorch's convention, no flip):
///   `y[n,c,i,j] = b[c] + Σ_u Σ_v w[c,0,u,v] · x̃[n,c, i + dh·u − ph, j + dw·v − pw]`.
/// - The **extent** is `e = dilation·(k − 1) + 1` per axis: the span of input one output reads.
/// - The **centre convention** of RepLKNet, SLaK and UniRepLKNet: the conv is padded by
///   ``centrePadding`` `= e/2` (integer division) per axis, so the dense tap `e/2` reads the output's own
///   position. An odd extent keeps the map size; an even extent gives one more row/column, as PyTorch's
///   `padding = k//2` does. Parallel merges align branches on this centre.
///
/// A value type, `Sendable`; every operation returns a new kernel. The engine convolutions that run it
/// (with their FFT kernel-spectrum caches) are built on first use per padding and kept by the value and
/// its copies, so repeated forwards reuse cached spectra; equality compares weights, bias and dilation only.
public struct DepthwiseKernel<Scalar: TensorScalar>: Sendable, Equatable {
    /// `[C, 1, kh, kw]`.
    public let weight: Tensor<Scalar>
    /// `[C]`.
    public let bias: Tensor<Scalar>
    /// Dilation `dh × dw`, each ≥ 1.
    public let dilation: Size2D
    /// The engine convolutions built so far, per padding.
    private let engines = EngineCache()

    /// Engine convolutions of one kernel keyed by padding and mode (each with its kernel spectra);
    /// bounded, synchronised, shared by copies.
    private final class EngineCache: Sendable {
        struct Key: Hashable, Sendable { var padding: Size2D; var mode: PaddingMode }
        let storage = BoundedCache<Key, DepthwiseConvolution2D<Scalar>>(capacity: 16)
    }

    public static func == (a: DepthwiseKernel, b: DepthwiseKernel) -> Bool {
        a.weight == b.weight && a.bias == b.bias && a.dilation == b.dilation
    }

    /// - Parameters:
    ///   - weight: `[C, 1, kh, kw]` with `C, kh, kw ≥ 1`.
    ///   - bias: `[C]`, or `nil` for zeros (a conv with `bias=False`).
    ///   - dilation: each ≥ 1.
    /// - Throws: ``LargeKernelError/shapeMismatch(_:)`` or ``LargeKernelError/invalidArgument(_:)``.
    public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>? = nil, dilation: Size2D = Size2D(1)) throws(LargeKernelError) {
        guard weight.rank == 4, weight.shape[1] == 1, weight.shape[0] >= 1, weight.shape[2] >= 1, weight.shape[3] >= 1 else {
            throw .shapeMismatch("a depthwise kernel must be [C, 1, kh, kw] with C, kh, kw ≥ 1, got \(weight.shape)")
        }
        guard dilation.height >= 1, dilation.width >= 1 else {
            throw .invalidArgument("dilation must be ≥ 1 along each axis, got \(dilation)")
        }
        let c = weight.shape[0]
        if let bias, bias.shape != [c] {
            throw .shapeMismatch("bias must be [\(c)] for a \(weight.shape) kernel, got \(bias.shape)")
        }
        // The extent must fit comfortably in Int (checked the same way the engine's geometry does).
        _ = try wrapping { () throws(ConvolutionError) in
            try ConvolutionGeometry2D(kernel: Size2D(height: weight.shape[2], width: weight.shape[3]), dilation: dilation)
        }
        self.weight = weight
        self.bias = bias ?? Tensor(zeros: [c])
        self.dilation = dilation
    }

    /// Internal memberwise initialiser for shapes already known to be valid.
    init(validWeight: Tensor<Scalar>, bias: Tensor<Scalar>, dilation: Size2D) {
        weight = validWeight
        self.bias = bias
        self.dilation = dilation
    }

    /// Number of channels `C`.
    public var channels: Int { weight.shape[0] }

    /// Number of taps `kh × kw`.
    public var size: Size2D { Size2D(height: weight.shape[2], width: weight.shape[3]) }

    /// `dilation·(size − 1) + 1` per axis: the size of the equivalent dense kernel.
    public var extent: Size2D {
        Size2D(height: dilation.height * (size.height - 1) + 1, width: dilation.width * (size.width - 1) + 1)
    }

    /// `extent/2` per axis (integer division): the padding of the centre convention, PyTorch's
    /// `padding = k//2` for a dense kernel and UniRepLKNet's `⌊(r·(k−1)+1)/2⌋` for a dilated one.
    public var centrePadding: Size2D { Size2D(height: extent.height / 2, width: extent.width / 2) }

    /// Whether every tap is adjacent (dilation 1 along both axes).
    public var isDense: Bool { dilation == Size2D(1) }

    /// The engine convolution running this kernel, `padding` defaulting to ``centrePadding``.
    /// - Throws: ``LargeKernelError/convolution(_:)`` for a negative padding.
    public func convolution(padding: Size2D? = nil, paddingMode: PaddingMode = .zeros) throws(LargeKernelError)
        -> DepthwiseConvolution2D<Scalar> {
        let key = EngineCache.Key(padding: padding ?? centrePadding, mode: paddingMode)
        return try engines.storage.value(for: key) { () throws(LargeKernelError) in
            try wrapping { () throws(ConvolutionError) in
                try DepthwiseConvolution2D(weight: weight, bias: bias, dilation: dilation,
                                           padding: key.padding, paddingMode: paddingMode)
            }
        }
    }

    /// Runs the kernel on `x` (`[N, C, H, W]`) with zero padding ``centrePadding`` along `path`.
    /// - Throws: ``LargeKernelError/convolution(_:)`` when `x` does not fit.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ x: Tensor<Scalar>, path: ConvolutionPath = .auto,
                        options: ExecutionOptions = .default) throws(LargeKernelError) -> Tensor<Scalar> {
        let conv = try convolution()
        return try wrapping { () throws(ConvolutionError) in try conv(x, path: path, options: options) }
    }

    /// Runs the kernel with an explicit padding and padding mode.
    /// - Throws: ``LargeKernelError/convolution(_:)`` when `x` does not fit.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ x: Tensor<Scalar>, padding: Size2D, paddingMode: PaddingMode, path: ConvolutionPath = .auto,
                        options: ExecutionOptions = .default) throws(LargeKernelError) -> Tensor<Scalar> {
        let conv = try convolution(padding: padding, paddingMode: paddingMode)
        return try wrapping { () throws(ConvolutionError) in try conv(x, path: path, options: options) }
    }
}
