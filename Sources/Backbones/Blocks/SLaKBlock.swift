import GlobalConv
import LargeKernel

/// `slak.block`: `x + γ ⊙ pwconv2(GELU(pwconv1(LN(large_kernel(x)))))` (ConvNeXt layout, SLaK kernel).
/// Config `dim` (alias `channels`), `kernel_size [K, N]`. Keys `large_kernel.*`, `norm.*`, `pwconv1.*`,
/// `pwconv2.*`, `gamma`.
public struct SLaKBlock<Scalar: TensorScalar>: Block {
    public static var id: String { "slak.block" }
    public let dim: Int
    public let largeKernel: SLaKLargeKernelConv<Scalar>
    let tail: ConvNeXtTail<Scalar>

    /// Builds the block from a JSON config (``SLaKBlockConfig/parse(_:)``: every missing and unknown key in one error).
    public init(config: BlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        try self.init(config: SLaKBlockConfig.parse(config), stateDict: stateDict)
    }

    /// Builds the block from its typed config (defaults: ``SLaKBlockConfig``) and a state_dict, loaded strictly.
    /// - Throws: ``BackboneError/config(block:message:)`` for values the block cannot take,
    ///   ``BackboneError/stateDict(_:)`` listing every missing, unexpected and mis-shaped key.
    public init(config: SLaKBlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let check = TypedConfigCheck(block: Self.id)
        try check.atLeast(config.dim, "dim")
        let dim = config.dim
        let (k, n) = try checkSLaKKernel(config.kernelSize, block: Self.id)
        self = try loadStrictly(stateDict, block: Self.id) { (s) throws(BackboneError) in try Self(s, dim: dim, kernel: k, small: n) }
    }

    /// Loads the block's tensors under `scope` (a model's `stages.{s}.{j}.`); the caller's loader reports
    /// missing, unexpected and mis-shaped keys. `kernel`/`small` must have passed `slakKernel()`'s checks;
    /// `decom` and `bn` are the model's `Decom` and `bn` flags (``SLaKTensors``).
    init(_ s: StateDictScope<Scalar>, dim: Int, kernel k: Int, small n: Int, decom: Bool = true, bn: Bool = true) throws(BackboneError) {
        self.dim = dim
        let t = try SLaKTensors(s.scope("large_kernel"), channels: dim, big: k, small: n, decom: decom, bn: bn)
        tail = try ConvNeXtTail(s, dim: dim)
        largeKernel = try t.build()
    }

    private init(_ other: SLaKBlock, largeKernel: SLaKLargeKernelConv<Scalar>) {
        (dim, tail, self.largeKernel) = (other.dim, other.tail, largeKernel)
    }

    /// The block with its kernel branches merged into one K×K kernel.
    public func merged() -> SLaKBlock { SLaKBlock(self, largeKernel: largeKernel.merged()) }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> Tensor<Scalar> {
        try checkInput(x, channels: dim, block: Self.id)
        if x.shape[0] == 0 { return Tensor(zeros: x.shape) }  // empty batch: empty output of the same shape, as PyTorch
        let mixed = try Backbones.largeKernel { () throws(LargeKernelError) in try largeKernel.forward(x, path: path, options: options) }
        let out = tail(input: x, mixed: mixed, threads: options.threads)
        TensorStoragePool.recycle(mixed)
        return out
    }
}
