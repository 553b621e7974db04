extension CircularConvolution1D {
    /// The shortest kernel length `L` for which `.auto` takes the FFT path.
    /// (`Int.max` until the FFT path below exists: `.auto` is then always direct.)
    static var autoFFTMinimumLength: Int { .max }

    /// The FFT path (Fast-ParC): `y = c2r(r2c(x) ⊙ conj(r2c(w))) / L` along the axis, bias after.
    /// (Placeholder until the FFT layer (`RealFFTPlan`) lands on main: computes the direct path.)
    func fft(_ input: Tensor<Scalar>, options: ExecutionOptions) throws(ConvolutionError) -> Tensor<Scalar> {
        direct(input, threads: options.threads)
    }
}
