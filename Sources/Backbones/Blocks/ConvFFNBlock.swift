import GlobalConv
import LargeKernel

/// `replknet.convffn`: RepLKNet's `ConvFFN(in, internal, out)`,
/// `x + pw2(GELU(pw1(preffn_bn(x))))`, each `pw` a bias-free 1×1 conv → BN.
///
/// Purely per-pixel (GEMMs through OpenBLAS): there is no spatial convolution, so `path` does not
/// change the arithmetic. Keys `preffn_bn.*`, `pw1.conv.weight [internal,in,1,1]`, `pw1.bn.*`,
/// `pw2.conv.weight [out,internal,1,1]`, `pw2.bn.*`. Config `in_channels`, `internal_channels`,
/// `out_channels` (must equal `in_channels`: the block adds its input).
public struct ConvFFNBlock<Scalar: TensorScalar>: Block {
    public static var id: String { "replknet.convffn" }
    public let inChannels: Int, internalChannels: Int
    let preBN: BatchNormParameters<Scalar>
    let pw1: PointwiseConvBN<Scalar>, pw2: PointwiseConvBN<Scalar>

    /// Builds the block from a JSON config (``ConvFFNBlockConfig/parse(_:)``: every missing and unknown key in one error).
    public init(config: BlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        try self.init(config: ConvFFNBlockConfig.parse(config), stateDict: stateDict)
    }

    /// Builds the block from its typed config (defaults: ``ConvFFNBlockConfig``) and a state_dict, loaded strictly.
    /// - Throws: ``BackboneError/config(block:message:)`` for values the block cannot take,
    ///   ``BackboneError/stateDict(_:)`` listing every missing, unexpected and mis-shaped key.
    public init(config: ConvFFNBlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let check = TypedConfigCheck(block: Self.id)
        try check.atLeast(config.inChannels, "in_channels")
        try check.atLeast(config.internalChannels, "internal_channels")
        try check.atLeast(config.outChannels, "out_channels")
        let (cin, mid, cout) = (config.inChannels, config.internalChannels, config.outChannels)
        guard cout == cin else {
            throw .config(block: Self.id, message: "\"out_channels\" (\(cout)) must equal \"in_channels\" (\(cin)): the block adds its input")
        }
        self = try loadStrictly(stateDict, block: Self.id) { (s) throws(BackboneError) in try Self(s, channels: cin, internal: mid) }
    }

    /// Loads the block's tensors under `scope` (a model's `stages.{s}.blocks.{2m+1}.`); the caller's
    /// loader reports missing, unexpected and mis-shaped keys.
    init(_ s: StateDictScope<Scalar>, channels cin: Int, internal mid: Int) throws(BackboneError) {
        (inChannels, internalChannels) = (cin, mid)
        preBN = try BatchNormParameters(s.scope("preffn_bn"), channels: cin)
        pw1 = try PointwiseConvBN(s.scope("pw1"), in: cin, out: mid)
        pw2 = try PointwiseConvBN(s.scope("pw2"), in: mid, out: cin)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> Tensor<Scalar> {
        try checkInput(x, channels: inChannels, block: Self.id)
        if x.shape[0] == 0 { return Tensor(zeros: x.shape) }  // empty batch: empty output of the same shape, as PyTorch
        // One fused two-layer pass: preffn_bn on the input, pw1's BN and GELU, pw2's BN and the residual.
        return PointwiseConvolution.chain(x, input: .affine(preBN.affine),
                                          pw1.conv, hidden: PointwiseEpilogue(affine: pw1.affine, activation: .gelu),
                                          pw2.conv, epilogue: PointwiseEpilogue(affine: pw2.affine, residual: x),
                                          threads: options.threads)
    }
}
