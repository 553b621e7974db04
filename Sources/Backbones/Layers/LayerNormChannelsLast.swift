import GlobalConv

/// LayerNorm over the channels of each pixel ("channels last", the ConvNeXt / GFNet `nn.LayerNorm(C)`
/// applied to NHWC or token layouts), computed directly on NCHW:
/// `μ = (1/C)·Σ_c x[c]`, `σ² = (1/C)·Σ_c (x[c] − μ)²` (biased), `y[c] = (x[c] − μ)/sqrt(σ² + eps)·γ[c] + β[c]`.
///
/// Two passes per pixel (mean, then centred variance), accumulated in `Scalar` across channel planes
/// (GlobalConv's ``ChannelLayerNorm``, which 1×1 convolutions also apply to their input while reading it). Keys `weight`, `bias` (`[C]`). Immutable; thread-safe.
public struct LayerNormChannelsLast<Scalar: TensorScalar>: Sendable, PixelLayerNorm {
    public let weight: Tensor<Scalar>
    public let bias: Tensor<Scalar>
    public let eps: Scalar

    public var channels: Int { weight.count }

    /// - Precondition: `weight` and `bias` are `[C]` with `C ≥ 1`; `eps ≥ 0`.
    public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>, eps: Scalar = 1e-6) {
        Self.checkParameters(weight: weight, bias: bias, eps: eps, layer: "LayerNormChannelsLast")
        (self.weight, self.bias, self.eps) = (weight, bias, eps)
    }

    /// The same normalisation as the engine's ``ChannelLayerNorm`` (fused into 1×1 convolutions' input).
    var normalization: ChannelLayerNorm<Scalar> {
        ChannelLayerNorm(weight: weight.scalars, bias: bias.scalars, eps: eps)
    }

    /// Normalises each pixel of `x` (`[N, C, H, W]`) over `C`, pixels split over up to `threads`
    /// participants (no bit depends on the split). - Precondition: `x` has this layer's `C`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ x: Tensor<Scalar>, threads: Int = 1) -> Tensor<Scalar> {
        precondition(x.rank == 4 && x.shape[1] == channels,
                     "LayerNormChannelsLast: input must be [N, \(channels), H, W], got \(x.shape)")
        return normalization(x, threads: threads)
    }
}
