extension CircularConvolution1D {
    /// The direct path, `O(L²)` per signal: `y[i] = b + Σ_{k<L} w[k]·x[(i+k) mod L]` summed tap by tap
    /// in `Scalar` (bias first, then `k` ascending; fused multiply-adds where the CPU has them).
    ///
    /// Each plane is copied once into its periodic extension along the axis (`2L − 1` samples, ParC's
    /// concatenation), which ``DirectKernel2D`` then correlates with the `L × 1` or `1 × L` kernel
    /// without bounds checks: vectorised over `W` (along `H`) or over outputs of a row (along `W`).
    /// Parallel over the `N·C` planes on `threads` workers.
    func direct(_ input: Tensor<Scalar>, threads: Int, variant: DirectKernel2D.Variant = .best) -> Tensor<Scalar> {
        let map = Size2D(height: input.shape[2], width: input.shape[3])
        let extent = axis == .height
            ? Size2D(height: 2 * map.height - 1, width: map.width)
            : Size2D(height: map.height, width: 2 * map.width - 1)
        let source = DirectSource2D(periodicMap: map, extent: extent)
        let kernel = DirectKernel2D(
            kernel: axis == .height ? Size2D(height: length, width: 1) : Size2D(height: 1, width: length),
            dilation: Size2D(1), output: map)
        return DirectPlanes.correlate(input, outputShape: input.shape, source: source, kernel: kernel,
                                      weights: weight, bias: bias, threads: threads, variant: variant)
    }
}
