import GlobalConv
import LargeKernel

/// A block that is one LargeKernel large-kernel convolution and nothing else (``DilatedReparamConvBlock``,
/// ``SLaKLargeKernelBlock``, ``RepLKLargeKernelBlock``). Each builds itself from its typed config; this
/// gives all three the JSON-config initialiser and `forward`: the input checked against the block's
/// channels, an empty batch returned as an empty output (as PyTorch), the convolution run on the
/// requested path.
package protocol LargeKernelConvolutionBlock: Block {
    associatedtype Convolution: LargeKernelConvolution<Scalar>
    associatedtype Config: TypedBlockConfig

    /// The wrapped convolution.
    var conv: Convolution { get }

    /// C, the channels the input must have.
    var channels: Int { get }

    /// Builds the block from its typed config and a state_dict, loaded strictly.
    init(config: Config, stateDict: [String: Tensor<Scalar>]) throws(BackboneError)
}

extension LargeKernelConvolutionBlock {
    /// Builds the block from a JSON config (`Config.parse(_:)`: every missing and unknown key in one error).
    public init(config: BlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        try self.init(config: Config.parse(config), stateDict: stateDict)
    }

    public func forward(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> Tensor<Scalar> {
        try checkInput(x, channels: channels, block: Self.id)
        if x.shape[0] == 0 { return Tensor(zeros: x.shape) }  // empty batch: empty output of the same shape, as PyTorch
        return try largeKernel { () throws(LargeKernelError) in try conv.forward(x, path: path, options: options) }
    }
}
