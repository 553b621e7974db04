import GlobalConv

/// A depthwise `nn.Conv2d(C, C, k, stride=s, padding=p, groups=C, bias)` (odd `k`) computed on the engine:
/// the stride-1 convolution with the same padding on the requested path, then every `s`-th row and
/// column, starting at 0.
///
/// Exact: output `(i, j)` of the strided conv is the same dot product as output `(s·i, s·j)` of the
/// stride-1 one (`x̃[s·i + u − p, s·j + v − p]`), and `⌊(H + 2p − k)/s⌋ + 1` is the number of rows
/// `0, s, 2s, … ≤ H + 2p − k`. The direct path therefore rounds exactly as the definition; the FFT path
/// within its bound (Docs/numerics.md §1). It costs `s²` times the strided work — small next to the
/// blocks for the 3×3/s2 stems and transitions that use it (RepLKNet). Immutable; thread-safe.
struct StridedDepthwiseLayer<Scalar: TensorScalar>: Sendable {
    let conv: DepthwiseLayer<Scalar>
    let stride: Int

    /// Weight `[C, 1, k, k]` (and `bias` `[C]`) under `scope`; padding `k/2`.
    init(_ scope: StateDictScope<Scalar>, channels: Int, kernel k: Int, stride: Int, bias: Bool) throws(BackboneError) {
        conv = try DepthwiseLayer(scope, channels: channels, same: k, bias: bias)
        self.stride = stride
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func callAsFunction(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> Tensor<Scalar> {
        let full = try conv(x, path: path, options: options)
        guard stride > 1 else { return full }
        let (n, c, h, w) = (full.shape[0], full.shape[1], full.shape[2], full.shape[3])
        let (ho, wo) = ((h - 1) / stride + 1, (w - 1) / stride + 1)
        var y = [Scalar](repeating: 0, count: n * c * ho * wo)
        full.withUnsafeBufferPointer { src in
            y.withUnsafeMutableBufferPointer { dst in
                let (sp, dp) = (src.baseAddress!, dst.baseAddress!)
                parallelChunks(n * c, threads: options.threads) { planes in
                    for p in planes {
                        for i in 0..<ho { for j in 0..<wo { dp[(p * ho + i) * wo + j] = sp[(p * h + i * stride) * w + j * stride] } }
                    }
                }
            }
        }
        TensorStoragePool.recycle(full)
        return Tensor(shape: [n, c, ho, wo], scalars: y)
    }
}
