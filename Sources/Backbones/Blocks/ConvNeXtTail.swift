import GlobalConv

/// The per-pixel half of a ConvNeXt-layout block (ConvNeXt, ParC-ConvNeXt, SLaK), after its
/// spatial mixing `s`: `x + γ ⊙ pwconv2(GELU(pwconv1(LN(s))))`, LN over C with eps 1e-6,
/// `pwconv1` `Linear(d, 4d)`, `pwconv2` `Linear(4d, d)`, γ `[d]`.
/// Keys (at the block's root) `norm.{weight,bias}`, `pwconv1.{weight [4d,d],bias}`,
/// `pwconv2.{weight [d,4d],bias}`, `gamma [d]`.
struct ConvNeXtTail<Scalar: TensorScalar>: Sendable {
    let norm: LayerNormChannelsLast<Scalar>
    let pwconv1: PointwiseConvolution<Scalar>
    let pwconv2: PointwiseConvolution<Scalar>
    let gamma: Tensor<Scalar>

    init(_ s: StateDictScope<Scalar>, dim: Int) throws(BackboneError) {
        norm = try LayerNormChannelsLast(s.scope("norm"), channels: dim, eps: Scalar(1e-6))
        pwconv1 = try PointwiseConvolution(s.scope("pwconv1"), in: dim, out: 4 * dim, linear: true)
        pwconv2 = try PointwiseConvolution(s.scope("pwconv2"), in: 4 * dim, out: dim, linear: true)
        gamma = try s.take("gamma", [dim])
    }

    /// `input + γ ⊙ pwconv2(GELU(pwconv1(LN(mixed))))`, as one fused two-layer pass: the LayerNorm is
    /// applied while `mixed` is read, GELU and the scaled residual in the layers' epilogues, and the 4d
    /// hidden channels never leave the cache (Float).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func callAsFunction(input: Tensor<Scalar>, mixed: Tensor<Scalar>, threads: Int) -> Tensor<Scalar> {
        PointwiseConvolution.chain(mixed, input: .layerNorm(norm.normalization),
                                   pwconv1, hidden: PointwiseEpilogue(activation: .gelu),
                                   pwconv2, epilogue: PointwiseEpilogue(residual: input, residualScale: gamma.scalars),
                                   threads: threads)
    }
}
