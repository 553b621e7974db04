import GlobalConv

/// `parc.convnext_block`: ParC-Net's `ParC_ConvNext_Block(dim, global_kernel_size, use_pe)`: the first `dim/2`
/// channels through a ParC-H operator, the last `dim/2` through a ParC-W operator, concatenated, then the
/// ConvNeXt tail `x + γ ⊙ pwconv2(GELU(pwconv1(LN(·))))`. Config `dim` (even), `kernel_size` (14),
/// `use_pe` (true). Keys `gcc_H.*`, `gcc_W.*`, `norm.*`, `pwconv1.*`, `pwconv2.*`, `gamma`.
public struct ParCConvNeXtBlock<Scalar: TensorScalar>: Block {
    public static var id: String { "parc.convnext_block" }
    public let dim: Int
    let gccH: ParCOperator<Scalar>, gccW: ParCOperator<Scalar>
    let tail: ConvNeXtTail<Scalar>

    /// Builds the block from a JSON config (``ParCConvNeXtBlockConfig/parse(_:)``: every missing and unknown key in one error).
    public init(config: BlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        try self.init(config: ParCConvNeXtBlockConfig.parse(config), stateDict: stateDict)
    }

    /// Builds the block from its typed config (defaults: ``ParCConvNeXtBlockConfig``) and a state_dict, loaded strictly.
    /// - Throws: ``BackboneError/config(block:message:)`` for values the block cannot take,
    ///   ``BackboneError/stateDict(_:)`` listing every missing, unexpected and mis-shaped key.
    public init(config: ParCConvNeXtBlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let check = TypedConfigCheck(block: Self.id)
        try check.atLeast(config.dim, "dim", 2)
        try check.atLeast(config.kernelSize, "kernel_size")
        let (dim, k, usePE) = (config.dim, config.kernelSize, config.usePE)
        guard dim % 2 == 0 else { throw .config(block: Self.id, message: "\"dim\" must be even (half the channels per axis), got \(dim)") }
        self = try loadStrictly(stateDict, block: Self.id) { (s) throws(BackboneError) in try Self(s, dim: dim, kernelSize: k, usePE: usePE) }
    }

    /// Loads the block's tensors under `scope` (a model's `stages.{s}.{j}.`); the caller's loader reports
    /// missing, unexpected and mis-shaped keys. - Precondition: `dim` is even.
    init(_ s: StateDictScope<Scalar>, dim: Int, kernelSize k: Int, usePE: Bool) throws(BackboneError) {
        precondition(dim % 2 == 0, "ParCConvNeXtBlock: dim must be even, got \(dim)")
        self.dim = dim
        gccH = try ParCOperator(s.scope("gcc_H"), channels: dim / 2, axis: .height, kernelSize: k, usePE: usePE)
        gccW = try ParCOperator(s.scope("gcc_W"), channels: dim / 2, axis: .width, kernelSize: k, usePE: usePE)
        tail = try ConvNeXtTail(s, dim: dim)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> Tensor<Scalar> {
        try checkInput(x, channels: dim, block: Self.id)
        if x.shape[0] == 0 { return Tensor(zeros: x.shape) }  // empty batch: empty output of the same shape, as PyTorch
        // Both halves in one pass over the planes, without splitting or concatenating channels.
        let (h, w) = (try gccH.instance(length: x.shape[2]), try gccW.instance(length: x.shape[3]))
        let mixed: Tensor<Scalar>
        do {
            mixed = try CircularConvolution1D.pair(x, height: h.conv, heightAdd: h.pe, width: w.conv, widthAdd: w.pe,
                                                   path: path, options: options)
        } catch { throw .convolution(error) }
        let out = tail(input: x, mixed: mixed, threads: options.threads)
        TensorStoragePool.recycle(mixed)
        return out
    }
}
