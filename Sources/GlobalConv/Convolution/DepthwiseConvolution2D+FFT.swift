extension DepthwiseConvolution2D {
    /// The FFT path. (Placeholder until the FFT layer lands: computes the direct path.)
    func fft(_ input: Tensor<Scalar>, outputShape: [Int], options: ExecutionOptions) throws(ConvolutionError) -> Tensor<Scalar> {
        direct(input, outputShape: outputShape, threads: options.threads)
    }
}
