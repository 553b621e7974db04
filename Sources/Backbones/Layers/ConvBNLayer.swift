import GlobalConv
import LargeKernel

/// A 1×1 `nn.Conv2d` and the eval BatchNorm after it (RepLKNet's `conv_bn` with kernel 1), in either key
/// set: `y = BN(W·x)` with keys `conv.weight [out, in, 1, 1]`, `bn.{weight,bias,running_mean,running_var}`
/// (the conv bias-free); or, after the official `deep_fuse_BN()`, `y = W'·x + b'` with keys `conv.weight`,
/// `conv.bias` and no `bn.*` (``StateDictScope/holdsFusedConvBN()``). The BN is applied in the 1×1
/// kernel's epilogue in PyTorch's folded form (``affine``), not folded into the weights.
struct PointwiseConvBN<Scalar: TensorScalar>: Sendable {
    /// The conv; with its bias in the BN-fused key set.
    let conv: PointwiseConvolution<Scalar>
    /// The BatchNorm; `nil` in the BN-fused key set.
    let bn: BatchNormParameters<Scalar>?

    init(_ s: StateDictScope<Scalar>, in cin: Int, out cout: Int) throws(BackboneError) {
        let fused = s.holdsFusedConvBN()
        conv = try PointwiseConvolution(s.scope("conv"), in: cin, out: cout, bias: fused)
        bn = fused ? nil : try BatchNormParameters(s.scope("bn"), channels: cout)
    }

    /// The BN's per-channel affine for the conv's epilogue (`nil` when the conv's bias holds it).
    var affine: ChannelAffine<Scalar>? { bn?.affine }
}

extension StateDictScope {
    /// Whether the `conv_bn` unit under this scope is in the BN-fused key set of RepLKNet's official
    /// `deep_fuse_BN()` (each conv-BN pair replaced by a conv with bias, the BN by `nn.Identity`): `conv.bias`
    /// present and none of `bn.{weight,bias,running_mean,running_var}`. Otherwise the unit is read as
    /// conv + BN, so a partial unit is reported by the strict loader as missing BN keys.
    func holdsFusedConvBN() -> Bool {
        contains("conv.bias") && !["weight", "bias", "running_mean", "running_var"].contains { contains("bn." + $0) }
    }
}
