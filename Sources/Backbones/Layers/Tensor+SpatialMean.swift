import GlobalConv

extension Tensor {
    /// The global spatial mean `m[n,c] = (1/(H·W))·Σ_{h,w} x[n,c,h,w]` as `[N, C, 1, 1]`
    /// (`F.adaptive_avg_pool2d(x, 1)`): summed in `Scalar` along the plane, then divided once; planes
    /// split over up to `threads` participants (each sum is the same whatever the split).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func spatialMean(threads: Int = 1) -> Tensor {
        precondition(rank == 4, "spatialMean: input must be NCHW, got \(shape)")
        let (n, c, plane) = (shape[0], shape[1], shape[2] * shape[3])
        var out = [Scalar](repeating: 0, count: n * c)
        withUnsafeBufferPointer { xs in
            out.withUnsafeMutableBufferPointer { o in
                let (xs, o) = (xs.baseAddress!, o.baseAddress!)
                parallelChunks(n * c, threads: threads, grain: max(1, 16_384 / max(1, plane))) { planes in
                    for i in planes {
                        var s: Scalar = 0
                        for p in 0..<plane { s += xs[i * plane + p] }
                        o[i] = s / Scalar(plane)
                    }
                }
            }
        }
        return Tensor(shape: [n, c, 1, 1], scalars: out)
    }

    /// In place, `x ← x + s[c]·(x − m[n,c])` with `m` the plane's ``spatialMean(threads:)`` (MogaNet's
    /// `x + sigma ⊙ (x − mean_HW(x))`), rounded as PyTorch's `x + (s * (x − m))`.
    /// - Precondition: NCHW with `s.count == C`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    mutating func addScaledDifferenceFromSpatialMean(perChannel s: [Scalar], threads: Int = 1) {
        precondition(rank == 4 && s.count == shape[1], "addScaledDifferenceFromSpatialMean: \(s.count) scales for \(shape)")
        let (n, c, plane) = (shape[0], shape[1], shape[2] * shape[3])
        withUnsafeMutableBufferPointer { v in
            let v = v.baseAddress!
            parallelChunks(n * c, threads: threads) { planes in
                for i in planes {
                    let base = i * plane
                    var sum: Scalar = 0
                    for p in 0..<plane { sum += v[base + p] }
                    let (m, k) = (sum / Scalar(plane), s[i % c])
                    for p in 0..<plane { v[base + p] += k * (v[base + p] - m) }
                }
            }
        }
    }
}
