import GlobalConv

/// A depthwise `nn.Conv2d(C, C, k, stride=s, padding=p, groups=C, bias)` (odd `k`) computed on the engine.
///
/// On the direct and auto paths (a 3×3 kernel is always direct under auto): the strided outputs only
/// (``DepthwiseConvolution2D/strided(_:stride:threads:)``, in the direct path's order and rounding). On the
/// FFT path, and where that kernel does not apply (non-finite weights): the stride-1 convolution with the
/// same padding, then every `s`-th row and column, starting at 0 — exact, since output `(i, j)` of the
/// strided conv is the same dot product as output `(s·i, s·j)` of the stride-1 one (`x̃[s·i + u − p,
/// s·j + v − p]`) and `⌊(H + 2p − k)/s⌋ + 1` is the number of rows `0, s, 2s, … ≤ H + 2p − k`, at `s²`
/// times the strided work (RepLKNet-31B's stem and transitions: 3.0 M outputs instead of 0.75 M).
/// Immutable; thread-safe.
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
        if stride > 1, path != .fft {
            do {
                if let y = try conv.conv.strided(x, stride: stride, threads: options.threads) { return y }
            } catch { throw .convolution(error) }
        }
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
