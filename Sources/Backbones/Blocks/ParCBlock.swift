import GlobalConv

/// `parc.op`: one ParC operator (``ParCOperator``) on all channels. Config `channels`, `axis` (`H`/`W`),
/// `kernel_size`, `use_pe` (true). Keys `gcc_conv.weight`, `gcc_conv.bias`, `pe` (when `use_pe`).
/// The input may have any length along the axis; kernel and pe are resized to it.
public struct ParCBlock<Scalar: TensorScalar>: Block {
    public static var id: String { "parc.op" }
    let op: ParCOperator<Scalar>
    public var channels: Int { op.channels }

    public init(config: BlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        var c = config
        let channels = try c.inputChannels("channels")
        let axis = try c.string("axis", allowed: ["H", "W"])
        let k = try c.int("kernel_size")
        let usePE = try c.bool("use_pe", default: true)
        try c.finish()
        op = try loadStrictly(stateDict, block: Self.id) { (s) throws(BackboneError) in
            try ParCOperator(s, channels: channels, axis: axis == "H" ? .height : .width, kernelSize: k, usePE: usePE)
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> Tensor<Scalar> {
        try checkInput(x, channels: channels, block: Self.id)
        if x.shape[0] == 0 { return Tensor(zeros: x.shape) }  // empty batch: empty output of the same shape, as PyTorch
        return try op(x, path: path, options: options)
    }
}
