import GlobalConv
import LargeKernel

/// `replknet.block`: RepLKNet's `RepLKBlock(in_channels, dw_channels, block_lk_size, small_kernel)`:
/// `x + pw2(ReLU(large_kernel(pw1(prelkb_bn(x)))))`, `pw1` a 1×1 conv → BN → ReLU, `pw2` a 1×1 conv → BN.
///
/// Config `in_channels`, `dw_channels`, `block_lk_size`, `small_kernel`, `reparameterized` (false). Keys
/// `prelkb_bn.*`, `pw1.conv.weight [dw,in,1,1]`, `pw1.bn.*`, `large_kernel.*`, `pw2.conv.weight [in,dw,1,1]`, `pw2.bn.*`.
public struct RepLKBlock<Scalar: TensorScalar>: Block {
    public static var id: String { "replknet.block" }
    public let inChannels: Int
    let preBN: BatchNormParameters<Scalar>
    let pw1: PointwiseConvBN<Scalar>, pw2: PointwiseConvBN<Scalar>
    public let largeKernel: ReparamLargeKernelConv<Scalar>

    /// Builds the block from a JSON config (``RepLKBlockConfig/parse(_:)``: every missing and unknown key in one error).
    public init(config: BlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        try self.init(config: RepLKBlockConfig.parse(config), stateDict: stateDict)
    }

    /// Builds the block from its typed config (defaults: ``RepLKBlockConfig``) and a state_dict, loaded strictly.
    /// - Throws: ``BackboneError/config(block:message:)`` for values the block cannot take,
    ///   ``BackboneError/stateDict(_:)`` listing every missing, unexpected and mis-shaped key.
    public init(config: RepLKBlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let check = TypedConfigCheck(block: Self.id)
        try check.atLeast(config.inChannels, "in_channels")
        try check.atLeast(config.dwChannels, "dw_channels")
        try check.atLeast(config.blockLKSize, "block_lk_size")
        try check.atLeast(config.smallKernel, "small_kernel")
        let (cin, dw, k, s, merged) = (config.inChannels, config.dwChannels, config.blockLKSize, config.smallKernel, config.reparameterized)
        try RepLKLargeKernelBlock<Scalar>.checkKernels(k, s, block: Self.id)
        self = try loadStrictly(stateDict, block: Self.id) { (s0) throws(BackboneError) in
            try Self(s0, inChannels: cin, dwChannels: dw, kernel: k, small: s, merged: merged)
        }
    }

    /// Loads the block's tensors under `scope` (a model's `stages.{s}.blocks.{2m}.`); the caller's loader
    /// reports missing, unexpected and mis-shaped keys. The kernels must have passed
    /// `RepLKLargeKernelBlock.checkKernels`.
    init(_ s0: StateDictScope<Scalar>, inChannels cin: Int, dwChannels dw: Int, kernel k: Int, small s: Int?, merged: Bool) throws(BackboneError) {
        inChannels = cin
        preBN = try BatchNormParameters(s0.scope("prelkb_bn"), channels: cin)
        pw1 = try PointwiseConvBN(s0.scope("pw1"), in: cin, out: dw)
        pw2 = try PointwiseConvBN(s0.scope("pw2"), in: dw, out: cin)
        largeKernel = try RepLKTensors(s0.scope("large_kernel"), channels: dw, kernel: k, small: s, merged: merged).build()
    }

    private init(_ other: RepLKBlock, largeKernel: ReparamLargeKernelConv<Scalar>) {
        (inChannels, preBN, pw1, pw2, self.largeKernel) = (other.inChannels, other.preBN, other.pw1, other.pw2, largeKernel)
    }

    /// The block with its large kernel re-parameterised (`lkb_reparam`).
    public func merged() -> RepLKBlock { RepLKBlock(self, largeKernel: largeKernel.merged()) }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> Tensor<Scalar> {
        try checkInput(x, channels: inChannels, block: Self.id)
        if x.shape[0] == 0 { return Tensor(zeros: x.shape) }  // empty batch: empty output of the same shape, as PyTorch
        // prelkb_bn fused into pw1's input, pw1's BN and ReLU into its epilogue; pw2's BN and the residual into pw2's.
        let h = pw1.conv(x, input: .affine(preBN.affine), epilogue: PointwiseEpilogue(affine: pw1.affine, activation: .relu),
                         threads: options.threads)
        var l = try Backbones.largeKernel { () throws(LargeKernelError) in try largeKernel.forward(h, path: path, options: options) }
        Activation.relu.apply(to: &l, threads: options.threads)
        let out = pw2.conv(l, epilogue: PointwiseEpilogue(affine: pw2.affine, residual: x), threads: options.threads)
        TensorStoragePool.recycle(h, l)
        return out
    }
}
