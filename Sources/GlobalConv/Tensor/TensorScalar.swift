import RealModule

/// The floating-point precisions GlobalConv computes in.
public enum Precision: String, Sendable, CaseIterable, Codable {
    /// IEEE 754 binary32 (`Float`), FFTW's `fftwf_*` functions.
    case float32
    /// IEEE 754 binary64 (`Double`), FFTW's `fftw_*` functions.
    case float64

    /// Bytes per scalar.
    public var byteWidth: Int { self == .float32 ? 4 : 8 }
}

/// A scalar GlobalConv tensors hold and its FFT layer transforms: `Float` or `Double`.
///
/// There is exactly one conformance per precision (`Float+TensorScalar.swift`,
/// `Double+TensorScalar.swift`). Generic code reaches FFTW through ``precision``; no FFTW
/// type appears in this protocol. `Real` supplies `exp`, `erf`, `sqrt`, … generically.
public protocol TensorScalar: Real, BinaryFloatingPoint, SIMDScalar, Sendable, Hashable, Codable
where Self.Magnitude == Self {
    /// The precision this type stands for.
    static var precision: Precision { get }
    /// The unit roundoff `u = ε/2` (2⁻²⁴ for `Float`, 2⁻⁵³ for `Double`), used by error bounds.
    static var unitRoundoff: Self { get }
}
