extension DepthwiseConvolution2D {
    /// The convolution with stride `s` in both directions (package API: RepLKNet's 3×3 stride-2 stem and
    /// transition convolutions): `y[n,c,i,j] = b[c] + Σ_{u,v} w[c,0,u,v] · x̃[n,c, s·i + u − p, s·j + v − p]`,
    /// `⌊(H + 2p − k)/s⌋ + 1` rows and columns, computed at the strided outputs only (CVectorMath's
    /// `gc_depthwise_strided_*`, one plane per task on `threads` threads) in the direct path's order and
    /// rounding: bit for bit the stride-1 direct convolution's values at every `s`-th row and column, for
    /// `1/s²` of its work.
    ///
    /// Nil when that kernel does not apply — a kernel that is not square with equal padding, dilation or
    /// circular padding, non-finite weights (which the stride-1 path's definition fallback handles), or no
    /// output — and the caller computes the stride-1 convolution and subsamples it.
    /// - Throws: ``ConvolutionError`` for an input that is not NCHW with this convolution's `C` or is empty.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package func strided(_ x: Tensor<Scalar>, stride s: Int, threads: Int) throws(ConvolutionError) -> Tensor<Scalar>? {
        try strided(x, stride: s, threads: threads, variant: .best)
    }

    /// ``strided(_:stride:threads:)`` at the level of the direct path's `variant` (tests run each against it).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func strided(_ x: Tensor<Scalar>, stride s: Int, threads: Int,
                 variant: DirectKernel2D.Variant) throws(ConvolutionError) -> Tensor<Scalar>? {
        precondition(s >= 1, "DepthwiseConvolution2D.strided: stride must be ≥ 1, got \(s)")
        try ConvolutionError.checkNCHW(x.shape, channels: channels)
        let g = geometry
        let k = g.kernel.height, p = g.padding.height
        guard g.kernel.width == k, g.padding.width == p, g.dilation == Size2D(1), g.paddingMode == .zeros,
              nonFiniteChannels.isEmpty else { return nil }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        guard h + 2 * p >= k, w + 2 * p >= k else { return nil }
        let (ho, wo) = ((h + 2 * p - k) / s + 1, (w + 2 * p - k) / s + 1)
        let scratchCount = k * (s * ((wo + 15) / 16 * 16) + k)  // an output row's k padded source rows (16-output chunks)
        var y: [Scalar] = TensorStoragePool.take(n * c * ho * wo)  // every element written below
        x.withUnsafeBufferPointer { xs in
            weight.withUnsafeBufferPointer { ws in
                y.withUnsafeMutableBufferPointer { ys in
                    let (xp, wp, yp) = (xs.baseAddress!, ws.baseAddress!, ys.baseAddress!)
                    parallelRegion(n * c, threads: max(1, threads)) { claims, _ in
                        withUnsafeTemporaryAllocation(of: Scalar.self, capacity: scratchCount) { rows in
                            while let range = claims.next() {
                                for plane in range {
                                    let ch = plane % c
                                    Scalar._depthwiseStrided(xp + plane * h * w, height: h, width: w, weight: wp + ch * k * k,
                                                             kernel: k, stride: s, padding: p, bias: bias?.scalars[ch] ?? 0,
                                                             into: yp + plane * ho * wo, outputHeight: ho, outputWidth: wo,
                                                             rows: rows.baseAddress!, isa: variant.isa)
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [n, c, ho, wo], scalars: y)
    }
}
