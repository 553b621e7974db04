

/// A 1×1 convolution `nn.Conv2d(Cin, Cout, 1)`, equally a per-pixel `nn.Linear(Cin, Cout)`, as one
/// GEMM per image through OpenBLAS.
///
/// `y[n,o,p] = b[o] + Σ_i W[o,i]·x[n,i,p]` for every pixel `p` of the `H·W` map. In NCHW the image
/// `x[n]` *is* the row-major `[Cin, H·W]` matrix, so `Y[n] = W·X[n] + b·1ᵀ` is a plain
/// `cblas_?gemm` with no transpose: `C` is pre-filled with the bias and `beta = 1`.
/// Summation order inside the dot products is OpenBLAS's (blocked), bounded by `γ(Cin)·Σ|W||x|`.
///
/// A value type with immutable weights; safe to call from many tasks (see ``BLASThreads`` for the
/// process-global OpenBLAS thread count).
public struct PointwiseConvolution<Scalar: TensorScalar>: Sendable {
    /// `[Cout, Cin]` (a conv's `[Cout, Cin, 1, 1]` is stored flattened to this).
    public let weight: Tensor<Scalar>
    /// `[Cout]` or `nil`.
    public let bias: Tensor<Scalar>?

    public var inputChannels: Int { weight.shape[1] }
    public var outputChannels: Int { weight.shape[0] }

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
        self.weight = w
        self.bias = bias
    }

    /// `x` `[N, Cin, H, W]` → `[N, Cout, H, W]`; OpenBLAS uses `threads` threads.
    /// - Precondition: `x` is NCHW with `Cin` channels.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ x: Tensor<Scalar>, threads: Int = 1) -> Tensor<Scalar> {
        precondition(x.rank == 4 && x.shape[1] == inputChannels,
                     "PointwiseConvolution: input must be [N, \(inputChannels), H, W], got \(x.shape)")
        let (n, h, w) = (x.shape[0], x.shape[2], x.shape[3])
        let (cin, cout, pixels) = (inputChannels, outputChannels, h * w)
        var y = Tensor<Scalar>(zeros: [n, cout, h, w])
        guard pixels > 0, n > 0 else { return y }
        BLASThreads.use(threads)
        y.withUnsafeMutableBufferPointer { out in
            if let bias {
                for img in 0..<n {
                    for o in 0..<cout {
                        let base = (img * cout + o) * pixels
                        let value = bias.scalars[o]
                        for p in 0..<pixels { out[base + p] = value }
                    }
                }
            }
            x.withUnsafeBufferPointer { input in
                weight.withUnsafeBufferPointer { wt in
                    for img in 0..<n {
                        GEMM.multiply(m: cout, n: pixels, k: cin,
                                      a: wt.baseAddress!, lda: cin,
                                      b: input.baseAddress! + img * cin * pixels, ldb: pixels,
                                      c: out.baseAddress! + img * cout * pixels, ldc: pixels,
                                      alpha: 1, beta: bias == nil ? 0 : 1)
                    }
                }
            }
        }
        return y
    }
}
