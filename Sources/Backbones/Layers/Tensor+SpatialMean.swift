import GlobalConv

extension Tensor {
    /// The global spatial mean `m[n,c] = (1/(H·W))·Σ_{h,w} x[n,c,h,w]` as `[N, C, 1, 1]`
    /// (`F.adaptive_avg_pool2d(x, 1)`): summed in `Scalar` along the plane, then divided once.
    func spatialMean() -> Tensor {
        precondition(rank == 4, "spatialMean: input must be NCHW, got \(shape)")
        let (n, c, plane) = (shape[0], shape[1], shape[2] * shape[3])
        var out = [Scalar](repeating: 0, count: n * c)
        withUnsafeBufferPointer { xs in
            for i in 0..<(n * c) {
                var s: Scalar = 0
                for p in 0..<plane { s += xs[i * plane + p] }
                out[i] = s / Scalar(plane)
            }
        }
        return Tensor(shape: [n, c, 1, 1], scalars: out)
    }

    /// `x[n,c,h,w] − m[n,c]` for a `[N, C, 1, 1]` (or `[N, 1, H, W]`) tensor `m`, broadcast as PyTorch.
    func subtractingBroadcast(_ m: Tensor) -> Tensor {
        precondition(rank == 4 && m.rank == 4 && m.shape[0] == shape[0], "subtractingBroadcast: \(shape) − \(m.shape)")
        let (n, c, plane) = (shape[0], shape[1], shape[2] * shape[3])
        var y = self
        if m.shape[1] == c && m.shape[2] == 1 && m.shape[3] == 1 {
            y.withUnsafeMutableBufferPointer { ys in
                for i in 0..<(n * c) { let v = m.scalars[i]; for p in 0..<plane { ys[i * plane + p] -= v } }
            }
        } else {
            precondition(m.shape[1] == 1 && m.shape[2] == shape[2] && m.shape[3] == shape[3],
                         "subtractingBroadcast: cannot broadcast \(m.shape) to \(shape)")
            y.withUnsafeMutableBufferPointer { ys in
                for img in 0..<n { for ch in 0..<c { for p in 0..<plane { ys[(img * c + ch) * plane + p] -= m.scalars[img * plane + p] } } }
            }
        }
        return y
    }
}

extension Tensor {
    /// In place, `x ← x + s[c]·(x − m[n,c])` with `m` the plane's ``spatialMean()`` (MogaNet's
    /// `x + sigma ⊙ (x − mean_HW(x))`), rounded as PyTorch's `x + (s * (x − m))`.
    /// - Precondition: NCHW with `s.count == C`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    mutating func addScaledDifferenceFromSpatialMean(perChannel s: [Scalar]) {
        precondition(rank == 4 && s.count == shape[1], "addScaledDifferenceFromSpatialMean: \(s.count) scales for \(shape)")
        let (n, c, plane) = (shape[0], shape[1], shape[2] * shape[3])
        withUnsafeMutableBufferPointer { v in
            for i in 0..<(n * c) {
                let base = i * plane
                var sum: Scalar = 0
                for p in 0..<plane { sum += v[base + p] }
                let (m, k) = (sum / Scalar(plane), s[i % c])
                for p in 0..<plane { v[base + p] += k * (v[base + p] - m) }
            }
        }
    }

    /// In place, `x ← x + s[c]·(x − d[n,0])` for a one-channel `d` (`[N, 1, H, W]`) broadcast over the
    /// channels (MogaNet's feature decomposition), rounded as PyTorch's `x + (s * (x − d))`.
    /// - Precondition: NCHW, `d` `[N, 1, H, W]`, `s.count == C`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    mutating func addScaledDifference(from d: Tensor, perChannel s: [Scalar]) {
        precondition(rank == 4 && d.shape == [shape[0], 1, shape[2], shape[3]] && s.count == shape[1],
                     "addScaledDifference: \(d.shape) and \(s.count) scales for \(shape)")
        let (n, c, plane) = (shape[0], shape[1], shape[2] * shape[3])
        withUnsafeMutableBufferPointer { v in
            d.withUnsafeBufferPointer { ds in
                for img in 0..<n { for ch in 0..<c {
                    let (base, k, dBase) = ((img * c + ch) * plane, s[ch], img * plane)
                    for p in 0..<plane { v[base + p] += k * (v[base + p] - ds[dBase + p]) }
                } }
            }
        }
    }

    /// In place, `x ← x ⊙ y`. - Precondition: equal shapes.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    mutating func multiply(by y: Tensor) {
        precondition(shape == y.shape, "multiply(by:): shapes \(shape) and \(y.shape) differ")
        withUnsafeMutableBufferPointer { v in y.withUnsafeBufferPointer { ys in for i in v.indices { v[i] *= ys[i] } } }
    }
}
