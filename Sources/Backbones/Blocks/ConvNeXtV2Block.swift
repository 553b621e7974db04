import GlobalConv

/// ConvNeXt-V2's block (facebookresearch/ConvNeXt-V2, `models/convnextv2.py`, `Block`):
/// `x + pwconv2(GRN(GELU(pwconv1(LN(dwconv7×7(x))))))` — ConvNeXt's block with GRN on the hidden 4C
/// channels and without the layer scale. Keys `dwconv.{weight,bias}`, `norm.{weight,bias}`,
/// `pwconv1.{weight,bias}`, `grn.gamma [1,1,1,4C]`, `grn.beta [1,1,1,4C]`, `pwconv2.{weight,bias}`.
///
/// GRN needs the whole hidden map (its norms run over every pixel), so the two 1×1 layers are two passes:
/// `pwconv1` with the LayerNorm on its input and GELU in its epilogue, then ``GlobalResponseNorm`` as
/// `pwconv2`'s input transform and the residual in its epilogue. The 7×7 depthwise conv runs on `path`.
/// Immutable; thread-safe.
struct ConvNeXtV2Block<Scalar: TensorScalar>: Sendable {
    let dim: Int
    let dwconv: DepthwiseLayer<Scalar>
    let norm: LayerNormChannelsLast<Scalar>
    let pwconv1: PointwiseConvolution<Scalar>
    let grn: GlobalResponseNorm<Scalar>
    let pwconv2: PointwiseConvolution<Scalar>

    /// The block's tensors under `s` (a model's `stages.{s}.{j}.`); the caller's loader reports problems.
    init(_ s: StateDictScope<Scalar>, dim: Int) throws(BackboneError) {
        self.dim = dim
        dwconv = try DepthwiseLayer(s.scope("dwconv"), channels: dim, same: 7)
        norm = try LayerNormChannelsLast(s.scope("norm"), channels: dim, eps: Scalar(1e-6))
        pwconv1 = try PointwiseConvolution(s.scope("pwconv1"), in: dim, out: 4 * dim, linear: true)
        grn = GlobalResponseNorm(gamma: try s.take("grn.gamma", [1, 1, 1, 4 * dim]).scalars,
                                 beta: try s.take("grn.beta", [1, 1, 1, 4 * dim]).scalars)
        pwconv2 = try PointwiseConvolution(s.scope("pwconv2"), in: 4 * dim, out: dim, linear: true)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> Tensor<Scalar> {
        if x.shape[0] == 0 { return Tensor(zeros: x.shape) }  // empty batch: empty output of the same shape, as PyTorch
        let threads = options.threads
        let mixed = try dwconv(x, path: path, options: options)
        var z = pwconv1(mixed, input: .layerNorm(norm.normalization), epilogue: PointwiseEpilogue(activation: .gelu), threads: threads)
        let out = GlobalResponseNorm.convolve(pwconv2, &z, after: grn.affine(z, threads: threads),
                                              epilogue: PointwiseEpilogue(residual: x), threads: threads)
        TensorStoragePool.recycle(mixed, z)
        return out
    }
}
