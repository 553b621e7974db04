extension CircularConvolution1D {
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

    /// `conj(DFT(w_c))[f] / L` for all `f < L` (the full spectrum a complex transform of two paired real
    /// signals needs): the half spectrum for `f ≤ L/2`, `conj(S[L − f])` above (the DFT of a real kernel
    /// is Hermitian). `C` spectra of `L` interleaved complex values.
    func fullKernelSpectrum(effort: PlanningEffort) throws(ConvolutionError) -> KernelSpectrumCache<Scalar>.Spectrum {
        let l = length
        let key = KernelSpectrumCache<Scalar>.Key(transform: Size2D(height: 1, width: l), mode: .circular, full: true)
        return try spectra.spectrum(for: key) { () throws(ConvolutionError) -> [Scalar] in
            let half = try kernelSpectrum(effort: effort).values, h = l / 2 + 1
            var out = [Scalar](repeating: 0, count: channels * 2 * l)
            for c in 0..<channels {
                for f in 0..<l {
                    let (src, conjugate) = f < h ? (f, false) : (l - f, true)
                    out[(c * l + f) * 2] = half[(c * h + src) * 2]
                    out[(c * l + f) * 2 + 1] = conjugate ? -half[(c * h + src) * 2 + 1] : half[(c * h + src) * 2 + 1]
                }
            }
            return out
        }
    }
}
