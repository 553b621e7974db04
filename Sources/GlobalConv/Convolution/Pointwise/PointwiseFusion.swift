/// `v·scale[c] + shift[c]` per channel (an eval BatchNorm's folded form).
package struct ChannelAffine<Scalar: TensorScalar>: Sendable, Equatable {
    package var scale: [Scalar]
    package var shift: [Scalar]

    /// - Precondition: equal counts.
    package init(scale: [Scalar], shift: [Scalar]) {
        precondition(scale.count == shift.count, "ChannelAffine: \(scale.count) scales, \(shift.count) shifts")
        self.scale = scale
        self.shift = shift
    }
}

/// The transform of a 1×1 convolution's input, applied while the input is read.
package enum PointwiseInput<Scalar: TensorScalar>: Sendable {
    /// `x' = x`.
    case identity
    /// `x'[i,p] = x[i,p]·scale[i] + shift[i]` (an eval BatchNorm before the conv).
    case affine(ChannelAffine<Scalar>)
    /// LayerNorm over the input channels of each pixel (``ChannelLayerNorm``).
    case layerNorm(ChannelLayerNorm<Scalar>)
    /// MogaNet's feature decomposition: per pixel `d = GELU(Σ_i weight[i]·x[i] + bias)` (a 1×1 conv to one
    /// channel, summed `i` ascending then the bias), `x'[i] = x[i] + scale[i]·(x[i] − d)`.
    case decompose(weight: [Scalar], bias: Scalar, scale: [Scalar])
}

/// What follows a 1×1 convolution's sum, and the element-wise work it can run inside its own passes (package API: Backbones' blocks
/// fuse their BatchNorms, LayerNorms, activations, gates, residuals and layer scales through it).
///
/// Semantics per output channel `o` and pixel `p`, for a convolution `acc[o,p] = Σ_i W[o,i]·x'[i,p]`:
/// ```
/// x'  = input transform of x                          (PointwiseInput)
/// v   = acc + b[o]                                    (the convolution's bias, if any)
/// v   = v·affine.scale[o] + affine.shift[o]           (eval BatchNorm after the conv)
/// v   = activation(v)
/// v   = v·multiply[o,p];   v = v + add[o,p]   (or v + (add[o,p]·addAffine.scale[o] + addAffine.shift[o]))
/// out = residual[o,p] + residualScale[o]·v            (or residual + v, or v)
/// ```
/// each step rounded once in `Scalar` (Float: the affine steps and the scaled residual may be fused
/// multiply-adds, one rounding instead of two), which is PyTorch's op order for the blocks that use them.
/// The activation is ``Activation`` (`nil`: none).
///
/// `multiply`, `add` and `residual` are NCHW tensors of the convolution's output shape.
package struct PointwiseEpilogue<Scalar: TensorScalar>: Sendable {
    package var affine: ChannelAffine<Scalar>?
    package var activation: Activation?
    package var multiply: Tensor<Scalar>?
    package var add: Tensor<Scalar>?
    /// An eval BatchNorm applied to `add` as it is read (the block's normalised input, never materialised).
    package var addAffine: ChannelAffine<Scalar>?
    package var residual: Tensor<Scalar>?
    package var residualScale: [Scalar]?

    package init(affine: ChannelAffine<Scalar>? = nil, activation: Activation? = nil,
                 multiply: Tensor<Scalar>? = nil, add: Tensor<Scalar>? = nil, addAffine: ChannelAffine<Scalar>? = nil,
                 residual: Tensor<Scalar>? = nil, residualScale: [Scalar]? = nil) {
        precondition(residualScale == nil || residual != nil, "PointwiseEpilogue: a residual scale needs a residual")
        precondition(addAffine == nil || add != nil, "PointwiseEpilogue: an add affine needs an added tensor")
        self.affine = affine
        self.activation = activation
        self.multiply = multiply
        self.add = add
        self.addAffine = addAffine
        self.residual = residual
        self.residualScale = residualScale
    }

    /// Whether only per-channel steps are present (what a hidden layer of a chain may use).
    var isPerChannel: Bool { multiply == nil && add == nil && residual == nil }
}
