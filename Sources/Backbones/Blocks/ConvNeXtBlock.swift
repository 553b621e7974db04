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

    public init(config: BlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        var c = config
        let dim = try c.inputChannels("dim")
        let k = try c.int("kernel_size", default: 7)
        try c.finish()
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
