import GlobalConv

/// A convolution and the norm after it, `norm(Conv(in→out, k×k, stride, padding)(x))`: the patch
/// embedding or downsampling unit of MogaNet (`patch_embed{i}`: keys `projection`, `norm`), UniRepLKNet
/// (`downsample_layers.{s}`: keys `0`, `1`) and VAN (`patch_embed{i}`: keys `proj`, `norm`), and each
/// half of a ``StackedConvStem``. The convolution is a GEMM; an eval BatchNorm (and an activation after
/// it) is applied in its epilogue as each output is stored — `(acc + b)·scale + shift`, rounded once
/// fewer than a separate pass (a fused multiply-add where the CPU has one), as RepLKNet's conv-BN-ReLU
/// units do — and a LayerNorm as a pass of its own. A map too small for the convolution is an input error
/// naming the model and the convolution's key. Immutable; thread-safe.
struct ConvNorm<Scalar: TensorScalar, Norm: MapNorm<Scalar>>: Sendable {
    let conv: Convolution2D<Scalar>
    let norm: Norm
    /// The convolution's key, e.g. `patch_embed2.projection`, for the error of a map too small for it.
    let convKey: String

    /// Loads the convolution (`weight [out, in, k, k]`, `bias [out]`) under `s.scope(conv)`, then the
    /// norm with `loadNorm(s.scope(norm), out)`.
    init(_ s: StateDictScope<Scalar>, conv: String, norm: String, in cin: Int, out cout: Int, kernel: Int, stride: Int, padding: Int,
         loadNorm: (StateDictScope<Scalar>, Int) throws(BackboneError) -> Norm) throws(BackboneError) {
        self.conv = try Convolution2D(s.scope(conv), in: cin, out: cout, kernel: Size2D(kernel), stride: Size2D(stride), padding: Size2D(padding))
        self.norm = try loadNorm(s.scope(norm), cout)
        convKey = s.prefix + conv
    }

    /// The convolution, the norm, then `activation` if given, on `threads` threads; `model` names the model
    /// in an input error.
    func callAsFunction(_ x: Tensor<Scalar>, threads: Int, model: String, activation: Activation? = nil) throws(BackboneError) -> Tensor<Scalar> {
        if let affine = norm.epilogueAffine, conv.groups == 1 {
            return try conv.run(x, epilogue: PointwiseEpilogue(affine: affine, activation: activation), threads: threads,
                                model: model, layer: convKey)
        }
        var y = norm(try conv.run(x, threads: threads, model: model, layer: convKey), threads: threads)
        activation?.apply(to: &y, threads: threads)
        return y
    }
}
