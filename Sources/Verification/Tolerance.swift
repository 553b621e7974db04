import GlobalConv

/// The tests' spelling of ``ErrorBounds`` (Docs/numerics.md), generic over the scalar type computed in.
/// No formula of its own. Never widen one to make a test pass.
public enum Tolerance {
    /// `γ(terms+1)·magnitude`, `magnitude = |b| + Σ|w||x|` (``ErrorBounds/direct(precision:taps:magnitude:)``).
    public static func direct<S: TensorScalar>(_: S.Type, terms: Int, magnitude: Double) -> Double {
        ErrorBounds.direct(precision: S.precision, taps: terms, magnitude: magnitude)
    }

    /// The FFT bound over a transform of `transformSize` points against `scale`, the largest
    /// `|b| + Σ|w||x|` of the whole output: ``ErrorBounds/fft(precision:transformPoints:magnitude:extraLevels:)``
    /// with one extra level, `4·u·(⌊log₂L⌋ + 2)·scale` — the engine tests' margin, as it always was.
    public static func fft<S: TensorScalar>(_: S.Type, transformSize: Int, scale: Double) -> Double {
        ErrorBounds.fft(precision: S.precision, transformPoints: transformSize, magnitude: scale, extraLevels: 1)
    }
}
