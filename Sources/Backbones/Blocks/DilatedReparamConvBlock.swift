import GlobalConv
import LargeKernel

/// `unireplknet.dilated_reparam`: UniRepLKNet's `DilatedReparamBlock(channels, kernel_size)` (LargeKernel's
/// ``DilatedReparamBlock``): unmerged `origin_bn(lk_origin(x)) + Σ dil_bn_k{k}_{r}(dil_conv_k{k}_{r}(x))`,
/// or merged `lk_origin` with bias. Config `channels`, `kernel_size` (5, 7, 9, 11, 13, 15, 17),
/// `reparameterized` (false). Every branch conv runs on the requested path.
public struct DilatedReparamConvBlock<Scalar: TensorScalar>: Block {
    public static var id: String { "unireplknet.dilated_reparam" }
    public let conv: DilatedReparamBlock<Scalar>

    public init(config: BlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        var c = config
        let channels = try c.inputChannels("channels")
        let k = try c.int("kernel_size")
        let merged = try c.bool("reparameterized", default: false)
        try c.finish()
        let table: [DilatedReparamBlock<Scalar>.Branch]
        do { table = try DilatedReparamBlock<Scalar>.branchTable(kernelSize: k) }
        catch { throw .config(block: Self.id, message: "\(error)") }
        typealias Loaded = (Tensor<Scalar>, Tensor<Scalar>?, BatchNormTensors<Scalar>?, [Tensor<Scalar>], [BatchNormTensors<Scalar>])
        let t: Loaded = try loadStrictly(stateDict, block: Self.id) { (s) throws(BackboneError) -> Loaded in
            let w = try s.take("lk_origin.weight", [channels, 1, k, k])
            if merged { return (w, try s.take("lk_origin.bias", [channels]), nil, [], []) }
            return try (w, nil, BatchNormTensors(s.scope("origin_bn"), channels: channels),
                        table.map { (b) throws(BackboneError) in try s.take("\(b.convKey).weight", [channels, 1, b.kernelSize, b.kernelSize]) },
                        table.map { (b) throws(BackboneError) in try BatchNormTensors(s.scope(b.bnKey), channels: channels) })
        }
        if let bias = t.1 {
            conv = try largeKernel { () throws(LargeKernelError) in try DilatedReparamBlock(mergedWeight: t.0, mergedBias: bias) }
        } else {
            let origin = try t.2!.parameters()
            var bns: [BatchNormParameters<Scalar>] = []
            for b in t.4 { bns.append(try b.parameters()) }
            conv = try largeKernel { () throws(LargeKernelError) in
                try DilatedReparamBlock(kernelSize: k, lkOriginWeight: t.0, originBN: origin, branchWeights: t.3, branchBNs: bns)
            }
        }
    }

    init(conv: DilatedReparamBlock<Scalar>) { self.conv = conv }

    public var channels: Int { conv.channels }

    /// The re-parameterised block (`merge_dilated_branches`).
    public func merged() -> DilatedReparamConvBlock { DilatedReparamConvBlock(conv: conv.merged()) }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> Tensor<Scalar> {
        try checkInput(x, channels: channels, block: Self.id)
        if x.shape[0] == 0 { return Tensor(zeros: x.shape) }  // empty batch: empty output of the same shape, as PyTorch
        return try largeKernel { () throws(LargeKernelError) in try conv.forward(x, path: path, options: options) }
    }
}
