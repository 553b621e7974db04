extension CircularConvolution1D {
    /// The direct path, `O(L²)` per signal: `y[i] = b + Σ_{k<L} w[k]·x[(i+k) mod L]` summed tap by tap.
    ///
    /// Each plane is copied into its periodic extension along the axis (`2L − 1` samples, ParC's
    /// concatenation), which ``DirectPlaneKernel`` correlates with the `L × 1` or `1 × L` kernel:
    /// vectorised over `W` (along `H`) or over the outputs of a row (along `W`). Parallel over the `N·C`
    /// planes on `threads` workers.
    func direct(_ input: Tensor<Scalar>, threads: Int) -> Tensor<Scalar> {
        let map = Size2D(height: input.shape[2], width: input.shape[3])
        let kernel = axis == .height ? Size2D(height: length, width: 1) : Size2D(height: 1, width: length)
        return DirectPlaneKernel(kernel: kernel, dilation: Size2D(1), offset: Size2D(0), circular: true,
                                 map: map, output: map)
            .runPlanes(input, weights: weight, bias: bias, threads: threads)
    }
}
