import GlobalConv
import LargeKernel

/// `replknet.large_kernel`: RepLKNet's `ReparamLargeKernelConv`, depthwise, stride 1 (LargeKernel's
/// ``ReparamLargeKernelConv``): unmerged `BN(DW K×K(x)) + BN(DW s×s(x))`, or merged one `DW K×K` with bias.
///
/// Config `channels`, `kernel_size`, `small_kernel` (`null`: no small branch), `reparameterized` (false).
/// Keys `lkb_origin.conv.weight`, `lkb_origin.bn.*`, `small_conv.conv.weight`, `small_conv.bn.*`, or
/// `lkb_reparam.{weight,bias}`. Both convs (or the merged one) run on the requested path.
public struct RepLKLargeKernelBlock<Scalar: TensorScalar>: Block, LargeKernelConvolutionBlock {
    public static var id: String { "replknet.large_kernel" }
    public let conv: ReparamLargeKernelConv<Scalar>

    /// Builds the block from its typed config (defaults: ``RepLKLargeKernelBlockConfig``) and a state_dict, loaded strictly.
    /// - Throws: ``BackboneError/config(block:message:)`` for values the block cannot take,
    ///   ``BackboneError/stateDict(_:)`` listing every missing, unexpected and mis-shaped key.
    public init(config: RepLKLargeKernelBlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let check = TypedConfigCheck(block: Self.id)
        try check.atLeast(config.channels, "channels")
        try check.atLeast(config.kernelSize, "kernel_size")
        try check.atLeast(config.smallKernel, "small_kernel")
        let (channels, k, s, merged) = (config.channels, config.kernelSize, config.smallKernel, config.reparameterized)
        try Self.checkKernels(k, s, block: Self.id)
        let t = try loadStrictly(stateDict, block: Self.id) { (scope) throws(BackboneError) in try RepLKTensors(scope, channels: channels, kernel: k, small: s, merged: merged) }
        conv = try t.build()
    }

    init(conv: ReparamLargeKernelConv<Scalar>) { self.conv = conv }

    static func checkKernels(_ k: Int, _ s: Int?, block: String) throws(BackboneError) {
        guard k % 2 == 1 else { throw .config(block: block, message: "kernel size \(k) must be odd (padding K/2 keeps the map size only then)") }
        if let s, !(s <= k && s % 2 == 1) {
            throw .config(block: block, message: "\"small_kernel\" \(s) must be odd and ≤ the kernel size \(k) (the official assertion)")
        }
    }

    public var channels: Int { conv.channels }

    /// The re-parameterised block (`lkb_reparam`), equal to this one up to rounding.
    public func merged() -> RepLKLargeKernelBlock { RepLKLargeKernelBlock(conv: conv.merged()) }
}
