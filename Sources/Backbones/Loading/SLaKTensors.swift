import GlobalConv
import LargeKernel

/// `slak.large_kernel`'s tensors under a scope: `LoRA1` K×N, `LoRA2` N×K, `small_conv` N×N when N < K.
struct SLaKTensors<Scalar: TensorScalar>: Sendable {
    let lora1: Tensor<Scalar>, lora1BN: BatchNormTensors<Scalar>
    let lora2: Tensor<Scalar>, lora2BN: BatchNormTensors<Scalar>
    let small: Tensor<Scalar>?, smallBN: BatchNormTensors<Scalar>?

    init(_ s: StateDictScope<Scalar>, channels c: Int, big k: Int, small n: Int) throws(BackboneError) {
        lora1 = try s.take("LoRA1.conv.weight", [c, 1, k, n]); lora1BN = try BatchNormTensors(s.scope("LoRA1.bn"), channels: c)
        lora2 = try s.take("LoRA2.conv.weight", [c, 1, n, k]); lora2BN = try BatchNormTensors(s.scope("LoRA2.bn"), channels: c)
        small = try n < k ? s.take("small_conv.conv.weight", [c, 1, n, n]) : nil
        smallBN = try n < k ? BatchNormTensors(s.scope("small_conv.bn"), channels: c) : nil
    }

    func build() throws(BackboneError) -> SLaKLargeKernelConv<Scalar> {
        let (p1, p2, ps) = (try lora1BN.parameters(), try lora2BN.parameters(), try smallBN?.parameters())
        return try largeKernel { () throws(LargeKernelError) in
            try SLaKLargeKernelConv(loRA1Weight: lora1, loRA1BN: p1, loRA2Weight: lora2, loRA2BN: p2, smallConvWeight: small, smallConvBN: ps)
        }
    }
}
