/// Element-wise maps over a run of values in Swift, sixteen lanes at a time.
///
/// The compiler does not vectorise a scalar loop `y[p] = f(x[p])` over unsafe pointers when it cannot
/// rule out that `y` overlaps `x` (the BatchNorm pass compiled to scalar `mulss`/`addss`), so the map is
/// written over `SIMD16` lanes, the run's tail padded with zeros into one more vector. Each lane is the
/// same IEEE operations in the same order as the scalar expression (Swift never fuses `*` and `+`), so the
/// result is the scalar loop's to the bit. Not for lane masks or comparisons: `SIMD16`'s masked operations
/// compile to a loop over lanes through the stack (use the C kernels, e.g. ``Activation``'s).
package enum LaneMap {
    /// `y[p] = f(x[p])` for `p < count`; `y` may be `x`.
    @inline(__always)
    package static func apply<Scalar: TensorScalar>(_ x: UnsafePointer<Scalar>, into y: UnsafeMutablePointer<Scalar>,
                                                    count: Int, _ f: (SIMD16<Scalar>) -> SIMD16<Scalar>) {
        var p = 0
        while p + 16 <= count {
            UnsafeMutableRawPointer(y + p).storeBytes(of: f(UnsafeRawPointer(x + p).loadUnaligned(as: SIMD16<Scalar>.self)),
                                                      as: SIMD16<Scalar>.self)
            p += 16
        }
        guard p < count else { return }
        var tail = SIMD16<Scalar>()
        for j in 0..<(count - p) { tail[j] = x[p + j] }
        let mapped = f(tail)
        for j in 0..<(count - p) { y[p + j] = mapped[j] }
    }
}
