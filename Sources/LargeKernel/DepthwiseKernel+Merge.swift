import GlobalConv

extension DepthwiseKernel {
    /// Merges parallel branches that read the same input, each run with its own ``centrePadding`` and
    /// summed, into one dense kernel of the largest extent:
    /// `W = Σ_b centrePad(densify(W_b))`, `bias = Σ_b bias_b`, summed in the order given (branch 0 first,
    /// as the official RepLKNet and UniRepLKNet merges add).
    ///
    /// Exact at every output position, borders included: each branch's taps read the same zero-padded
    /// input positions before and after padding, and the sum of correlations is the correlation with
    /// the sum. The result is run with its own ``centrePadding``.
    /// - Throws: ``LargeKernelError/invalidArgument(_:)`` for no branches,
    ///   ``LargeKernelError/shapeMismatch(_:)`` when channel counts differ,
    ///   ``LargeKernelError/notExactlyMergeable(_:)`` when extents differ in parity along an axis (their
    ///   outputs would differ in size, so the branches cannot even be summed).
    public static func parallelMerge(_ branches: [DepthwiseKernel]) throws(LargeKernelError) -> DepthwiseKernel {
        guard let first = branches.first else { throw .invalidArgument("parallelMerge needs at least one branch") }
        let target = Size2D(height: branches.map(\.extent.height).max()!, width: branches.map(\.extent.width).max()!)
        for b in branches {
            guard b.channels == first.channels else {
                throw .shapeMismatch("branches have \(first.channels) and \(b.channels) channels (\(first.weight.shape), \(b.weight.shape))")
            }
            try checkParity(b.extent, target)
        }
        var w = Tensor<Scalar>(zeros: [first.channels, 1, target.height, target.width])
        var bias = Tensor<Scalar>(zeros: [first.channels])
        for (index, branch) in branches.enumerated() {
            let padded = try branch.centrePadded(to: target)
            if index == 0 {
                w = padded.weight
                bias = padded.bias
            } else {
                for k in 0..<w.count { w.scalars[k] = w.scalars[k] + padded.weight.scalars[k] }
                for c in 0..<bias.count { bias.scalars[c] = bias.scalars[c] + padded.bias.scalars[c] }
            }
        }
        return DepthwiseKernel(validWeight: w, bias: bias, dilation: Size2D(1))
    }

    /// `self` and `other` merged in parallel (``parallelMerge(_:)`` of `[self, other]`).
    public func adding(_ other: DepthwiseKernel) throws(LargeKernelError) -> DepthwiseKernel {
        try Self.parallelMerge([self, other])
    }
}
