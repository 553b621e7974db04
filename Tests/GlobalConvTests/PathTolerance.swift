import GlobalConv
import Verification

/// The per-output bound on `|ŷ − ŷ_ref|` for a path (Docs/numerics.md): `Tolerance.direct` for `.direct`,
/// `Tolerance.fft` against the largest magnitude for `.fft`, the larger of the two for `.auto` (which
/// runs one of them), plus the Float64 oracle's own rounding bound `γ₆₄(T+1)·(|b| + Σ|w||x|)` (the
/// oracle sums the same terms in Double, so `|ŷ − ŷ_ref| ≤ |ŷ − y| + |y − ŷ_ref|`). That second term is
/// 2⁻²⁹ of the first in Float32 and as large as the first in Float64, where leaving it out let correct
/// outputs reach 0.99 of the bound (ours ≤ 0.50 against a Float80 evaluation, the oracle ≤ 0.69).
struct PathTolerance {
    var path: ConvolutionPath
    /// Products summed per output (the kernel's taps).
    var terms: Int
    /// Upper bound of the FFT's transform size.
    var transformSize: Int
    /// `|b| + Σ|w||x|` per output, from the reference.
    var magnitude: [Double]
    /// The largest magnitude: the FFT bound's scale, the same for every output.
    private let scale: Double

    init(path: ConvolutionPath, terms: Int, transformSize: Int, magnitude: [Double]) {
        self.path = path
        self.terms = terms
        self.transformSize = transformSize
        self.magnitude = magnitude
        self.scale = magnitude.max() ?? 0
    }

    func bound<S: TensorScalar>(_: S.Type, at i: Int) -> Double {
        let direct = Tolerance.direct(S.self, terms: terms, magnitude: magnitude[i])
        let fft = Tolerance.fft(S.self, transformSize: transformSize, scale: scale)
        let oracle = Tolerance.direct(Double.self, terms: terms, magnitude: magnitude[i])
        switch path {
        case .direct: return direct + oracle
        case .fft: return fft + oracle
        case .auto: return max(direct, fft) + oracle
        }
    }

    /// The largest `|y − reference| / bound` over all outputs (∞ for a non-finite output, a wrong
    /// count, or a non-zero error against a zero bound), with the index where it occurs.
    func worst<S: TensorScalar>(_ y: Tensor<S>, reference: [Double]) -> (ratio: Double, index: Int) {
        guard y.count == reference.count else { return (.infinity, -1) }
        var worst = (ratio: 0.0, index: 0)
        for i in 0..<reference.count {
            let err = abs(Double(y.scalars[i]) - reference[i])
            let b = bound(S.self, at: i)
            let ratio = err == 0 ? 0 : err.isFinite && b > 0 ? err / b : .infinity
            if !(ratio <= worst.ratio) { worst = (ratio, i) }
        }
        return worst
    }
}
