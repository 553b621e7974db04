import GlobalConv

/// The "channels_first" LayerNorm of ConvNeXt-derived code (ConvNeXt's and SLaK's stems and
/// downsamplers, UniRepLKNet's), on an NCHW tensor, per pixel over `C`, in the official order:
/// ```
/// u = (1/C)·Σ_c x[c],   s = (1/C)·Σ_c (x[c] − u)²,   y[c] = (x[c] − u) / sqrt(s + eps),   out[c] = γ[c]·y[c] + β[c]
/// ```
/// The same function as ``LayerNormChannelsLast`` (biased variance, eps inside the root); only the
/// rounding differs (a division by the root instead of a product with its reciprocal, and the affine
/// step as `γ·y + β`). Sums in ascending `c` in `Scalar`. Pixels are split over `threads` workers with
/// ``parallelChunks``. Keys `weight`, `bias` (`[C]`). Immutable; thread-safe.
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
        y.withUnsafeMutableBufferPointer { ys in
            x.withUnsafeBufferPointer { xs in
                let (yp, xp) = (ys.baseAddress!, xs.baseAddress!)
                parallelChunks(n * plane, threads: max(1, threads), grain: 64) { pixels in
                    for q in pixels {
                        let base = (q / plane) * c * plane + q % plane
                        var sum: Scalar = 0
                        for ch in 0..<c { sum += xp[base + ch * plane] }
                        let u = sum / count
                        var sq: Scalar = 0
                        for ch in 0..<c { let d = xp[base + ch * plane] - u; sq += d * d }
                        let root = (sq / count + eps).squareRoot()
                        for ch in 0..<c { yp[base + ch * plane] = g[ch] * ((xp[base + ch * plane] - u) / root) + b[ch] }
                    }
                }
            }
        }
        return Tensor(shape: x.shape, scalars: y)
    }
}
