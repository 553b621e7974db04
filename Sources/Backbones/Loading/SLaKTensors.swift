import GlobalConv
import LargeKernel

/// `slak.large_kernel`'s tensors under a scope, in the layout SLaK's `Decom` and `bn` flags give:
/// `Decom` true — `LoRA1` K×N, `LoRA2` N×K; false — `lkb_origin` K×K; then `small_conv` N×N when N < K.
/// Every branch is `X.conv.weight` (no bias) followed, with `bn`, by `X.bn.*`.
struct SLaKTensors<Scalar: TensorScalar>: Sendable {
    /// One branch: its bias-free conv weight and, with `bn`, its BatchNorm.
    struct Branch: Sendable {
        let weight: Tensor<Scalar>
        let bn: BatchNormTensors<Scalar>?

        init(_ s: StateDictScope<Scalar>, _ name: String, shape: [Int], bn: Bool) throws(BackboneError) {
            weight = try s.take(name + ".conv.weight", shape)
            self.bn = bn ? try BatchNormTensors(s.scope(name + ".bn"), channels: shape[0]) : nil
        }
    }

    let decom: Bool
    /// `Decom`: `LoRA1`, `LoRA2`; else `lkb_origin` alone.
    let branches: [Branch]
    let small: Branch?

    init(_ s: StateDictScope<Scalar>, channels c: Int, big k: Int, small n: Int, decom: Bool = true, bn: Bool = true) throws(BackboneError) {
        self.decom = decom
        branches = decom
            ? [try Branch(s, "LoRA1", shape: [c, 1, k, n], bn: bn), try Branch(s, "LoRA2", shape: [c, 1, n, k], bn: bn)]
            : [try Branch(s, "lkb_origin", shape: [c, 1, k, k], bn: bn)]
        small = n < k ? try Branch(s, "small_conv", shape: [c, 1, n, n], bn: bn) : nil
    }

    func build() throws(BackboneError) -> SLaKLargeKernelConv<Scalar> {
        let parts = branches + (small.map { [$0] } ?? [])
        if parts.allSatisfy({ $0.bn != nil }) {
            var convBNs: [ConvBN<Scalar>] = []
            for p in parts {
                let bn = try p.bn!.parameters()
                convBNs.append(try largeKernel { () throws(LargeKernelError) in try ConvBN(weight: p.weight, bn: bn) })
            }
            let smallConv = small == nil ? nil : convBNs.last
            return try largeKernel { () throws(LargeKernelError) in
                decom ? try SLaKLargeKernelConv(loRA1: convBNs[0], loRA2: convBNs[1], smallConv: smallConv)
                      : SLaKLargeKernelConv(undecomposed: try ReparamLargeKernelConv(lkbOrigin: convBNs[0], smallConv: smallConv))
            }
        }
        return try largeKernel { () throws(LargeKernelError) in
            let kernels = try parts.map { (p) throws(LargeKernelError) in try DepthwiseKernel(weight: p.weight, bias: nil) }
            let smallConv = small == nil ? nil : kernels.last
            return decom ? try SLaKLargeKernelConv(loRA1WithoutBN: kernels[0], loRA2: kernels[1], smallConv: smallConv)
                         : SLaKLargeKernelConv(undecomposed: try ReparamLargeKernelConv(fusedLKBOrigin: kernels[0], smallConv: smallConv))
        }
    }
}
