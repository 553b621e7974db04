import GlobalConv
import LargeKernel

/// `slak.large_kernel`: SLaK's decomposed kernel `BN(DW K×N) + BN(DW N×K) + BN(DW N×N)` (LargeKernel's
/// ``SLaKLargeKernelConv``), each branch padded by its own `(kh/2, kw/2)`; `small_conv` only when N < K.
/// Config `channels` (alias `dim`), `kernel_size [K, N]`. Keys `LoRA1.*`, `LoRA2.*`, `small_conv.*`.
public struct SLaKLargeKernelBlock<Scalar: TensorScalar>: Block, LargeKernelConvolutionBlock {
    public static var id: String { "slak.large_kernel" }
    public let conv: SLaKLargeKernelConv<Scalar>

    /// Builds the block from its typed config (defaults: ``SLaKLargeKernelBlockConfig``) and a state_dict, loaded strictly.
    /// - Throws: ``BackboneError/config(block:message:)`` for values the block cannot take,
    ///   ``BackboneError/stateDict(_:)`` listing every missing, unexpected and mis-shaped key.
    public init(config: SLaKLargeKernelBlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let check = TypedConfigCheck(block: Self.id)
        try check.atLeast(config.channels, "channels")
        let channels = config.channels
        let (k, n) = try checkSLaKKernel(config.kernelSize, block: Self.id)
        let t = try loadStrictly(stateDict, block: Self.id) { (s) throws(BackboneError) in try SLaKTensors(s, channels: channels, big: k, small: n) }
        conv = try t.build()
    }

    init(conv: SLaKLargeKernelConv<Scalar>) { self.conv = conv }

    public var channels: Int { conv.channels }

    /// The branches merged into one K×K kernel with bias (exact for K, N of equal parity).
    public func merged() -> SLaKLargeKernelBlock { SLaKLargeKernelBlock(conv: conv.merged()) }
}
