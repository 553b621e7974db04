import GlobalConv

/// GRN (Global Response Normalization, ConvNeXt-V2; UniRepLKNet's FFN) on a hidden map `z` `[N, C, H, W]`:
/// `G[n,c] = √(Σ_HW z²)`, `N[n,c] = G[n,c] / (mean_c G[n,·] + 1e-6)`, then `z ← (γ·N + 1)·z + β` — a
/// per-(image, channel) affine, so it is applied as the next 1×1 convolution's input transform
/// (``convolve(_:_:epilogue:threads:)``). UniRepLKNet's official `GRNwithNHWC` writes exactly this
/// order; ConvNeXt-V2's `GRN` writes `γ·(z·N) + β + z`, the same function with other roundings
/// (Docs/models.md). `γ`, `β`: `[1, 1, 1, C]` (`β` absent in UniRepLKNet's deploy form). Immutable.
struct GlobalResponseNorm<Scalar: TensorScalar>: Sendable {
    let gamma: [Scalar]
    let beta: [Scalar]?

    /// The per-(image, channel) affine of `z`: index `n·C + c`. Each plane's sum of squares is
    /// ``PlaneSums/sumOfSquares(_:count:)`` and the channel mean runs in channel order, whatever the split of
    /// planes over `threads` participants.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func affine(_ z: Tensor<Scalar>, threads: Int) -> ChannelAffine<Scalar> {
        let (n, c, plane) = (z.shape[0], z.shape[1], z.shape[2] * z.shape[3])
        var norms = [Scalar](repeating: 0, count: n * c)
        z.withUnsafeBufferPointer { v in
            let v = v.baseAddress!
            norms.withUnsafeMutableBufferPointer { g in
                let g = g.baseAddress!
                parallelChunks(n * c, threads: threads, grain: max(1, 16_384 / max(1, plane))) { planes in
                    for i in planes { g[i] = PlaneSums.sumOfSquares(v + i * plane, count: plane).squareRoot() }
                }
            }
        }
        var scale = [Scalar](repeating: 0, count: n * c), shift = [Scalar](repeating: 0, count: n * c)
        for img in 0..<n {
            var mean: Scalar = 0
            for ch in 0..<c { mean += norms[img * c + ch] }
            mean /= Scalar(c)
            for ch in 0..<c {
                scale[img * c + ch] = gamma[ch] * (norms[img * c + ch] / (mean + Scalar(1e-6))) + 1
                shift[img * c + ch] = beta?[ch] ?? 0
            }
        }
        return ChannelAffine(scale: scale, shift: shift)
    }

    /// `conv(a(x))` with `a` a per-(image, channel) affine: for one image `a` is the 1×1 convolution's input
    /// transform, applied while it reads `x` (no pass of its own); for a batch it is applied to `x` in place first.
    static func convolve(_ conv: PointwiseConvolution<Scalar>, _ x: inout Tensor<Scalar>, after a: ChannelAffine<Scalar>,
                         epilogue: PointwiseEpilogue<Scalar>, threads: Int) -> Tensor<Scalar> {
        if x.shape[0] == 1 { return conv(x, input: .affine(a), epilogue: epilogue, threads: threads) }
        apply(a, to: &x, threads: threads)
        return conv(x, input: .identity, epilogue: epilogue, threads: threads)
    }

    /// `z ← z·scale[i] + shift[i]` on each plane `i` of an NCHW tensor (one affine per image and channel),
    /// rounded twice, as PyTorch (the one-image form, fused into the 1×1 convolution's input, rounds once with an FMA).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private static func apply(_ a: ChannelAffine<Scalar>, to z: inout Tensor<Scalar>, threads: Int) {
        let plane = z.shape[2] * z.shape[3]
        z.withUnsafeMutableBufferPointer { v in
            let v = v.baseAddress!
            a.scale.withUnsafeBufferPointer { s in
                a.shift.withUnsafeBufferPointer { t in
                    let (s, t) = (s.baseAddress!, t.baseAddress!)
                    parallelChunks(a.scale.count, threads: threads, grain: max(1, 16_384 / max(1, plane))) { planes in
                        for i in planes {
                            for p in 0..<plane { v[i * plane + p] = v[i * plane + p] * s[i] + t[i] }
                        }
                    }
                }
            }
        }
    }
}
