/// Dense symmetric positive (semi-)definite solves in Float64 for the small normal equations of the LKA
/// fit (a few dozen unknowns). Internal.
enum SymmetricSolver {
    /// Solves `(G + λI)·x = r` by Cholesky, `G` an `n × n` row-major symmetric matrix, with the ridge
    /// `λ = ridge · max(trace(G)/n, tiny)`. Returns `nil` when the factorisation breaks down (a pivot
    /// `≤ 0` or not finite), which the ridge prevents for any finite `G ⪰ 0`.
    static func solve(_ g: [Double], _ r: [Double], n: Int, ridge: Double) -> [Double]? {
        precondition(g.count == n * n && r.count == n, "SymmetricSolver: sizes \(g.count), \(r.count) for n = \(n)")
        var trace = 0.0
        for i in 0..<n { trace += g[i * n + i] }
        let lambda = ridge * max(trace / Double(n), .leastNormalMagnitude)
        var l = g
        for i in 0..<n { l[i * n + i] += lambda }
        // In-place Cholesky: lower triangle of `l` becomes L with G + λI = L·Lᵀ.
        for j in 0..<n {
            var d = l[j * n + j]
            for k in 0..<j { d -= l[j * n + k] * l[j * n + k] }
            guard d > 0, d.isFinite else { return nil }
            let djj = d.squareRoot()
            l[j * n + j] = djj
            for i in (j + 1)..<max(j + 1, n) {
                var s = l[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = s / djj
            }
        }
        // Forward then back substitution.
        var x = r
        for i in 0..<n {
            var s = x[i]
            for k in 0..<i { s -= l[i * n + k] * x[k] }
            x[i] = s / l[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = x[i]
            for k in (i + 1)..<max(i + 1, n) { s -= l[k * n + i] * x[k] }
            x[i] = s / l[i * n + i]
        }
        return x
    }
}
