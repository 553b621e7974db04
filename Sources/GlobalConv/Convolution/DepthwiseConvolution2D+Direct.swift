extension DepthwiseConvolution2D {
    /// The direct path: `y[n,c,i,j] = b[c] + Σ_u Σ_v w[c,0,u,v]·x̃[n,c,i+dh·u−ph, j+dw·v−pw]` summed tap
    /// by tap, `u`-major, in `Scalar`, by ``DirectPlaneKernel`` (a padded copy per plane, then the
    /// C register-blocked kernel). A NaN or Inf in the input reaches exactly the outputs whose footprint
    /// holds it. Parallel over the `N·C` planes on `threads` workers.
    func direct(_ input: Tensor<Scalar>, outputShape: [Int], threads: Int) -> Tensor<Scalar> {
        DirectPlaneKernel(geometry: geometry, map: Size2D(height: input.shape[2], width: input.shape[3]),
                          output: Size2D(height: outputShape[2], width: outputShape[3]))
            .runPlanes(input, weights: weight, bias: bias, threads: threads)
    }
}
