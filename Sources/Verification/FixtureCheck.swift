import Backbones
import GlobalConv

/// The outcome of running one fixture on one path: how far the block's output is from PyTorch's.
///
/// `maxAbsError = max|ŷ − y|` over all outputs, `relativeError = maxAbsError / max|y|` (`y` PyTorch's
/// output), `passed = relativeError ≤ tolerance` (and the shapes agree, and nothing is NaN).
/// Tolerances (Docs/numerics.md §4): `1e-10` for Float64 fixtures, `1e-4` for Float32.
public struct FixtureCheck: Sendable, Equatable, CustomStringConvertible {
    public let block: String
    public let source: String
    public let precision: Precision
    public let path: ConvolutionPath
    public let maxAbsError: Double
    public let maxReference: Double
    public let relativeError: Double
    public let tolerance: Double
    public let passed: Bool

    /// The relative tolerance for fixtures computed in `precision`.
    public static func tolerance(for precision: Precision) -> Double {
        precision == .float64 ? 1e-10 : 1e-4
    }

    /// Compares `y` with PyTorch's `reference` elementwise: the maximum absolute error (NaN if any error is
    /// NaN), relative to `max|reference|` (0 when both are all zero, ∞ when only the reference is), passed
    /// when within `tolerance`; shapes that differ fail with an infinite error.
    static func comparing<S: TensorScalar>(_ y: Tensor<S>, to reference: Tensor<S>, block: String, source: String,
                                           path: ConvolutionPath, tolerance: Double) -> FixtureCheck {
        var maxRef = 0.0
        for v in reference.scalars { maxRef = max(maxRef, abs(Double(v))) }
        guard y.shape == reference.shape else {
            return FixtureCheck(block: block, source: source, precision: S.precision, path: path, maxAbsError: .infinity,
                                maxReference: maxRef, relativeError: .infinity, tolerance: tolerance, passed: false)
        }
        var maxErr = 0.0
        for (a, b) in zip(y.scalars, reference.scalars) {
            let e = abs(Double(a) - Double(b))
            if e.isNaN { maxErr = .nan; break }
            maxErr = max(maxErr, e)
        }
        let rel = maxRef > 0 ? maxErr / maxRef : (maxErr == 0 ? 0 : .infinity)
        return FixtureCheck(block: block, source: source, precision: S.precision, path: path, maxAbsError: maxErr,
                            maxReference: maxRef, relativeError: rel, tolerance: tolerance, passed: rel <= tolerance)
    }

    public var description: String {
        let verdict = passed ? "ok  " : "FAIL"
        return "\(verdict) \(block) [\(source)] \(precision.rawValue) \(path.rawValue): max_abs_error \(maxAbsError), "
            + "rel_error \(relativeError) (max|output| \(maxReference)), tolerance \(tolerance)"
    }
}
