import GlobalConv

/// 1-D linear resampling with `align_corners=True`, as PyTorch's `F.interpolate(mode='linear' /
/// 'bilinear', align_corners=True)` along one axis (ParC's kernel and position-embedding resize).
///
/// For output index `i < N` of an input of length `K`: `scale = (K − 1)/(N − 1)` (0 when `N = 1`),
/// `src = scale·i`, `i0 = ⌊src⌋`, `i1 = min(i0 + 1, K − 1)`, `λ = clamp(src − i0, 0, 1)`,
/// `out[i] = (1 − λ)·in[i0] + λ·in[i1]`, all in `S` as PyTorch's CPU kernel (opmath = `S`). `N = K`
/// copies. With `N = 1` PyTorch's scale is 0, so the single output is `in[0]`.
enum AlignCornersResize {
    /// Resamples each of the `rows` contiguous rows of length `from` in `values` to length `to`.
    static func linear<S: TensorScalar>(_ values: [S], rows: Int, from k: Int, to n: Int) -> [S] {
        precondition(k >= 1 && n >= 1 && values.count == rows * k, "AlignCornersResize: \(values.count) values for \(rows) rows of \(k)")
        if n == k { return values }
        let scale: S = n > 1 ? S(k - 1) / S(n - 1) : 0
        var out = [S](repeating: 0, count: rows * n)
        for i in 0..<n {
            let src = scale * S(i)
            let i0 = min(Int(src), k - 1)
            let i1 = i0 < k - 1 ? i0 + 1 : i0
            let lambda = min(max(src - S(i0), 0), 1)
            for r in 0..<rows {
                out[r * n + i] = (1 - lambda) * values[r * k + i0] + lambda * values[r * k + i1]
            }
        }
        return out
    }
}
