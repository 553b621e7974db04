extension CircularConvolution1D {
    /// Whether `.auto` takes the FFT path: `L` at least 144 along ``ConvolutionAxis/width`` or 288 along
    /// ``ConvolutionAxis/height`` (where the FFT path pays two transposes), and `L` without a prime factor
    /// above 7 (FFTW's slower algorithms for other lengths lost everywhere we measured: `L = 97` took 12 ms
    /// by FFT against 1.1 ms direct).
    ///
    /// Measured on the development machine (AVX-512, `[1, 64, L, L]` Float32, one thread, best of 7–9,
    /// `PlanningEffort.estimate`; Docs/architecture.md): along W the FFT costs 1.6× the direct loop at
    /// `L = 56`, about the same at 112–140, 0.6× at 144, 0.5× at 192, 0.3× at 256; along H 2.4× at 56,
    /// about the same at 256–320, 0.7× at 384. A rough rule until the planner covers 1-D problems.
    var prefersFFT: Bool {
        FFTSize.isFast(length) && length >= (axis == .width ? 144 : 288)
    }

    /// `conj(r2c(w_c)) / L` for every channel `c`: `C` half spectra of `L/2 + 1` interleaved complex values.
    func kernelSpectrum(effort: PlanningEffort) throws(ConvolutionError) -> KernelSpectrumCache<Scalar>.Spectrum {
        let l = length
        let key = KernelSpectrumCache<Scalar>.Key(transform: Size2D(height: 1, width: l), mode: .circular)
        return try spectra.spectrum(for: key) { () throws(ConvolutionError) -> [Scalar] in
            let plan = try FFTPlanCache.shared.plan(for: .contiguous(Scalar.precision, .forward, dims: [l], effort: effort))
            let half = plan.descriptor.complexCount
            let real = AlignedBuffer<Scalar>(count: l)
            let spectrum = AlignedBuffer<Scalar>(count: 2 * half)
            let scale = 1 / Scalar(l)
            var out = [Scalar](repeating: 0, count: channels * 2 * half)
            for c in 0..<channels {
                for k in 0..<l { real.pointer[k] = weight.scalars[c * l + k] }
                plan.forward(real: real.pointer, complex: spectrum.pointer)
                for k in 0..<half {
                    out[(c * half + k) * 2] = spectrum.pointer[2 * k] * scale
                    out[(c * half + k) * 2 + 1] = -spectrum.pointer[2 * k + 1] * scale
                }
            }
            return out
        }
    }

    /// The FFT path (Fast-ParC): per signal along the axis, `y = c2r(r2c(x) ⊙ conj(r2c(w)))/L + b`,
    /// exactly the circular correlation for every `L` (odd and prime included; FFTW handles any length).
    ///
    /// Each plane is copied into an aligned buffer as contiguous signals — its rows along ``ConvolutionAxis/width``,
    /// its transpose along ``ConvolutionAxis/height`` (FFTW's strided column transforms measured 2–10×
    /// slower than the transpose) — then one batched row plan pair runs, and the result is copied back
    /// (transposed again along height) with the bias added. Parallel over the `N·C` planes.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func fft(_ input: Tensor<Scalar>, options: ExecutionOptions) throws(ConvolutionError) -> Tensor<Scalar> {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let l = length, signals = axis == .height ? w : h
        let spectrum = try kernelSpectrum(effort: options.effort)
        let forward = try FFTPlanCache.shared.plan(
            for: .contiguous(Scalar.precision, .forward, dims: [l], howMany: signals, effort: options.effort))
        let inverse = try FFTPlanCache.shared.plan(
            for: .contiguous(Scalar.precision, .inverse, dims: [l], howMany: signals, effort: options.effort))
        let half = forward.descriptor.complexCount
        let transposed = axis == .height
        var output = Tensor<Scalar>(shape: input.shape, scalars: TensorStoragePool.take(input.count))  // all written below
        input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                spectrum.values.withUnsafeBufferPointer { spec in
                    let (x, y, spec) = (x.baseAddress!, y.baseAddress!, spec.baseAddress!)
                    parallelChunks(n * c, threads: options.threads) { planes in
                        let real = AlignedBuffer<Scalar>(count: h * w)
                        let freq = AlignedBuffer<Scalar>(count: 2 * half * signals)
                        for plane in planes {
                            let ch = plane % c
                            let (src, dst) = (x + plane * h * w, y + plane * h * w)
                            if transposed {
                                transpose(src, rows: h, columns: w, into: real.pointer)
                            } else {
                                real.pointer.update(from: src, count: h * w)
                            }
                            forward.forward(real: real.pointer, complex: freq.pointer)
                            for s in 0..<signals {
                                multiplyComplex(freq.pointer + 2 * half * s, by: spec + ch * 2 * half, count: half)
                            }
                            inverse.inverse(complex: freq.pointer, real: real.pointer)
                            let b = bias?.scalars[ch] ?? 0
                            if transposed {
                                transpose(real.pointer, rows: w, columns: h, into: dst, adding: b)
                            } else {
                                for i in 0..<(h * w) { dst[i] = real.pointer[i] + b }
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}

/// `dst[j·rows + i] = src[i·columns + j] + add` for a `rows × columns` row-major `src`, in 32×32 blocks.
@_specialize(where S == Float)
@_specialize(where S == Double)
private func transpose<S: TensorScalar>(_ src: UnsafePointer<S>, rows: Int, columns: Int,
                                        into dst: UnsafeMutablePointer<S>, adding add: S = 0) {
    let block = 32
    for i0 in stride(from: 0, to: rows, by: block) {
        for j0 in stride(from: 0, to: columns, by: block) {
            for i in i0..<min(i0 + block, rows) {
                for j in j0..<min(j0 + block, columns) { dst[j * rows + i] = src[i * columns + j] + add }
            }
        }
    }
}
