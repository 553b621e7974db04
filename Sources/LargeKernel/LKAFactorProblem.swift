import GlobalConv

/// One channel of the LKA fit in Float64: find `A` (`a×a`, `a = 2d−1`) and `B` (`m×m`, `m = ⌈K/d⌉`, dilation
/// `d`) minimising `‖T − K(A,B)‖_F` on an `s×s` canvas, where the composed kernel is
/// `K[o + u + d·v] = Σ A[u]·B[v]` (2-D indices, `o` the composition's offset on the canvas).
///
/// The problem is bilinear, so each half-step of alternating least squares is linear least squares:
/// - B-step (A fixed): `G_B[v,v'] = R_A(d·(v − v'))` with `R_A(l) = Σ_u A[u]·A[u+l]`, `r_B[v] = Σ_u A[u]·T[o+u+d·v]`;
/// - A-step (B fixed): `G_A[u,u'] = R_B((u − u')/d)` when `d` divides `u − u'` per axis (else 0),
///   `r_A[u] = Σ_v B[v]·T[o+u+d·v]`;
/// each solved by Cholesky with a tiny ridge. Internal.
struct LKAFactorProblem {
    let a: Int, m: Int, d: Int, s: Int, offset: Int
    /// `s×s` row-major target on the canvas.
    let target: [Double]

    /// `K(A,B)` on the canvas.
    func compose(_ aw: [Double], _ bw: [Double]) -> [Double] {
        var k = [Double](repeating: 0, count: s * s)
        for u1 in 0..<a {
            for u2 in 0..<a {
                let av = aw[u1 * a + u2]
                if av == 0 { continue }
                for v1 in 0..<m {
                    let row = (offset + u1 + d * v1) * s + offset + u2
                    for v2 in 0..<m { k[row + d * v2] += av * bw[v1 * m + v2] }
                }
            }
        }
        return k
    }

    /// `‖T − K(A,B)‖²_F`.
    func residual2(_ aw: [Double], _ bw: [Double]) -> Double {
        let k = compose(aw, bw)
        var e = 0.0
        for i in 0..<(s * s) { let r = target[i] - k[i]; e += r * r }
        return e
    }

    /// Autocorrelation `R(l) = Σ_i P[i]·P[i+l]` of an `n×n` array for lags in `−(n−1)…(n−1)` per axis,
    /// stored at `[(l1 + n − 1)·(2n−1) + l2 + n − 1]`.
    static func autocorrelation(_ p: [Double], n: Int) -> [Double] {
        let w = 2 * n - 1
        var r = [Double](repeating: 0, count: w * w)
        for l1 in -(n - 1)...(n - 1) {
            for l2 in -(n - 1)...(n - 1) {
                var acc = 0.0
                for i1 in max(0, -l1)..<min(n, n - l1) {
                    for i2 in max(0, -l2)..<min(n, n - l2) { acc += p[i1 * n + i2] * p[(i1 + l1) * n + i2 + l2] }
                }
                r[(l1 + n - 1) * w + l2 + n - 1] = acc
            }
        }
        return r
    }

    /// The least-squares `B` for a fixed `A`.
    func solveB(given aw: [Double], ridge: Double) -> [Double]? {
        let ra = Self.autocorrelation(aw, n: a), w = 2 * a - 1
        let n = m * m
        var g = [Double](repeating: 0, count: n * n)
        for v1 in 0..<m { for v2 in 0..<m { for w1 in 0..<m { for w2 in 0..<m {
            let (l1, l2) = (d * (v1 - w1), d * (v2 - w2))
            guard abs(l1) < a, abs(l2) < a else { continue }
            g[(v1 * m + v2) * n + w1 * m + w2] = ra[(l1 + a - 1) * w + l2 + a - 1]
        } } } }
        var r = [Double](repeating: 0, count: n)
        for v1 in 0..<m { for v2 in 0..<m {
            var acc = 0.0
            for u1 in 0..<a { for u2 in 0..<a {
                acc += aw[u1 * a + u2] * target[(offset + u1 + d * v1) * s + offset + u2 + d * v2]
            } }
            r[v1 * m + v2] = acc
        } }
        return SymmetricSolver.solve(g, r, n: n, ridge: ridge)
    }

    /// The least-squares `A` for a fixed `B`.
    func solveA(given bw: [Double], ridge: Double) -> [Double]? {
        let rb = Self.autocorrelation(bw, n: m), w = 2 * m - 1
        let n = a * a
        var g = [Double](repeating: 0, count: n * n)
        for u1 in 0..<a { for u2 in 0..<a { for w1 in 0..<a { for w2 in 0..<a {
            let (x1, x2) = (u1 - w1, u2 - w2)
            guard x1 % d == 0, x2 % d == 0 else { continue }
            let (l1, l2) = (x1 / d, x2 / d)
            guard abs(l1) < m, abs(l2) < m else { continue }
            g[(u1 * a + u2) * n + w1 * a + w2] = rb[(l1 + m - 1) * w + l2 + m - 1]
        } } } }
        var r = [Double](repeating: 0, count: n)
        for u1 in 0..<a { for u2 in 0..<a {
            var acc = 0.0
            for v1 in 0..<m { for v2 in 0..<m {
                acc += bw[v1 * m + v2] * target[(offset + u1 + d * v1) * s + offset + u2 + d * v2]
            } }
            r[u1 * a + u2] = acc
        } }
        return SymmetricSolver.solve(g, r, n: n, ridge: ridge)
    }

    /// Alternating least squares from `initialA`: B-step, A-step, rescale (‖A‖ = 1), until the squared
    /// error stops decreasing by more than `tolerance` relative, reaches `≤ 1e-30·‖T‖²`, or
    /// `maxIterations` sweeps. Returns the factors, the squared error and the sweeps used.
    func alternate(from initialA: [Double], maxIterations: Int, tolerance: Double, ridge: Double)
        -> (a: [Double], b: [Double], error2: Double, iterations: Int) {
        let norm2 = target.reduce(0) { $0 + $1 * $1 }
        var aw = initialA
        var bw = [Double](repeating: 0, count: m * m)
        var best = (a: aw, b: bw, error2: norm2)
        var sweeps = 0
        while sweeps < maxIterations {
            sweeps += 1
            guard let nb = solveB(given: aw, ridge: ridge) else { break }
            guard let na = solveA(given: nb, ridge: ridge) else { break }
            let scale = na.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard scale > 0, scale.isFinite else { break }
            aw = na.map { $0 / scale }
            bw = nb.map { $0 * scale }
            let e = residual2(aw, bw)
            let previous = best.error2
            if e < previous { best = (aw, bw, e) }
            if e <= 1e-30 * norm2 || previous - e <= tolerance * previous { break }
        }
        return (best.a, best.b, best.error2, sweeps)
    }
}
