import GlobalConv
import LargeKernel

/// `unireplknet.dilated_reparam`: UniRepLKNet's `DilatedReparamBlock(channels, kernel_size)` (LargeKernel's
/// ``DilatedReparamBlock``): unmerged `origin_bn(lk_origin(x)) + Σ dil_bn_k{k}_{r}(dil_conv_k{k}_{r}(x))`,
/// or merged `lk_origin` with bias. Config `channels`, `kernel_size` (5, 7, 9, 11, 13, 15, 17),
/// `reparameterized` (false). Every branch conv runs on the requested path.
public struct DilatedReparamConvBlock<Scalar: TensorScalar>: Block, LargeKernelConvolutionBlock {
    public static var id: String { "unireplknet.dilated_reparam" }
    public let conv: DilatedReparamBlock<Scalar>

    /// Builds the block from its typed config (defaults: ``DilatedReparamConvBlockConfig``) and a state_dict, loaded strictly.
    /// - Throws: ``BackboneError/config(block:message:)`` for values the block cannot take,
    ///   ``BackboneError/stateDict(_:)`` listing every missing, unexpected and mis-shaped key.
    public init(config: DilatedReparamConvBlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let check = TypedConfigCheck(block: Self.id)
        try check.atLeast(config.channels, "channels")
        try check.atLeast(config.kernelSize, "kernel_size")
        let (channels, k, merged) = (config.channels, config.kernelSize, config.reparameterized)
        do { _ = try DilatedReparamBlock<Scalar>.branchTable(kernelSize: k) }
        catch { throw .config(block: Self.id, message: "\(error)") }
        self = try loadStrictly(stateDict, block: Self.id) { (s) throws(BackboneError) in try Self(s, channels: channels, kernelSize: k, merged: merged) }
    }

    /// Loads the block's tensors under `scope` (a UniRepLKNet block's `dwconv.`); the caller's loader
    /// reports missing, unexpected and mis-shaped keys. Unmerged: `lk_origin.weight`, `origin_bn.*` and the
    /// branch table's `dil_conv_k{k}_{r}.weight`, `dil_bn_k{k}_{r}.*`; merged: `lk_origin.{weight, bias}`.
    /// - Throws: a config error for a kernel size without a branch table.
    init(_ s: StateDictScope<Scalar>, channels: Int, kernelSize k: Int, merged: Bool) throws(BackboneError) {
        let table: [DilatedReparamBlock<Scalar>.Branch]
        do { table = try DilatedReparamBlock<Scalar>.branchTable(kernelSize: k) }
        catch { throw .config(block: Self.id, message: "\(error)") }
        let w = try s.take("lk_origin.weight", [channels, 1, k, k])
        if merged {
            let bias = try s.take("lk_origin.bias", [channels])
            conv = try largeKernel { () throws(LargeKernelError) in try DilatedReparamBlock(mergedWeight: w, mergedBias: bias) }
            return
        }
        let origin = try BatchNormTensors(s.scope("origin_bn"), channels: channels).parameters()
        var weights: [Tensor<Scalar>] = [], bns: [BatchNormParameters<Scalar>] = []
        for b in table {
            weights.append(try s.take("\(b.convKey).weight", [channels, 1, b.kernelSize, b.kernelSize]))
            bns.append(try BatchNormTensors(s.scope(b.bnKey), channels: channels).parameters())
        }
        conv = try largeKernel { () throws(LargeKernelError) in
            try DilatedReparamBlock(kernelSize: k, lkOriginWeight: w, originBN: origin, branchWeights: weights, branchBNs: bns)
        }
    }

    init(conv: DilatedReparamBlock<Scalar>) { self.conv = conv }

    public var channels: Int { conv.channels }

    /// The re-parameterised block (`merge_dilated_branches`).
    public func merged() -> DilatedReparamConvBlock { DilatedReparamConvBlock(conv: conv.merged()) }
}
