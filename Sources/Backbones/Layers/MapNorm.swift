import GlobalConv
import LargeKernel

/// A normalisation of an NCHW map that keeps its shape, on up to `threads` participants: the norm of a
/// ``ConvNorm`` (eval BatchNorm in MogaNet and VAN, the channels-first LayerNorm in UniRepLKNet).
package protocol MapNorm<Scalar>: Sendable {
    associatedtype Scalar: TensorScalar

    /// The normalised map, the shape of `x` (`[N, C, H, W]` with the norm's `C`).
    func callAsFunction(_ x: Tensor<Scalar>, threads: Int) -> Tensor<Scalar>

    /// The norm as a per-channel affine `x·scale + shift` that a convolution's epilogue applies to its
    /// output as it stores it (eval BatchNorm), or nil for a norm that reads across channels (LayerNorm).
    var epilogueAffine: ChannelAffine<Scalar>? { get }
}

extension BatchNormParameters: MapNorm {
    package var epilogueAffine: ChannelAffine<Scalar>? { affine }
}

extension LayerNormChannelsFirst: MapNorm {
    package var epilogueAffine: ChannelAffine<Scalar>? { nil }
}
