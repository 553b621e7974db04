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

    /// Normalises each pixel of `x` (`[N, C, H, W]`), pixel ranges split over up to `threads` participants
    /// (each pixel's sums run over the channels in order, so the split changes no bit).
    /// - Precondition: `x` has this layer's `C`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package func callAsFunction(_ x: Tensor<Scalar>, threads: Int = 1) -> Tensor<Scalar> {
        precondition(x.rank == 4 && x.shape[1] == channels,
                     "ChannelLayerNorm: input must be [N, \(channels), H, W], got \(x.shape)")
        let (n, c, plane) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        let invC = 1 / Scalar(c)
        let (weight, bias, eps) = (self.weight, self.bias, self.eps)
        var scalars: [Scalar] = TensorStoragePool.take(x.count)
        // Pixels per piece of work: at most 256 (mean and 1/σ of a block stay in L1), and small enough that
        // a small map (14×14, 7×7) still gives each participant two pieces — run by one thread, a map
        // the other core has just written is read line by line from that core's cache (GFNet-H's
        // stage-2 norm1 on Zen 4: 28 µs alone, 118 µs on one of two threads).
        let block = min(256, max(16, ((plane + 2 * threads - 1) / (2 * threads) + 15) / 16 * 16))
        let blocksPerImage = (plane + block - 1) / block
        scalars.withUnsafeMutableBufferPointer { ys in
            x.withUnsafeBufferPointer { xs in
                let (xs, ys) = (xs.baseAddress!, ys.baseAddress!)
                parallelFor(n * blocksPerImage, threads: threads) { piece in
                    let img = piece / blocksPerImage
                    let p0 = (piece % blocksPerImage) * block, count = min(block, plane - p0)
                    let base = img * c * plane + p0
                    withUnsafeTemporaryAllocation(of: Scalar.self, capacity: 2 * block) { scratch in
                        let mean = scratch.baseAddress!, inv = mean + block
                        for p in 0..<count { mean[p] = 0; inv[p] = 0 }
                        for ch in 0..<c {
                            let row = xs + base + ch * plane
                            for p in 0..<count { mean[p] += row[p] }
                        }
                        for p in 0..<count { mean[p] *= invC }
                        for ch in 0..<c {
                            let row = xs + base + ch * plane
                            for p in 0..<count { let d = row[p] - mean[p]; inv[p] += d * d }
                        }
                        for p in 0..<count { inv[p] = 1 / (inv[p] * invC + eps).squareRoot() }
                        for ch in 0..<c {
                            let (row, out) = (xs + base + ch * plane, ys + base + ch * plane)
                            let (g, b) = (weight[ch], bias[ch])
                            for p in 0..<count { out[p] = (row[p] - mean[p]) * inv[p] * g + b }
                        }
                    }
                }
            }
        }
        return Tensor(shape: x.shape, scalars: scalars)
    }
}
