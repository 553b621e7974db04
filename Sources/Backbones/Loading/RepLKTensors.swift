import GlobalConv
import LargeKernel

/// `replknet.large_kernel`'s tensors (either form) under a scope.
struct RepLKTensors<Scalar: TensorScalar>: Sendable {
    enum Form: Sendable {
        case unmerged(origin: Tensor<Scalar>, originBN: BatchNormTensors<Scalar>, small: Tensor<Scalar>?, smallBN: BatchNormTensors<Scalar>?)
        /// After the official `deep_fuse_BN()` without `structural_reparam()`: each branch a conv with bias.
        case unmergedFused(origin: Tensor<Scalar>, originBias: Tensor<Scalar>, small: Tensor<Scalar>?, smallBias: Tensor<Scalar>?)
        case merged(weight: Tensor<Scalar>, bias: Tensor<Scalar>)
    }
    let form: Form

    /// Keys `lkb_origin.conv.weight [C,1,K,K]`, `lkb_origin.bn.*`, and when `small` is given
    /// `small_conv.conv.weight [C,1,s,s]`, `small_conv.bn.*`; or BN-fused (`lkb_origin` holding
    /// `conv.bias` and no `bn.*`: ``StateDictScope/holdsFusedConvBN()``) `lkb_origin.conv.{weight,bias}`,
    /// `small_conv.conv.{weight,bias}`; or merged `lkb_reparam.{weight,bias}`.
    init(_ s: StateDictScope<Scalar>, channels c: Int, kernel k: Int, small: Int?, merged: Bool) throws(BackboneError) {
        if merged {
            form = try .merged(weight: s.take("lkb_reparam.weight", [c, 1, k, k]), bias: s.take("lkb_reparam.bias", [c]))
        } else if s.scope("lkb_origin").holdsFusedConvBN() {
            form = try .unmergedFused(origin: s.take("lkb_origin.conv.weight", [c, 1, k, k]), originBias: s.take("lkb_origin.conv.bias", [c]),
                                      small: small.map { (n) throws(BackboneError) in try s.take("small_conv.conv.weight", [c, 1, n, n]) },
                                      smallBias: small.map { (_) throws(BackboneError) in try s.take("small_conv.conv.bias", [c]) })
        } else {
            form = try .unmerged(origin: s.take("lkb_origin.conv.weight", [c, 1, k, k]),
                             originBN: BatchNormTensors(s.scope("lkb_origin.bn"), channels: c),
                             small: small.map { (n) throws(BackboneError) in try s.take("small_conv.conv.weight", [c, 1, n, n]) },
                             smallBN: small.map { (_) throws(BackboneError) in try BatchNormTensors(s.scope("small_conv.bn"), channels: c) })
        }
    }

    func build() throws(BackboneError) -> ReparamLargeKernelConv<Scalar> {
        switch form {
        case .merged(let w, let b):
            return try largeKernel { () throws(LargeKernelError) in try ReparamLargeKernelConv(lkbReparamWeight: w, lkbReparamBias: b) }
        case .unmerged(let o, let obn, let sm, let smbn):
            let (op, sp) = (try obn.parameters(), try smbn?.parameters())
            return try largeKernel { () throws(LargeKernelError) in
                try ReparamLargeKernelConv(lkbOriginWeight: o, lkbOriginBN: op, smallConvWeight: sm, smallConvBN: sp)
            }
        case .unmergedFused(let o, let ob, let sm, let sb):
            return try largeKernel { () throws(LargeKernelError) in
                try ReparamLargeKernelConv(fusedLKBOrigin: DepthwiseKernel(weight: o, bias: ob),
                                           smallConv: sm.map { (w) throws(LargeKernelError) in try DepthwiseKernel(weight: w, bias: sb) })
            }
        }
    }
}
