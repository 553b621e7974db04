import RealModule

extension Float: TensorScalar {
    /// `.float32`: FFTW's single-precision (`fftwf_*`) library.
    public static var precision: Precision { .float32 }
    /// `2⁻²⁴`.
    public static var unitRoundoff: Float { .ulpOfOne / 2 }
}
