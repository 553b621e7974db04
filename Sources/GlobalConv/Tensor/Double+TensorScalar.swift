import RealModule

extension Double: TensorScalar {
    /// `.float64`: FFTW's double-precision (`fftw_*`) library.
    public static var precision: Precision { .float64 }
    /// `2⁻⁵³`.
    public static var unitRoundoff: Double { .ulpOfOne / 2 }
}
