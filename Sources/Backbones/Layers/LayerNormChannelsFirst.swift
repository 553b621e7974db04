import GlobalConv

/// The "channels_first" LayerNorm of ConvNeXt-derived code (ConvNeXt's and SLaK's stems and
/// downsamplers, UniRepLKNet's), on an NCHW tensor, per pixel over `C`, in the official order:
/// ```
/// u = (1/C)·Σ_c x[c],   s = (1/C)·Σ_c (x[c] − u)²,   y[c] = (x[c] − u) / sqrt(s + eps),   out[c] = γ[c]·y[c] + β[c]
/// ```
/// The same function as ``LayerNormChannelsLast`` (biased variance, eps inside the root); only the
/// rounding differs (a division by the root instead of a product with its reciprocal, and the affine
/// step as `γ·y + β`). Sums in ascending `c` in `Scalar`. Pixels are split over `threads` workers in
/// blocks of 256, each block read channel by channel (contiguous, vectorised; the same per-pixel order).
/// Keys `weight`, `bias` (`[C]`). Immutable; thread-safe.
public struct LayerNormChannelsFirst<Scalar: TensorScalar>: Sendable, PixelLayerNorm {
    public let weight: Tensor<Scalar>
    public let bias: Tensor<Scalar>
    public let eps: Scalar

    public var channels: Int { weight.count }

    /// - Precondition: `weight` and `bias` are `[C]` with `C ≥ 1`; `eps ≥ 0`.
    public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>, eps: Scalar = 1e-6) {
        Self.checkParameters(weight: weight, bias: bias, eps: eps, layer: "LayerNormChannelsFirst")
        (self.weight, self.bias, self.eps) = (weight, bias, eps)
    }

    /// Normalises each pixel of `x` (`[N, C, H, W]`) over `C`. - Precondition: `x` has this layer's `C`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ x: Tensor<Scalar>, threads: Int = 1) -> Tensor<Scalar> {
        precondition(x.rank == 4 && x.shape[1] == channels,
                     "LayerNormChannelsFirst: input must be [N, \(channels), H, W], got \(x.shape)")
        let (n, c, plane) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        let count = Scalar(c)
        var y = [Scalar](repeating: 0, count: x.count)
        let (g, b) = (weight.scalars, bias.scalars)
        let block = 256  // pixels per piece of work, processed channel by channel (contiguous loads)
        let blocksPerImage = (plane + block - 1) / block
        y.withUnsafeMutableBufferPointer { ys in
            x.withUnsafeBufferPointer { xs in
                let (yp, xp) = (ys.baseAddress!, xs.baseAddress!)
                parallelFor(n * blocksPerImage, threads: max(1, threads)) { piece in
                    let p0 = (piece % blocksPerImage) * block, m = min(block, plane - p0)
                    let base = (piece / blocksPerImage) * c * plane + p0
                    withUnsafeTemporaryAllocation(of: Scalar.self, capacity: 2 * block) { scratch in
                        // Per pixel, in this order: u = (Σ_ch x)/C, σ² = (Σ_ch (x − u)²)/C, y = g·((x − u)/√(σ² + eps)) + b.
                        let (u, root) = (scratch.baseAddress!, scratch.baseAddress! + block)
                        for p in 0..<m { u[p] = 0; root[p] = 0 }
                        for ch in 0..<c { let row = xp + base + ch * plane; for p in 0..<m { u[p] += row[p] } }
                        for p in 0..<m { u[p] = u[p] / count }
                        for ch in 0..<c {
                            let row = xp + base + ch * plane
                            for p in 0..<m { let d = row[p] - u[p]; root[p] += d * d }
                        }
                        for p in 0..<m { root[p] = (root[p] / count + eps).squareRoot() }
                        for ch in 0..<c {
                            let (row, out, gc, bc) = (xp + base + ch * plane, yp + base + ch * plane, g[ch], b[ch])
                            for p in 0..<m { out[p] = gc * ((row[p] - u[p]) / root[p]) + bc }
                        }
                    }
                }
            }
        }
        return Tensor(shape: x.shape, scalars: y)
    }
}
