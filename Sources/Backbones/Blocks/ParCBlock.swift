import GlobalConv

/// `parc.op`: one ParC operator (``ParCOperator``) on all channels. Config `channels`, `axis` (`H`/`W`),
/// `kernel_size`, `use_pe` (true). Keys `gcc_conv.weight`, `gcc_conv.bias`, `pe` (when `use_pe`).
/// The input may have any length along the axis; kernel and pe are resized to it.
public struct ParCBlock<Scalar: TensorScalar>: Block {
    public static var id: String { "parc.op" }
    let op: ParCOperator<Scalar>
    public var channels: Int { op.channels }

    /// Builds the block from a JSON config (``ParCBlockConfig/parse(_:)``: every missing and unknown key in one error).
    public init(config: BlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        try self.init(config: ParCBlockConfig.parse(config), stateDict: stateDict)
    }

    /// Builds the block from its typed config (defaults: ``ParCBlockConfig``) and a state_dict, loaded strictly.
    /// - Throws: ``BackboneError/config(block:message:)`` for values the block cannot take,
    ///   ``BackboneError/stateDict(_:)`` listing every missing, unexpected and mis-shaped key.
    public init(config: ParCBlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let check = TypedConfigCheck(block: Self.id)
        try check.atLeast(config.channels, "channels")
        try check.atLeast(config.kernelSize, "kernel_size")
        let (channels, axis, k, usePE) = (config.channels, config.axis, config.kernelSize, config.usePE)
        op = try loadStrictly(stateDict, block: Self.id) { (s) throws(BackboneError) in
            try ParCOperator(s, channels: channels, axis: axis == .h ? .height : .width, kernelSize: k, usePE: usePE)
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
