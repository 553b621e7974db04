import GlobalConv
import LargeKernel

/// A bias-free 1×1 `nn.Conv2d` followed by eval BatchNorm (RepLKNet's `conv_bn` with kernel 1):
/// `y = BN(W·x)`, keys `conv.weight [out, in, 1, 1]`, `bn.{weight,bias,running_mean,running_var}`.
/// The BN is applied, not folded, so the arithmetic matches PyTorch's two ops.
struct PointwiseConvBN<Scalar: TensorScalar>: Sendable {
    let conv: PointwiseConvolution<Scalar>
    let bn: BatchNormParameters<Scalar>

    init(_ s: StateDictScope<Scalar>, in cin: Int, out cout: Int) throws(BackboneError) {
        conv = try PointwiseConvolution(s.scope("conv"), in: cin, out: cout, bias: false)
        bn = try BatchNormParameters(s.scope("bn"), channels: cout)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func callAsFunction(_ x: Tensor<Scalar>, threads: Int) -> Tensor<Scalar> { bn(conv(x, threads: threads)) }
}
