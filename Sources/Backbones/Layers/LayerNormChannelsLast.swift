import GlobalConv

/// LayerNorm over the channels of each pixel ("channels last", the ConvNeXt / GFNet `nn.LayerNorm(C)`
/// applied to NHWC or token layouts), computed directly on NCHW:
/// `μ = (1/C)·Σ_c x[c]`, `σ² = (1/C)·Σ_c (x[c] − μ)²` (biased), `y[c] = (x[c] − μ)/sqrt(σ² + eps)·γ[c] + β[c]`.
///
/// Two passes per pixel (mean, then centred variance), accumulated in `Scalar` across channel planes,
/// so the loops run along contiguous rows. Keys `weight`, `bias` (`[C]`). Immutable; thread-safe.
public struct LayerNormChannelsLast<Scalar: TensorScalar>: Sendable {
    public let weight: Tensor<Scalar>
    public let bias: Tensor<Scalar>
    public let eps: Scalar

    public var channels: Int { weight.count }

    /// - Precondition: `weight` and `bias` are `[C]` with `C ≥ 1`; `eps ≥ 0`.
    public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>, eps: Scalar = 1e-6) {
        precondition(weight.rank == 1 && weight.count >= 1 && bias.shape == weight.shape,
                     "LayerNormChannelsLast: weight and bias must be [C], got \(weight.shape), \(bias.shape)")
        precondition(eps >= 0, "LayerNormChannelsLast: eps must be ≥ 0, got \(eps)")
        self.weight = weight
        self.bias = bias
        self.eps = eps
    }

    init(_ scope: StateDictScope<Scalar>, channels: Int, eps: Scalar) throws(BackboneError) {
        try self.init(weight: scope.take("weight", [channels]), bias: scope.take("bias", [channels]), eps: eps)
    }

    /// Normalises each pixel of `x` (`[N, C, H, W]`) over `C`. - Precondition: `x` has this layer's `C`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        precondition(x.rank == 4 && x.shape[1] == channels,
                     "LayerNormChannelsLast: input must be [N, \(channels), H, W], got \(x.shape)")
        let (n, c, plane) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        var y = Tensor<Scalar>(zeros: x.shape)
        let invC = 1 / Scalar(c)
        var mean = [Scalar](repeating: 0, count: plane)
        var inv = [Scalar](repeating: 0, count: plane)
        x.withUnsafeBufferPointer { xs in
            y.withUnsafeMutableBufferPointer { ys in
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
                        let (g, b) = (weight.scalars[ch], bias.scalars[ch])
                        for p in 0..<plane { ys[row + p] = (xs[row + p] - mean[p]) * inv[p] * g + b }
                    }
                }
            }
        }
        return y
    }
}
