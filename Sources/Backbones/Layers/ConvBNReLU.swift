import GlobalConv
import LargeKernel

/// RepLKNet's `conv_bn_relu` unit: a bias-free conv, eval BatchNorm, ReLU — `y = max(BN(conv(x)), 0)`.
/// Keys `conv.weight`, `bn.{weight, bias, running_mean, running_var}`; or, after the official
/// `deep_fuse_BN()`, `y = max(conv'(x), 0)` with the BN in the conv's bias: keys `conv.weight`, `conv.bias`
/// (``StateDictScope/holdsFusedConvBN()``).
///
/// The conv is one of: a dense `Convolution2D` (im2col + the 1×1 kernel, BN and ReLU in its epilogue; a
/// grouped one through GEMM, then one BN+ReLU pass), a depthwise `k × k` with stride on the engine's
/// requested path (``StridedDepthwiseLayer``, then one BN+ReLU pass), or a 1×1 `PointwiseConvolution` with
/// BN and ReLU in its epilogue. Immutable; thread-safe.
struct ConvBNReLU<Scalar: TensorScalar>: Sendable {
    enum Conv: Sendable {
        case dense(Convolution2D<Scalar>)
        case depthwise(StridedDepthwiseLayer<Scalar>)
        case pointwise(PointwiseConvolution<Scalar>)
    }
    let conv: Conv
    /// The BatchNorm; `nil` in the BN-fused key set (the conv has the bias then).
    let bn: BatchNormParameters<Scalar>?
    /// The key prefix, for error messages.
    let name: String

    /// `cin → cout`, `k × k`, `stride`, padding `k/2`, `groups` (1, or `cin = cout` for depthwise).
    init(_ s: StateDictScope<Scalar>, in cin: Int, out cout: Int, kernel k: Int, stride: Int, groups: Int) throws(BackboneError) {
        name = String(s.prefix.dropLast())
        let fused = s.holdsFusedConvBN()
        if groups > 1 && groups == cin && cin == cout {
            conv = .depthwise(try StridedDepthwiseLayer(s.scope("conv"), channels: cin, kernel: k, stride: stride, bias: fused))
        } else if k == 1 && stride == 1 && groups == 1 {
            conv = .pointwise(try PointwiseConvolution(s.scope("conv"), in: cin, out: cout, bias: fused))
        } else {
            conv = .dense(try Convolution2D(s.scope("conv"), in: cin, out: cout, kernel: Size2D(k), stride: Size2D(stride),
                                            padding: Size2D(k / 2), groups: groups, bias: fused))
        }
        bn = fused ? nil : try BatchNormParameters(s.scope("bn"), channels: cout)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func callAsFunction(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions, model: String) throws(BackboneError) -> Tensor<Scalar> {
        let threads = options.threads
        switch conv {
        case .pointwise(let p):
            return p(x, input: .identity, epilogue: PointwiseEpilogue(affine: bn?.affine, activation: .relu), threads: threads)
        case .dense(let c) where c.groups == 1:
            // BN and ReLU inside the 1×1 kernel's pass over the im2col matrix.
            return try c.run(x, epilogue: PointwiseEpilogue(affine: bn?.affine, activation: .relu), threads: threads, model: model,
                             layer: name + ".conv")
        case .dense(let c):
            return normalizingThenReLU(try c.run(x, threads: threads, model: model, layer: name + ".conv"), threads: threads)
        case .depthwise(let d):
            return normalizingThenReLU(try d(x, path: path, options: options), threads: threads)
        }
    }

    /// `ReLU(BN(y))` in one pass, or ReLU alone in the BN-fused key set (the conv added the bias).
    private func normalizingThenReLU(_ y: consuming Tensor<Scalar>, threads: Int) -> Tensor<Scalar> {
        if let bn { return bn.normalizingThenReLU(y, threads: threads) }
        var y = y
        Activation.relu.apply(to: &y, threads: threads)
        return y
    }
}
