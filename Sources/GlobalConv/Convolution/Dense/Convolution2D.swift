/// A dense (grouped) 2-D convolution, PyTorch's `nn.Conv2d(Cin, Cout, (kh, kw), stride, padding,
/// groups=g, bias)` with zero padding and dilation 1: the stems and downsampling layers of the
/// backbones (4×4/s4, 7×7/s4 p3, 3×3/s2 p1, 2×2/s2, and strided depthwise with `g = Cin = Cout`).
///
/// Definition (cross-correlation), with `Cg = Cin/g` input and `Og = Cout/g` output channels per group:
/// ```
/// y[n,o,i,j] = b[o] + Σ_{c<Cg} Σ_{u<kh} Σ_{v<kw} w[o,c,u,v] · x̃[n, (o/Og)·Cg + c, s_h·i + u − p_h, s_w·j + v − p_w]
/// H' = ⌊(H + 2·p_h − kh)/s_h⌋ + 1,   W' likewise (must be ≥ 1)
/// ```
/// `x̃` is `x` inside the map and 0 outside. Rows/columns beyond the last full window are dropped, as
/// PyTorch does (a patchify conv `k = s`, `p = 0` gives `⌊H/s⌋`).
///
/// Computed on the im2col matrix `col[(c·kh + u)·kw + v, i·W' + j] = x̃[…]` (`Cg·kh·kw × H'·W'` per image
/// and group):
/// - `groups == 1` (every stem and downsampling conv): the 1×1 convolution ``PointwiseConvolution`` with
///   the weight viewed as `[Cout, Cin·kh·kw]` and the bias in its epilogue, reading `col` through the
///   input's polyphase planes (``ConvolutionWindows``) without storing it — Float: the packed kernel
///   copies each window's runs while it packs a strip, on GlobalConv's own thread pool, tiles split over
///   pixels and output channels (ConvNeXt-T's stem and downsamplers through OpenBLAS's sgemm and its own
///   pool cost the model 3.9 ms more, and a stored im2col 0.4 ms of VAN-b0's 11: Docs/performance.md);
///   Double: `col` built from the planes, then OpenBLAS.
/// - grouped: `col` copied per image and group from the same planes (``ConvolutionWindows/copyRows(_:ofImage:into:threads:)``), then
///   `Y_g = W_g · col` (`W_g` the row-major `[Og, Cg·kh·kw]` slice of the weight, no copy) through OpenBLAS
///   (`cblas_sgemm` / `cblas_dgemm`, single-threaded, in blocks of pixels on the engine's pool), then `+ b`.
/// Each output is one dot product of `T = Cg·kh·kw` terms plus the bias: `|ŷ − y| ≤ γ(T+1)·(|b| + Σ|w||x̃|)`
/// (Docs/numerics.md).
///
/// An immutable value; safe to call from many tasks.
public struct Convolution2D<Scalar: TensorScalar>: Sendable {
    /// `[Cout, Cin/groups, kh, kw]`.
    public let weight: Tensor<Scalar>
    /// `[Cout]` or `nil`.
    public let bias: Tensor<Scalar>?
    public let stride: Size2D
    public let padding: Size2D
    public let groups: Int

    /// `groups == 1`: the weight as a `[Cout, Cin·kh·kw]` 1×1 convolution over the im2col channels.
    let columnConvolution: PointwiseConvolution<Scalar>?

    public var outputChannels: Int { weight.shape[0] }
    public var inputChannels: Int { weight.shape[1] * groups }
    public var kernel: Size2D { Size2D(height: weight.shape[2], width: weight.shape[3]) }

    /// - Throws: ``ConvolutionError/shapeMismatch(_:)`` when `weight` is not `[Cout, Cin/g, kh, kw]` with
    ///   `g` dividing `Cout`, or `bias` is not `[Cout]`; ``ConvolutionError/invalidArgument(_:)`` for a
    ///   stride < 1, padding < 0 or groups < 1.
    public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>?, stride: Size2D = Size2D(1), padding: Size2D = Size2D(0),
                groups: Int = 1) throws(ConvolutionError) {
        guard weight.rank == 4, weight.shape.allSatisfy({ $0 >= 1 }) else {
            throw .shapeMismatch("Convolution2D: weight must be [Cout, Cin/groups, kh, kw] with every extent ≥ 1, got \(weight.shape)")
        }
        guard groups >= 1, weight.shape[0] % groups == 0 else {
            throw .invalidArgument("Convolution2D: groups must be ≥ 1 and divide Cout = \(weight.shape[0]), got \(groups)")
        }
        guard stride.height >= 1, stride.width >= 1 else { throw .invalidArgument("Convolution2D: stride must be ≥ 1, got \(stride)") }
        guard padding.height >= 0, padding.width >= 0 else { throw .invalidArgument("Convolution2D: padding must be ≥ 0, got \(padding)") }
        if let bias, bias.shape != [weight.shape[0]] {
            throw .shapeMismatch("Convolution2D: bias must be [\(weight.shape[0])], got \(bias.shape)")
        }
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
        self.groups = groups
        columnConvolution = groups == 1
            ? PointwiseConvolution(weight: weight.reshaped([weight.shape[0], weight.shape[1] * weight.shape[2] * weight.shape[3]]),
                                   bias: bias)
            : nil
    }

    /// The output map size for an `h × w` input (PyTorch's `⌊(n + 2p − k)/s⌋ + 1`); may be ≤ 0.
    public func outputSize(height h: Int, width w: Int) -> Size2D {
        let k = kernel
        return Size2D(height: (h + 2 * padding.height - k.height).floorDiv(stride.height) + 1,
                      width: (w + 2 * padding.width - k.width).floorDiv(stride.width) + 1)
    }

    /// `x` `[N, Cin, H, W]` → `[N, Cout, H', W']` on `threads` threads. An empty batch gives an empty output.
    /// - Throws: ``ConvolutionError/shapeMismatch(_:)`` for an input that is not NCHW with `Cin` channels,
    ///   ``ConvolutionError/invalidArgument(_:)`` when the output would have no rows or columns.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ x: Tensor<Scalar>, threads: Int = 1) throws(ConvolutionError) -> Tensor<Scalar> {
        try self(x, epilogue: nil, threads: threads)
    }

    /// `epilogue(conv(x))`, the epilogue's per-channel steps (BatchNorm affine, activation) run inside the
    /// 1×1 kernel's pass after the bias (package API: RepLKNet's conv-BN-ReLU stems).
    /// - Precondition: `groups == 1` when an epilogue is given; it has per-channel steps only.
    /// - Throws: as ``callAsFunction(_:threads:)``.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package func callAsFunction(_ x: Tensor<Scalar>, epilogue: PointwiseEpilogue<Scalar>?,
                                threads: Int) throws(ConvolutionError) -> Tensor<Scalar> {
        precondition(epilogue == nil || (groups == 1 && epilogue!.isPerChannel),
                     "Convolution2D: an epilogue needs groups 1 and per-channel steps only")
        guard x.rank == 4, x.shape[1] == inputChannels else {
            throw .shapeMismatch("Convolution2D: input must be [N, \(inputChannels), H, W], got \(x.shape)")
        }
        let (n, h, w) = (x.shape[0], x.shape[2], x.shape[3])
        let out = outputSize(height: h, width: w)
        guard h >= 1, w >= 1, out.height >= 1, out.width >= 1 else {
            throw .invalidArgument("Convolution2D: a \(h)×\(w) map with kernel \(kernel), stride \(stride), padding \(padding) "
                                   + "has no output (\(out.height)×\(out.width))")
        }
        let cout = outputChannels, cg = weight.shape[1], og = cout / groups
        let (kh, kw) = (weight.shape[2], weight.shape[3])
        let (ho, wo) = (out.height, out.width)
        let pixels = ho * wo, rows = cg * kh * kw
        let threads = max(1, threads)
        guard n > 0 else { return Tensor(zeros: [n, cout, ho, wo]) }
        let windows = ConvolutionWindows(x, kernel: kernel, stride: stride, padding: padding, output: out, threads: threads)
        defer { TensorStoragePool.recycle(windows.planes) }
        if let columnConvolution {
            return columnConvolution(windows: windows, epilogue: epilogue ?? PointwiseEpilogue(), threads: threads)
        }
        var y = [Scalar](repeating: 0, count: n * cout * pixels)
        var col: [Scalar] = TensorStoragePool.take(rows * pixels)  // every element written by copyRows
        defer { TensorStoragePool.recycle(Tensor(shape: [rows * pixels], scalars: col)) }
        weight.withUnsafeBufferPointer { ws in
            col.withUnsafeMutableBufferPointer { cb in
                y.withUnsafeMutableBufferPointer { yb in
                    let (wp, cp, yp) = (ws.baseAddress!, cb.baseAddress!, yb.baseAddress!)
                    for img in 0..<n {
                        for g in 0..<groups {
                            windows.copyRows(g * rows..<(g + 1) * rows, ofImage: img, into: cp, threads: threads)
                            GEMM.multiplyInBlocks(m: og, n: pixels, k: rows, a: wp + g * og * rows, lda: rows,
                                                  b: UnsafePointer(cp), ldb: pixels,
                                                  c: yp + (img * cout + g * og) * pixels, ldc: pixels, threads: threads)
                        }
                    }
                    if let bias {
                        bias.withUnsafeBufferPointer { bs in
                            parallelChunks(n * cout, threads: threads) { planes in
                                for p in planes {
                                    let b = bs[p % cout]
                                    let plane = yp + p * pixels
                                    for q in 0..<pixels { plane[q] += b }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [n, cout, ho, wo], scalars: y)
    }
}

extension Int {
    /// `⌊self / d⌋` for `d > 0` (rounds towards −∞, unlike `/`).
    fileprivate func floorDiv(_ d: Int) -> Int {
        let q = self / d
        return (self % d != 0 && (self < 0)) ? q - 1 : q
    }
}
