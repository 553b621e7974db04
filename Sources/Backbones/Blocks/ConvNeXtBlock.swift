import GlobalConv

/// `convnext.block`: ConvNeXt's block, `x + γ ⊙ pwconv2(GELU(pwconv1(LN(dwconv(x)))))`.
///
/// `dwconv` is depthwise `k × k` with padding `k/2` (odd `k`, default 7); the rest is
/// ``ConvNeXtTail``. Keys `dwconv.{weight [d,1,k,k],bias}`, `norm.*`, `pwconv1.*`, `pwconv2.*`, `gamma`.
/// Config `dim`, `kernel_size` (7). The `dwconv` runs on the requested path.
public struct ConvNeXtBlock<Scalar: TensorScalar>: Block {
    public static var id: String { "convnext.block" }
    public let dim: Int
    let dwconv: DepthwiseLayer<Scalar>
    let tail: ConvNeXtTail<Scalar>

    /// Builds the block from a JSON config (``ConvNeXtBlockConfig/parse(_:)``: every missing and unknown key in one error).
    public init(config: BlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        try self.init(config: ConvNeXtBlockConfig.parse(config), stateDict: stateDict)
    }

    /// Builds the block from its typed config (defaults: ``ConvNeXtBlockConfig``) and a state_dict, loaded strictly.
    /// - Throws: ``BackboneError/config(block:message:)`` for values the block cannot take,
    ///   ``BackboneError/stateDict(_:)`` listing every missing, unexpected and mis-shaped key.
    public init(config: ConvNeXtBlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let check = TypedConfigCheck(block: Self.id)
        try check.atLeast(config.dim, "dim")
        try check.atLeast(config.kernelSize, "kernel_size")
        let (dim, k) = (config.dim, config.kernelSize)
        guard k % 2 == 1 else { throw .config(block: Self.id, message: "\"kernel_size\" must be odd (padding k/2 keeps the map size only then), got \(k)") }
        self = try loadStrictly(stateDict, block: Self.id) { (s) throws(BackboneError) in try Self(s, dim: dim, kernelSize: k) }
    }

    /// Loads the block's tensors under `scope` (a model's `stages.{s}.{j}.`); the caller's loader reports
    /// missing, unexpected and mis-shaped keys. - Precondition: `kernelSize` is odd.
    init(_ s: StateDictScope<Scalar>, dim: Int, kernelSize k: Int) throws(BackboneError) {
        precondition(k % 2 == 1, "ConvNeXtBlock: kernel_size must be odd, got \(k)")
        self.dim = dim
        dwconv = try DepthwiseLayer(s.scope("dwconv"), channels: dim, same: k)
        tail = try ConvNeXtTail(s, dim: dim)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> Tensor<Scalar> {
        try checkInput(x, channels: dim, block: Self.id)
        if x.shape[0] == 0 { return Tensor(zeros: x.shape) }  // empty batch: empty output of the same shape, as PyTorch
        let mixed = try dwconv(x, path: path, options: options)
        let out = tail(input: x, mixed: mixed, threads: options.threads)
        TensorStoragePool.recycle(mixed)
        return out
    }
}
