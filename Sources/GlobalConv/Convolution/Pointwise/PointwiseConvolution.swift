/// A 1×1 convolution `nn.Conv2d(Cin, Cout, 1)`, equally a per-pixel `nn.Linear(Cin, Cout)`.
///
/// `y[n,o,p] = b[o] + Σ_i W[o,i]·x[n,i,p]` for every pixel `p` of the `H·W` map. In NCHW the image
/// `x[n]` *is* the row-major `[Cin, H·W]` matrix, so `Y[n] = W·X[n] + b·1ᵀ`.
///
/// - `Float`: ``PointwiseKernel`` (C, AVX-512 / AVX2 / portable), weights packed once at construction,
///   pixels split over `threads` workers; each sum accumulates `i` ascending from zero, then adds `b[o]`.
/// - `Double`: `cblas_dgemm` per image through OpenBLAS (single-threaded, in fixed blocks of pixels on up
///   to `threads` participants of the engine's pool), then the bias.
///
/// Either is bounded by `γ(Cin + 1)·(|b| + Σ|W||x|)`. The package-level forms (``PointwiseEpilogue``,
/// ``PointwiseInput``, two-layer chains) fuse the blocks' element-wise work into the same passes.
/// A value type with immutable weights; safe to call from many tasks.
public struct PointwiseConvolution<Scalar: TensorScalar>: Sendable {
    /// `[Cout, Cin]` (a conv's `[Cout, Cin, 1, 1]` flattened to this). Float keeps the weights only in
    /// the kernel's packed layout (a model then holds its 1×1 weights once, not twice: 300 MB of
    /// RepLKNet-31B's 320), so for Float this unpacks them on each access.
    public var weight: Tensor<Scalar> {
        unpackedWeight ?? Tensor(shape: [outputChannels, inputChannels],
                                 scalars: Scalar._pointwiseUnpack(packed, rows: outputChannels, columns: inputChannels))
    }
    /// `[Cout]` or `nil`.
    public let bias: Tensor<Scalar>?
    /// Float: the weights in ``PointwiseKernel``'s panel layout; Double: empty.
    let packed: [Scalar]
    /// Double: `[Cout, Cin]` (its GEMM reads them as they are); Float: nil (``packed`` holds them).
    private let unpackedWeight: Tensor<Scalar>?

    public let inputChannels: Int
    public let outputChannels: Int

    /// - Parameters:
    ///   - weight: `[Cout, Cin]` (Linear) or `[Cout, Cin, 1, 1]` (1×1 conv).
    ///   - bias: `[Cout]` or `nil`.
    /// - Precondition: shapes as above.
    public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>?) {
        let ok2 = weight.rank == 2
        let ok4 = weight.rank == 4 && weight.shape[2] == 1 && weight.shape[3] == 1
        precondition(ok2 || ok4, "PointwiseConvolution: weight must be [Cout, Cin] or [Cout, Cin, 1, 1], got \(weight.shape)")
        precondition(weight.shape[0] >= 1 && weight.shape[1] >= 1, "PointwiseConvolution: Cout and Cin must be ≥ 1, got \(weight.shape)")
        let w = weight.reshaped([weight.shape[0], weight.shape[1]])
        if let bias { precondition(bias.shape == [w.shape[0]], "PointwiseConvolution: bias must be [\(w.shape[0])], got \(bias.shape)") }
        (outputChannels, inputChannels) = (w.shape[0], w.shape[1])
        self.bias = bias
        packed = Scalar._pointwisePack(w.scalars, rows: w.shape[0], columns: w.shape[1])
        unpackedWeight = packed.isEmpty ? w : nil
    }

    /// `x` `[N, Cin, H, W]` → `[N, Cout, H, W]` on `threads` threads.
    /// - Precondition: `x` is NCHW with `Cin` channels.
    public func callAsFunction(_ x: Tensor<Scalar>, threads: Int = 1) -> Tensor<Scalar> {
        self(x, input: .identity, epilogue: PointwiseEpilogue(), threads: threads)
    }
}
