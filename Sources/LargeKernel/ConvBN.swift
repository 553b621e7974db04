import GlobalConv

/// A depthwise conv without bias followed by an eval BatchNorm: the `conv_bn` unit of RepLKNet and
/// SLaK (`state_dict` keys `conv.weight`, `bn.*`) and UniRepLKNet's `dil_conv_k{k}_{r}` + `dil_bn_k{k}_{r}`.
///
/// `y = BN(conv(x))`, the conv zero-padded by ``DepthwiseKernel/centrePadding`` (`extent/2` per axis:
/// `(kh//2, kw//2)` for a dense kernel, `⌊(r·(k−1)+1)/2⌋` for a dilated one). The unmerged forward of a
/// re-parameterisable block, `Σ_b BN_b(conv_b(x))`, is `forwardSum(of:_:path:options:what:)` (ReparamBranchSum.swift). A value
/// type, `Sendable`.
public struct ConvBN<Scalar: TensorScalar>: Sendable, Equatable {
    /// The conv, bias zero; `[C, 1, kh, kw]` with its dilation.
    public let kernel: DepthwiseKernel<Scalar>
    /// The BatchNorm after it.
    public let bn: BatchNormParameters<Scalar>

    /// - Parameters:
    ///   - weight: `conv.weight`, `[C, 1, kh, kw]` (the conv has no bias).
    ///   - dilation: the conv's dilation (1 except in UniRepLKNet's dilated branches).
    ///   - bn: `bn.*` over the same `C`.
    /// - Throws: ``LargeKernelError`` for inconsistent shapes.
    public init(weight: Tensor<Scalar>, dilation: Size2D = Size2D(1), bn: BatchNormParameters<Scalar>) throws(LargeKernelError) {
        let kernel = try DepthwiseKernel(weight: weight, bias: nil, dilation: dilation)
        guard bn.channels == kernel.channels else {
            throw .shapeMismatch("conv weight \(weight.shape) has \(kernel.channels) channels, its BatchNorm \(bn.channels)")
        }
        self.kernel = kernel
        self.bn = bn
    }

    /// Number of channels `C`.
    public var channels: Int { kernel.channels }

    /// `BN(conv(x))` with the conv along `path`, then BN applied in the definition's order.
    /// - Throws: ``LargeKernelError`` when `x` does not fit.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ x: Tensor<Scalar>, path: ConvolutionPath = .auto,
                        options: ExecutionOptions = .default) throws(LargeKernelError) -> Tensor<Scalar> {
        try bn.apply(kernel.forward(x, path: path, options: options), threads: options.threads)
    }

    /// The single conv equal to `BN ∘ conv` (``DepthwiseKernel/fusingBatchNorm(_:)``), exact everywhere.
    public func fused() -> DepthwiseKernel<Scalar> {
        // Channel counts were checked at construction.
        try! kernel.fusingBatchNorm(bn)
    }
}
