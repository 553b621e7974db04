/// LayerNorm over the channels of each pixel of an NCHW tensor (PyTorch's `nn.LayerNorm(C)` on the
/// channels-last view): `μ = (1/C)·Σ_c x[c]`, `σ² = (1/C)·Σ_c (x[c] − μ)²` (biased),
/// `y[c] = (x[c] − μ)·(1/√(σ² + eps))·γ[c] + β[c]`.
///
/// Two passes per pixel (mean, then centred variance), sums in ascending `c` in `Scalar`, `1/C` applied
/// as a product. Package API: Backbones' `LayerNormChannelsLast` and the fused 1×1 convolutions
/// (``PointwiseInput/layerNorm(_:)``) share it. Immutable; thread-safe.
package struct ChannelLayerNorm<Scalar: TensorScalar>: Sendable, Equatable {
    package let weight: [Scalar]
    package let bias: [Scalar]
    package let eps: Scalar

    package var channels: Int { weight.count }

    /// - Precondition: `weight` and `bias` have the same count `C ≥ 1`; `eps ≥ 0`.
    package init(weight: [Scalar], bias: [Scalar], eps: Scalar) {
        precondition(!weight.isEmpty && weight.count == bias.count,
                     "ChannelLayerNorm: weight and bias must both be [C] with C ≥ 1, got \(weight.count), \(bias.count)")
        precondition(eps >= 0, "ChannelLayerNorm: eps must be ≥ 0, got \(eps)")
        self.weight = weight
        self.bias = bias
        self.eps = eps
    }

    /// Normalises each pixel of `x` (`[N, C, H, W]`). - Precondition: `x` has this layer's `C`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package func callAsFunction(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(x.rank == 4 && x.shape[1] == channels,
                     "ChannelLayerNorm: input must be [N, \(channels), H, W], got \(x.shape)")
        let (n, c, plane) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        let invC = 1 / Scalar(c)
        var mean = [Scalar](repeating: 0, count: plane)
        var inv = [Scalar](repeating: 0, count: plane)
        var scalars: [Scalar] = TensorStoragePool.take(x.count)
        scalars.withUnsafeMutableBufferPointer { ys in
            x.withUnsafeBufferPointer { xs in
                for img in 0..<n {
                    let base = img * c * plane
                    for p in 0..<plane { mean[p] = 0; inv[p] = 0 }
                    for ch in 0..<c {
                        let row = base + ch * plane
                        for p in 0..<plane { mean[p] += xs[row + p] }
                    }
                    for p in 0..<plane { mean[p] *= invC }
                    for ch in 0..<c {
                        let row = base + ch * plane
                        for p in 0..<plane { let d = xs[row + p] - mean[p]; inv[p] += d * d }
                    }
                    for p in 0..<plane { inv[p] = 1 / (inv[p] * invC + eps).squareRoot() }
                    for ch in 0..<c {
                        let row = base + ch * plane
                        let (g, b) = (weight[ch], bias[ch])
                        for p in 0..<plane { ys[row + p] = (xs[row + p] - mean[p]) * inv[p] * g + b }
                    }
                }
            }
        }
        return Tensor(shape: x.shape, scalars: scalars)
    }
}
