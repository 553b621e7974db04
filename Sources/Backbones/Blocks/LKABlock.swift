import GlobalConv
import LargeKernel

/// `van.lka`: VAN's Large Kernel Attention (LargeKernel's ``LargeKernelAttention``):
/// `x ⊙ conv1(conv_spatial(conv0(x)))`, `conv0` depthwise (2d−1)², `conv_spatial` ⌈K/d⌉² dilated d,
/// `conv1` 1×1. Config `dim`, `kernel_size` (21), `dilation` (3). Keys `conv0.*`, `conv_spatial.*`,
/// `conv1.*`. The two depthwise convs run on the requested path, each its own convolution.
public struct LKABlock<Scalar: TensorScalar>: Block {
    public static var id: String { "van.lka" }
    public let lka: LargeKernelAttention<Scalar>

    /// Builds the block from a JSON config (``LKABlockConfig/parse(_:)``: every missing and unknown key in one error).
    public init(config: BlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        try self.init(config: LKABlockConfig.parse(config), stateDict: stateDict)
    }

    /// Builds the block from its typed config (defaults: ``LKABlockConfig``) and a state_dict, loaded strictly.
    /// - Throws: ``BackboneError/config(block:message:)`` for values the block cannot take,
    ///   ``BackboneError/stateDict(_:)`` listing every missing, unexpected and mis-shaped key.
    public init(config: LKABlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let check = TypedConfigCheck(block: Self.id)
        try check.atLeast(config.dim, "dim")
        try check.atLeast(config.kernelSize, "kernel_size")
        try check.atLeast(config.dilation, "dilation")
        let (dim, k, d) = (config.dim, config.kernelSize, config.dilation)
        let dec: LKADecomposition
        do { dec = try LKADecomposition(kernelSize: k, dilation: d) } catch { throw .config(block: Self.id, message: "\(error)") }
        let t = try loadStrictly(stateDict, block: Self.id) { (s) throws(BackboneError) in try LKATensors(s, channels: dim, decomposition: dec) }
        lka = try t.build()
    }

    public var channels: Int { lka.channels }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> Tensor<Scalar> {
        try checkInput(x, channels: channels, block: Self.id)
        if x.shape[0] == 0 { return Tensor(zeros: x.shape) }  // empty batch: empty output of the same shape, as PyTorch
        return try largeKernel { () throws(LargeKernelError) in try lka.forward(x, path: path, options: options) }
    }
}
