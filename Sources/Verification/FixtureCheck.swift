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

    public var description: String {
        let verdict = passed ? "ok  " : "FAIL"
        return "\(verdict) \(block) [\(source)] \(precision.rawValue) \(path.rawValue): max_abs_error \(maxAbsError), "
            + "rel_error \(relativeError) (max|output| \(maxReference)), tolerance \(tolerance)"
    }
}
