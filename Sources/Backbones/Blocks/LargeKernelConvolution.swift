import GlobalConv
import LargeKernel

/// A LargeKernel depthwise large-kernel convolution that a block wraps whole (``DilatedReparamBlock``,
/// ``SLaKLargeKernelConv``, ``ReparamLargeKernelConv``): its forward pass on a requested path.
package protocol LargeKernelConvolution<Scalar>: Sendable {
    associatedtype Scalar: TensorScalar

    /// The convolution of `x` (`[N, C, H, W]`), each of its convs along `path`.
    /// - Throws: ``LargeKernelError`` when `x` does not fit.
    func forward(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(LargeKernelError) -> Tensor<Scalar>
}

extension DilatedReparamBlock: LargeKernelConvolution {}

extension SLaKLargeKernelConv: LargeKernelConvolution {}

extension ReparamLargeKernelConv: LargeKernelConvolution {}
