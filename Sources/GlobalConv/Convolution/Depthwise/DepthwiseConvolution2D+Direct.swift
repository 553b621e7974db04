extension DepthwiseConvolution2D {
    /// The direct path: `y[n,c,i,j] = b[c] + Σ_u Σ_v w[c,0,u,v]·x̃[n,c,i+dh·u−ph, j+dw·v−pw]` summed tap
    /// by tap in `Scalar`: the bias first, then `u`-major, `v`-minor (fused multiply-adds where the CPU
    /// has them, see ``DirectKernel2D``).
    ///
    /// Each plane is read from a zero-padded or periodically extended copy (``DirectSource2D``; none
    /// without padding), so the vectorised kernel (``DirectKernel2D``) needs no bounds checks; register
    /// tiles skip the taps that reach only zero padding for the whole tile. A NaN or Inf in the input
    /// reaches exactly the outputs whose footprint holds it. Parallel over the `N·C` planes on
    /// `threads` workers.
    func direct(_ input: Tensor<Scalar>, outputShape: [Int], threads: Int,
                variant: DirectKernel2D.Variant = .best, activation: Activation? = nil) -> Tensor<Scalar> {
        let (source, kernel) = directOperands(map: Size2D(height: input.shape[2], width: input.shape[3]),
                                              output: Size2D(height: outputShape[2], width: outputShape[3]))
        return DirectPlanes.correlate(input, outputShape: outputShape, source: source, kernel: kernel,
                                      weights: weight, bias: bias, threads: threads, variant: variant, activation: activation)
    }

    /// The direct path's source layout and kernel for input planes of `map` and output planes of `output`.
    func directOperands(map: Size2D, output: Size2D) -> (source: DirectSource2D, kernel: DirectKernel2D) {
        (DirectSource2D(geometry: geometry, map: map),
         DirectKernel2D(kernel: geometry.kernel, dilation: geometry.dilation, output: output))
    }
}
