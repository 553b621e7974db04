import GlobalConv

/// A depthwise `nn.Conv2d(C, C, (kh, kw), padding, dilation, groups=C, bias)` of a block, loaded from
/// `weight` `[C,1,kh,kw]` (and `bias` `[C]`) under a state_dict scope, run by the engine on the
/// requested path. Errors of the engine become ``BackboneError/convolution(_:)``.
struct DepthwiseLayer<Scalar: TensorScalar>: Sendable {
    let conv: DepthwiseConvolution2D<Scalar>

    init(_ scope: StateDictScope<Scalar>, channels: Int, kernel: Size2D, dilation: Size2D = Size2D(1),
         padding: Size2D, paddingMode: PaddingMode = .zeros, bias: Bool = true) throws(BackboneError) {
        let w = try scope.take("weight", [channels, 1, kernel.height, kernel.width])
        let b = try bias ? scope.take("bias", [channels]) : nil
        do { conv = try DepthwiseConvolution2D(weight: w, bias: b, dilation: dilation, padding: padding, paddingMode: paddingMode) }
        catch { throw .convolution(error) }
    }

    init(weight: Tensor<Scalar>, bias: Tensor<Scalar>?, dilation: Size2D = Size2D(1), padding: Size2D,
         paddingMode: PaddingMode = .zeros) throws(BackboneError) {
        do { conv = try DepthwiseConvolution2D(weight: weight, bias: bias, dilation: dilation, padding: padding, paddingMode: paddingMode) }
        catch { throw .convolution(error) }
    }

    /// "Same" padding `dilation·(k − 1)/2` for an odd kernel `k × k`.
    init(_ scope: StateDictScope<Scalar>, channels: Int, same k: Int, dilation: Int = 1, bias: Bool = true) throws(BackboneError) {
        try self.init(scope, channels: channels, kernel: Size2D(k), dilation: Size2D(dilation),
                      padding: Size2D(dilation * (k - 1) / 2), bias: bias)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func callAsFunction(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions,
                        activation: Activation? = nil) throws(BackboneError) -> Tensor<Scalar> {
        do { return try conv(x, path: path, options: options, activation: activation) }
        catch { throw .convolution(error) }
    }

    /// `output[:, outputStart ..< outputStart + C] = conv(x[:, inputStart ..< inputStart + C])` in place
    /// (``DepthwiseConvolution2D``'s channel-window call: the same numbers as slicing, convolving and
    /// writing back).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func callAsFunction(_ x: Tensor<Scalar>, channelsFrom inputStart: Int, into output: inout Tensor<Scalar>,
                        channelsAt outputStart: Int, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) {
        do { try conv(x, channelsFrom: inputStart, into: &output, channelsAt: outputStart, path: path, options: options) }
        catch { throw .convolution(error) }
    }
}

extension PointwiseConvolution {
    /// A 1×1 conv (`weight [out, in, 1, 1]`) or, with `linear`, an `nn.Linear` (`weight [out, in]`), under `scope`.
    init(_ scope: StateDictScope<Scalar>, in cin: Int, out cout: Int, linear: Bool = false, bias: Bool = true) throws(BackboneError) {
        let w = try scope.take("weight", linear ? [cout, cin] : [cout, cin, 1, 1])
        try self.init(weight: w, bias: bias ? scope.take("bias", [cout]) : nil)
    }
}
