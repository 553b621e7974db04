import GlobalConv

extension Tensor {
    /// The global spatial mean `m[n,c] = (1/(H·W))·Σ_{h,w} x[n,c,h,w]` as `[N, C, 1, 1]`
    /// (`F.adaptive_avg_pool2d(x, 1)`): summed in `Scalar` (``PlaneSums/sum(_:count:)``), then divided
    /// once; planes split over up to `threads` participants (each sum is the same whatever the split).
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
                    for i in planes { o[i] = PlaneSums.sum(xs + i * plane, count: plane) / Scalar(plane) }
                }
            }
        }
        return Tensor(shape: [n, c, 1, 1], scalars: out)
    }

    /// In place, `x ← x + s[c]·(x − m[n,c])` with `m` the plane's ``spatialMean(threads:)`` (MogaNet's
    /// `x + sigma ⊙ (x − mean_HW(x))`), rounded as PyTorch's `x + (s * (x − m))`, then `activation` (the
    /// same kernel as ``Activation/apply(to:threads:)``) on each plane while it is in cache — the same
    /// bits as the two passes.
    /// - Precondition: NCHW with `s.count == C`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    mutating func addScaledDifferenceFromSpatialMean(perChannel s: [Scalar], then activation: Activation? = nil, threads: Int = 1) {
        precondition(rank == 4 && s.count == shape[1], "addScaledDifferenceFromSpatialMean: \(s.count) scales for \(shape)")
        let (n, c, plane) = (shape[0], shape[1], shape[2] * shape[3])
        withUnsafeMutableBufferPointer { v in
            let v = v.baseAddress!
            parallelChunks(n * c, threads: threads) { planes in
                for i in planes {
                    let base = i * plane
                    let (m, k) = (PlaneSums.sum(v + base, count: plane) / Scalar(plane), s[i % c])
                    // 16 lanes at a time (the scalar loop did not vectorise); `*` then `+`, never fused.
                    let row = v + base
                    let (mv, kv) = (SIMD16<Scalar>(repeating: m), SIMD16<Scalar>(repeating: k))
                    var p = 0
                    while p + 16 <= plane {
                        let x = UnsafeRawPointer(row + p).loadUnaligned(as: SIMD16<Scalar>.self)
                        UnsafeMutableRawPointer(row + p).storeBytes(of: x + kv * (x - mv), as: SIMD16<Scalar>.self)
                        p += 16
                    }
                    while p < plane { row[p] += k * (row[p] - m); p += 1 }
                    activation.apply(to: row, count: plane)
                }
            }
        }
    }
}

/// Sums along one contiguous plane in 16 interleaved partial sums (lane `j` takes the elements
/// `p ≡ j mod 16` in order), added pairwise at the end: vectorised, and the same bits for a plane whatever
/// the thread split. A term meets at most `⌈count/16⌉ + 4` additions (fewer than in one running sum once
/// `count > 5`; additions of the zero lanes are exact), so the error is within the `γ(count)·Σ|x|` bound
/// of a running sum (PyTorch's CPU reductions are blocked likewise).
enum PlaneSums {
    /// `Σ x[p]`.
    @inline(__always)
    static func sum<Scalar: TensorScalar>(_ x: UnsafePointer<Scalar>, count: Int) -> Scalar {
        reduce(x, count: count) { $0 }
    }

    /// `Σ x[p]²` (each square rounded, then added).
    @inline(__always)
    static func sumOfSquares<Scalar: TensorScalar>(_ x: UnsafePointer<Scalar>, count: Int) -> Scalar {
        reduce(x, count: count) { $0 * $0 }
    }

    /// `Σ f(x[p])` in 16 lanes. Not `addingProduct`: without FMA in the baseline ISA that is a libm call per lane.
    @inline(__always)
    private static func reduce<Scalar: TensorScalar>(_ x: UnsafePointer<Scalar>, count: Int,
                                                     _ f: (SIMD16<Scalar>) -> SIMD16<Scalar>) -> Scalar {
        var lanes = SIMD16<Scalar>()
        var p = 0
        while p + 16 <= count {
            lanes += f(UnsafeRawPointer(x + p).loadUnaligned(as: SIMD16<Scalar>.self))
            p += 16
        }
        var tail = SIMD16<Scalar>()
        for j in 0..<(count - p) { tail[j] = x[p + j] }
        lanes += f(tail)
        let l8 = lanes.lowHalf + lanes.highHalf, l4 = l8.lowHalf + l8.highHalf, l2 = l4.lowHalf + l4.highHalf
        return l2[0] + l2[1]
    }
}
