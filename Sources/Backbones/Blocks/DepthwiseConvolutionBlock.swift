import GlobalConv

/// `conv2d.depthwise`: one `nn.Conv2d(C, C, (kh, kw), padding=(ph, pw), dilation=(dh, dw), groups=C,
/// bias=…, padding_mode=…)`, stride 1: `y[n,c,i,j] = b[c] + Σ_u Σ_v w[c,0,u,v]·x̃[n,c,i+dh·u−ph, j+dw·v−pw]`
/// (cross-correlation; `x̃` zero outside the map, or periodic for `circular`).
///
/// Keys `weight [C,1,kh,kw]`, `bias [C]` (when `bias`). Config `channels`, `kernel_size [kh,kw]`,
/// `dilation [dh,dw]` (default 1), `padding [ph,pw]` (default 0), `padding_mode` (`zeros`), `bias` (true).
/// The whole block is the engine's convolution, so every path applies as is.
public struct DepthwiseConvolutionBlock<Scalar: TensorScalar>: Block {
    public static var id: String { "conv2d.depthwise" }
    let conv: DepthwiseLayer<Scalar>
    public let channels: Int

    /// Builds the block from a JSON config (``DepthwiseConvolutionBlockConfig/parse(_:)``: every missing and unknown key in one error).
    public init(config: BlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        try self.init(config: DepthwiseConvolutionBlockConfig.parse(config), stateDict: stateDict)
    }

    /// Builds the block from its typed config (defaults: ``DepthwiseConvolutionBlockConfig``) and a state_dict, loaded strictly.
    /// - Throws: ``BackboneError/config(block:message:)`` for values the block cannot take,
    ///   ``BackboneError/stateDict(_:)`` listing every missing, unexpected and mis-shaped key.
    public init(config: DepthwiseConvolutionBlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let check = TypedConfigCheck(block: Self.id)
        try check.atLeast(config.channels, "channels")
        try check.each(config.kernelSize, "kernel_size")
        try check.each(config.dilation, "dilation")
        try check.each(config.padding, "padding", 0)
        let channels = config.channels
        try checkPair(config.kernelSize, "kernel_size", block: Self.id)
        try checkPair(config.dilation, "dilation", block: Self.id)
        try checkPair(config.padding, "padding", block: Self.id)
        let (k, d, p, bias) = (config.kernelSize, config.dilation, config.padding, config.bias)
        let mode = config.paddingMode.rawValue
        self.channels = channels
        conv = try loadStrictly(stateDict, block: Self.id) { (s) throws(BackboneError) in
            try DepthwiseLayer(s, channels: channels, kernel: Size2D(height: k[0], width: k[1]),
                               dilation: Size2D(height: d[0], width: d[1]), padding: Size2D(height: p[0], width: p[1]),
                               paddingMode: mode == "circular" ? .circular : .zeros, bias: bias)
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> Tensor<Scalar> {
        try checkInput(x, channels: channels, block: Self.id)
        return try conv(x, path: path, options: options)
    }
}
