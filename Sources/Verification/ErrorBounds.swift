import GlobalConv

/// The error bounds `verify` compares against, from the rounding-error analysis of `Docs/numerics.md`
/// (restated in `Docs/cli.md`). `u` is the unit roundoff of the precision computed in (2⁻²⁴, 2⁻⁵³),
/// `M = max over outputs of |b| + Σ|w|·|x|` (the reference's magnitude).
public enum ErrorBounds {
    /// `γ(n) = n·u / (1 − n·u)`.
    public static func gamma(_ n: Int, precision: Precision) -> Double {
        gamma(n, unitRoundoff: unitRoundoff(precision))
    }

    /// `γ(n)` for a unit roundoff `u` given as a number (the pointwise oracle carries `u` itself).
    public static func gamma(_ n: Int, unitRoundoff u: Double) -> Double {
        let nu = Double(n) * u
        return nu < 1 ? nu / (1 - nu) : .infinity
    }

    /// `u`.
    public static func unitRoundoff(_ precision: Precision) -> Double {
        precision == .float32 ? 0x1p-24 : 0x1p-53
    }

    /// Direct path: a sum of `taps` products plus a bias, in any order, errs by at most
    /// `γ(taps + 1)·(|b| + Σ|w||x|)` per output; bounded by `γ(taps + 1)·M`.
    public static func direct(precision: Precision, taps: Int, magnitude: Double) -> Double {
        gamma(taps + 1, precision: precision) * magnitude
    }

    /// FFT path over a transform of `L = Lh·Lw` points: `4·u·(⌊log₂L⌋ + 1)·M` (`Docs/numerics.md` §1:
    /// forward, product and inverse each contribute `O(u·log₂L)` relative to the transform's 2-norm,
    /// spread evenly over the plane; `M` bounds the per-output share).
    /// `extraLevels` adds that many to `⌊log₂L⌋ + 1`: the engine tests use 1 (``Tolerance/fft(_:transformSize:scale:)``),
    /// `verify` 0.
    public static func fft(precision: Precision, transformPoints l: Int, magnitude: Double, extraLevels: Int = 0) -> Double {
        let bits = Double(Int.bitWidth - max(l, 1).leadingZeroBitCount + extraLevels)   // ⌊log₂L⌋ + 1 (+ extra)
        return 4 * unitRoundoff(precision) * bits * magnitude
    }

    /// The smallest `L ≥ n` with no prime factor above 7, the transform lengths the engine pads to
    /// (``FFTSize/nextFast(_:)``); the FFT bound grows only with `log₂L`, so a smaller actual transform
    /// only tightens it.
    public static func fastLength(_ n: Int) -> Int { FFTSize.nextFast(n) }

    /// The transform points of the FFT path of `geometry` on an `H×W` map: `H·W` for circular
    /// padding, `fast(H + dh(kh−1))·fast(W + dw(kw−1))` for zeros (linear correlation).
    public static func transformPoints(geometry g: ConvolutionGeometry2D, map: Size2D) -> Int {
        switch g.paddingMode {
        case .circular: return map.height * map.width
        case .zeros:
            return fastLength(map.height + g.dilatedKernel.height - 1) * fastLength(map.width + g.dilatedKernel.width - 1)
        }
    }

    /// The bound for `path` (`auto` takes the larger of direct and FFT, as it may run either).
    public static func depthwise(path: ConvolutionPath, precision: Precision, geometry g: ConvolutionGeometry2D,
                                 map: Size2D, magnitude: Double) -> Double {
        let taps = g.kernel.height * g.kernel.width
        let d = direct(precision: precision, taps: taps, magnitude: magnitude)
        let f = fft(precision: precision, transformPoints: transformPoints(geometry: g, map: map), magnitude: magnitude)
        switch path {
        case .direct: return d
        case .fft: return f
        case .auto: return max(d, f)
        }
    }
}
