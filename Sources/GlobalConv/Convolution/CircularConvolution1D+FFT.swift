extension CircularConvolution1D {
    /// The shortest kernel length `L` for which `.auto` takes the FFT path; see ``callAsFunction(_:path:options:)``
    /// and Docs/performance.md for the measurement behind it.
    static var autoFFTMinimumLength: Int { .max }

    /// The batched 1-D plans along ``axis`` for one `H × W` plane: `W` columns of stride `W` (height,
    /// spectra interleaved bin-major: bin `k` of column `j` at complex index `k·W + j`) or `H`
    /// contiguous rows (width, one half spectrum after another).
    private func planeDescriptor(_ direction: RealFFTDescriptor.Direction, map: Size2D,
                                 effort: PlanningEffort) -> RealFFTDescriptor {
        let half = length / 2 + 1
        switch axis {
        case .height:
            return RealFFTDescriptor(precision: Scalar.precision, direction: direction, dims: [length], howMany: map.width,
                                     realStride: map.width, realDistance: 1, complexStride: map.width, complexDistance: 1,
                                     effort: effort)
        case .width:
            return RealFFTDescriptor(precision: Scalar.precision, direction: direction, dims: [length], howMany: map.height,
                                     realStride: 1, realDistance: length, complexStride: 1, complexDistance: half,
                                     effort: effort)
        }
    }

    /// `conj(r2c(w_c)) / L` for every channel `c`: `C` half spectra of `L/2 + 1` interleaved complex values.
    func kernelSpectrum(effort: PlanningEffort) throws(ConvolutionError) -> KernelSpectrumCache<Scalar>.Spectrum {
        let l = length
        let key = KernelSpectrumCache<Scalar>.Key(
            transform: axis == .height ? Size2D(height: l, width: 1) : Size2D(height: 1, width: l), mode: .circular)
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
    /// One batched 1-D plan pair per plane shape, cached; parallel over the `N·C` planes.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func fft(_ input: Tensor<Scalar>, options: ExecutionOptions) throws(ConvolutionError) -> Tensor<Scalar> {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let map = Size2D(height: h, width: w)
        let spectrum = try kernelSpectrum(effort: options.effort)
        let forward = try FFTPlanCache.shared.plan(for: planeDescriptor(.forward, map: map, effort: options.effort))
        let inverse = try FFTPlanCache.shared.plan(for: planeDescriptor(.inverse, map: map, effort: options.effort))
        let half = length / 2 + 1
        let signals = axis == .height ? w : h
        let along = axis
        var output = Tensor<Scalar>(zeros: input.shape)
        input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                spectrum.values.withUnsafeBufferPointer { spec in
                    let (x, y, spec) = (x.baseAddress!, y.baseAddress!, spec.baseAddress!)
                    parallelChunks(n * c, threads: options.threads) { planes in
                        let real = AlignedBuffer<Scalar>(count: h * w)
                        let freq = AlignedBuffer<Scalar>(count: 2 * half * signals)
                        for plane in planes {
                            let ch = plane % c
                            real.pointer.update(from: x + plane * h * w, count: h * w)
                            forward.forward(real: real.pointer, complex: freq.pointer)
                            let s = spec + ch * 2 * half
                            switch along {
                            case .width:
                                for r in 0..<signals { multiplyComplex(freq.pointer + 2 * half * r, by: s, count: half) }
                            case .height:
                                multiplyBins(freq.pointer, by: s, bins: half, signals: signals)
                            }
                            inverse.inverse(complex: freq.pointer, real: real.pointer)
                            let b = bias?.scalars[ch] ?? 0
                            let dst = y + plane * h * w
                            for i in 0..<(h * w) { dst[i] = real.pointer[i] + b }
                        }
                    }
                }
            }
        }
        return output
    }
}

/// `a[k·signals + j] ← a[k·signals + j] · s[k]` for interleaved complex `a` (`bins × signals`) and `s` (`bins`).
@_specialize(where S == Float)
@_specialize(where S == Double)
private func multiplyBins<S: TensorScalar>(_ a: UnsafeMutablePointer<S>, by s: UnsafePointer<S>, bins: Int, signals: Int) {
    for k in 0..<bins {
        let (sr, si) = (s[2 * k], s[2 * k + 1])
        let row = a + 2 * k * signals
        for j in 0..<signals {
            let (ar, ai) = (row[2 * j], row[2 * j + 1])
            row[2 * j] = ar * sr - ai * si
            row[2 * j + 1] = ar * si + ai * sr
        }
    }
}
