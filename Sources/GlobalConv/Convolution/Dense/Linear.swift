/// A fully connected layer on a batch of vectors, PyTorch's `nn.Linear(in, out)` applied to `[N, in]`:
/// `y[n,o] = b[o] + Σ_i W[o,i]·x[n,i]` (the classification heads).
///
/// `Y = X·Wᵀ` for the whole batch through OpenBLAS (`cblas_sgemm` / `cblas_dgemm`, or `cblas_?gemv` for one
/// image, single-threaded, in fixed blocks of output features on up to `threads` participants of the
/// engine's pool: ``GEMM``), then `+ b`: each output one dot product of `in` terms,
/// `|ŷ − y| ≤ γ(in + 1)·(|b| + Σ|W||x|)`. An input `[N, in, 1, 1]` (a pooled NCHW map) is accepted as
/// `[N, in]`. Immutable; safe to call from many tasks.
public struct Linear<Scalar: TensorScalar>: Sendable {
    /// `[out, in]`.
    public let weight: Tensor<Scalar>
    /// `[out]` or `nil`.
    public let bias: Tensor<Scalar>?

    public var inputFeatures: Int { weight.shape[1] }
    public var outputFeatures: Int { weight.shape[0] }

    /// - Throws: ``ConvolutionError/shapeMismatch(_:)`` unless `weight` is `[out, in]` (both ≥ 1) and
    ///   `bias` is `[out]` or `nil`.
    public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>?) throws(ConvolutionError) {
        guard weight.rank == 2, weight.shape[0] >= 1, weight.shape[1] >= 1 else {
            throw .shapeMismatch("Linear: weight must be [out, in] with out, in ≥ 1, got \(weight.shape)")
        }
        if let bias, bias.shape != [weight.shape[0]] {
            throw .shapeMismatch("Linear: bias must be [\(weight.shape[0])], got \(bias.shape)")
        }
        self.weight = weight
        self.bias = bias
    }

    /// `x` `[N, in]` (or `[N, in, 1, 1]`) → `[N, out]`.
    /// - Throws: ``ConvolutionError/shapeMismatch(_:)`` for any other input shape.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ x: Tensor<Scalar>, threads: Int = 1) throws(ConvolutionError) -> Tensor<Scalar> {
        let vector = x.rank == 2 || (x.rank == 4 && x.shape[2] == 1 && x.shape[3] == 1)
        guard vector, x.shape[1] == inputFeatures else {
            throw .shapeMismatch("Linear: input must be [N, \(inputFeatures)] or [N, \(inputFeatures), 1, 1], got \(x.shape)")
        }
        let (n, k, m) = (x.shape[0], inputFeatures, outputFeatures)
        var y = [Scalar](repeating: 0, count: n * m)
        guard n > 0 else { return Tensor(shape: [n, m], scalars: y) }
        x.withUnsafeBufferPointer { xs in
            weight.withUnsafeBufferPointer { ws in
                y.withUnsafeMutableBufferPointer { ys in
                    GEMM.multiplyInBlocks(m: n, n: m, k: k, a: xs.baseAddress!, lda: k, b: ws.baseAddress!, ldb: k,
                                          transposeB: true, c: ys.baseAddress!, ldc: m, threads: max(1, threads))
                    if let b = bias?.scalars {
                        for r in 0..<n { for o in 0..<m { ys[r * m + o] += b[o] } }
                    }
                }
            }
        }
        return Tensor(shape: [n, m], scalars: y)
    }
}
