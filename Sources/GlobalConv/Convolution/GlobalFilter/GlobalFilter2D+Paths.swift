extension GlobalFilter2D {
    /// `y = c2r(r2c(x) ⊙ Ŵ)` per plane, `Ŵ` the projected, pre-scaled spectrum.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func applySpectrum(_ x: Tensor<Scalar>, options: ExecutionOptions) throws(ConvolutionError) -> Tensor<Scalar> {
        applySpectrum(x, plans: try spectrumPlans(effort: options.effort), threads: options.threads)
    }

    /// The map's forward and inverse transforms, for ``applySpectrum(_:plans:threads:)``.
    func spectrumPlans(effort: PlanningEffort) throws(ConvolutionError) -> (forward: RealFFTPlan, inverse: RealFFTPlan) {
        (try FFTPlanCache.shared.plan(for: .contiguous(Scalar.precision, .forward, dims: [size.height, size.width], effort: effort)),
         try FFTPlanCache.shared.plan(for: .contiguous(Scalar.precision, .inverse, dims: [size.height, size.width], effort: effort)))
    }

    /// The FFT path with its plans made (``spectrumPlans(effort:)``). A plane whose input holds a NaN or ±Inf,
    /// or whose channel's spectrum does, is NaN everywhere (PyTorch's answer; decided per plane inside the
    /// region, while the plane is read — no serial pass over the map before or after).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func applySpectrum(_ x: Tensor<Scalar>, plans: (forward: RealFFTPlan, inverse: RealFFTPlan), threads: Int) -> Tensor<Scalar> {
        let (h, w, c) = (size.height, size.width, channels)
        let (forward, inverse) = plans
        let half = forward.descriptor.complexCount
        let bad = nonFiniteChannels
        // Every plane is written below (transformed or NaN-filled): no zero fill, which on two cores
        // would first pull the recycled buffer's lines from the other core's cache.
        var y = Tensor<Scalar>(shape: x.shape, scalars: TensorStoragePool.take(x.count))
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in
                spectrum.withUnsafeBufferPointer { sb in
                    let (xp, yp, sp) = (xb.baseAddress!, yb.baseAddress!, sb.baseAddress!)
                    parallelRegion(x.shape[0] * c, threads: threads) { claims, _ in
                        let real = AlignedBuffer<Scalar>(count: h * w)
                        let freq = AlignedBuffer<Scalar>(count: 2 * half)
                        while let planes = claims.next() {
                            for plane in planes {
                                guard !bad[plane % c], NonFinite.allFinite(xp + plane * h * w, count: h * w) else {
                                    (yp + plane * h * w).update(repeating: .nan, count: h * w)
                                    continue
                                }
                                real.pointer.update(from: xp + plane * h * w, count: h * w)
                                forward.forward(real: real.pointer, complex: freq.pointer)
                                multiplyComplex(freq.pointer, by: sp + (plane % c) * 2 * half, count: half)
                                inverse.inverse(complex: freq.pointer, real: real.pointer)
                                (yp + plane * h * w).update(from: real.pointer, count: h * w)
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    /// The spatial kernel `k = c2r(Ŵ)` as a circular depthwise correlation: `y[i] = Σ_t k[t]·x[(i−t) mod H]
    /// = Σ_u w[u]·x[(i + u − p) mod H]` with `p = ⌊H/2⌋`, `w[u] = k[(p − u) mod H]` over `2p+1` taps (the
    /// extra tap of an even `H` is zero), likewise along W; the output keeps the map size.
    static func spatialConvolution(spectrum: [Scalar], channels c: Int, size: Size2D) throws(ConvolutionError) -> DepthwiseConvolution2D<Scalar> {
        let (h, w) = (size.height, size.width)
        let inverse = try FFTPlanCache.shared.plan(for: .contiguous(Scalar.precision, .inverse, dims: [h, w]))
        let half = inverse.descriptor.complexCount
        let (ph, pw) = (h / 2, w / 2)
        let (kh, kw) = (2 * ph + 1, 2 * pw + 1)
        var weight = [Scalar](repeating: 0, count: c * kh * kw)
        let freq = AlignedBuffer<Scalar>(count: 2 * half), real = AlignedBuffer<Scalar>(count: h * w)
        for ch in 0..<c {
            for k in 0..<(2 * half) { freq.pointer[k] = spectrum[ch * 2 * half + k] }
            inverse.inverse(complex: freq.pointer, real: real.pointer)
            for u in 0..<min(kh, h) {
                for v in 0..<min(kw, w) {
                    let (s, t) = (((ph - u) % h + h) % h, ((pw - v) % w + w) % w)
                    weight[(ch * kh + u) * kw + v] = real.pointer[s * w + t]
                }
            }
        }
        return try DepthwiseConvolution2D(weight: Tensor(shape: [c, 1, kh, kw], scalars: weight), bias: nil,
                                          padding: Size2D(height: ph, width: pw), paddingMode: .circular)
    }
}
