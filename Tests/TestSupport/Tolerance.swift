import GlobalConv

/// The test tolerances of `Docs/numerics.md`, in one place. Never widen one to make a test pass.
public enum Tolerance {
    /// Bound for a direct (tap-by-tap) sum of `terms` products computed in precision `S`, per output:
    /// `|ŷ − y| ≤ γ(terms+1)·(|b| + Σ|w||x|)`, `γ(n) = n·u/(1 − n·u)`, with `magnitude = |b| + Σ|w||x|`.
    public static func direct<S: TensorScalar>(_: S.Type, terms: Int, magnitude: Double) -> Double {
        let u = Double(S.unitRoundoff)
        let n = Double(terms + 1)
        return n * u / (1 - n * u) * magnitude
    }

    /// Bound for the FFT path (real 2-D or 1-D transforms of total size `transformSize`), per output:
    /// `|ŷ − y| ≤ c·u·(log₂ L + 1)·‖w‖₂·‖x_window‖₂ + γ(2)|b|`, bounded above by
    /// `c·u·(log₂ L + 1)·(|b| + Σ|w||x|)·√taps` using `‖w‖₂‖x‖₂ ≤ √taps·… `; see Docs/numerics.md.
    /// Here the bound is evaluated against `scale`, the largest `|b| + Σ|w||x|` of the whole output
    /// (FFT errors spread over the plane), with `c = 4`.
    public static func fft<S: TensorScalar>(_: S.Type, transformSize: Int, scale: Double) -> Double {
        let u = Double(S.unitRoundoff)
        let log2L = Double(transformSize.bitWidth - transformSize.leadingZeroBitCount)
        return 4 * u * (log2L + 1) * scale
    }
}
