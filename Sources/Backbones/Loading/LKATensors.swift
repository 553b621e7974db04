import GlobalConv
import LargeKernel

/// The tensors of an LKA under a scope.
struct LKATensors<Scalar: TensorScalar>: Sendable {
    let decomposition: LKADecomposition
    let w0: Tensor<Scalar>, b0: Tensor<Scalar>, ws: Tensor<Scalar>, bs: Tensor<Scalar>, w1: Tensor<Scalar>, b1: Tensor<Scalar>

    init(_ s: StateDictScope<Scalar>, channels c: Int, decomposition dec: LKADecomposition) throws(BackboneError) {
        decomposition = dec
        let (l, k) = (dec.localSize, dec.spatialSize)
        (w0, b0) = try (s.take("conv0.weight", [c, 1, l, l]), s.take("conv0.bias", [c]))
        (ws, bs) = try (s.take("conv_spatial.weight", [c, 1, k, k]), s.take("conv_spatial.bias", [c]))
        (w1, b1) = try (s.take("conv1.weight", [c, c, 1, 1]), s.take("conv1.bias", [c]))
    }

    func build() throws(BackboneError) -> LargeKernelAttention<Scalar> {
        try largeKernel { () throws(LargeKernelError) in
            try LargeKernelAttention(decomposition: decomposition, conv0Weight: w0, conv0Bias: b0,
                                     convSpatialWeight: ws, convSpatialBias: bs, conv1Weight: w1, conv1Bias: b1)
        }
    }
}
