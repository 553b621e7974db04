internal import CFFTW

/// An immutable, batched real FFTW plan (one direction), created under ``FFTWLock`` and destroyed
/// under it when the last reference goes.
///
/// Execution uses FFTW's new-array functions, which are thread-safe: many tasks may execute one plan
/// at once on distinct buffers. Buffers must come from ``AlignedBuffer`` (FFTW's alignment) and match
/// the descriptor's layout. Transforms are unnormalised (forward `X[k] = Σ x[n]·e^{−2πi kn/L}`,
/// inverse `x[n] = Σ X[k]·e^{+2πi kn/L}`), so an inverse of a forward multiplies by `Π dims`.
final class RealFFTPlan: @unchecked Sendable {
    // @unchecked: `raw` is only used by thread-safe new-array executes and by `deinit` under the lock.
    let descriptor: RealFFTDescriptor
    private let raw: OpaquePointer

    /// Plans `descriptor` (FFTW measures on scratch buffers of its own when effort ≥ measure).
    /// - Throws: ``ConvolutionError/tooLarge(_:)`` when a size does not fit FFTW's `int` or FFTW refuses.
    init(_ d: RealFFTDescriptor) throws(ConvolutionError) {
        let limit = Int(Int32.max)
        guard d.dims.allSatisfy({ $0 >= 1 && $0 <= limit }), d.howMany >= 1, d.howMany <= limit,
              d.realDistance <= limit, d.complexDistance <= limit, d.realStride <= limit, d.complexStride <= limit,
              d.realSpan <= limit, d.complexSpan <= limit / 2 else {
            throw .tooLarge("FFT of size \(d.dims) × \(d.howMany) exceeds FFTW's 32-bit index range")
        }
        let realScratch = AlignedBuffer<Double>(count: d.realSpan)       // big enough for either precision
        let complexScratch = AlignedBuffer<Double>(count: 2 * d.complexSpan)
        var flags: UInt32 = switch d.effort {
        case .estimate: FFTW_ESTIMATE
        case .measure: FFTW_MEASURE
        case .patient: FFTW_PATIENT
        }
        if d.direction == .inverse { flags |= FFTW_DESTROY_INPUT }
        if d.unaligned { flags |= FFTW_UNALIGNED }
        let n = d.dims.map { Int32($0) }
        let scalar = d.precision.scalarType
        let plan: OpaquePointer? = FFTWLock.withLock {
            n.withUnsafeBufferPointer { nb in
                scalar._fftwPlanReal(rank: Int32(n.count), dims: nb.baseAddress!, howMany: Int32(d.howMany),
                                     forward: d.direction == .forward,
                                     real: UnsafeMutableRawPointer(realScratch.pointer), realStride: Int32(d.realStride),
                                     realDistance: Int32(d.realDistance),
                                     complex: UnsafeMutableRawPointer(complexScratch.pointer), complexStride: Int32(d.complexStride),
                                     complexDistance: Int32(d.complexDistance), flags: flags, threads: Int32(d.threads))
            }
        }
        guard let plan else { throw .tooLarge("FFTW could not plan a transform of size \(d.dims) × \(d.howMany)") }
        descriptor = d
        raw = plan
    }

    deinit { FFTWLock.destroyPlan(raw, precision: descriptor.precision) }

    /// Forward (`r2c`): `real` (descriptor.realSpan scalars) → `complex` (2·complexSpan scalars, (re, im)).
    /// - Precondition: a `.forward` plan of `S`'s precision.
    func forward<S: TensorScalar>(real: UnsafeMutablePointer<S>, complex: UnsafeMutablePointer<S>) {
        precondition(descriptor.direction == .forward && S.precision == descriptor.precision, "RealFFTPlan: wrong plan for forward<\(S.self)>")
        S._fftwExecuteR2C(raw, real: real, complex: complex)
    }

    /// Inverse (`c2r`, unnormalised; overwrites `complex`): `complex` → `real`.
    /// - Precondition: an `.inverse` plan of `S`'s precision.
    func inverse<S: TensorScalar>(complex: UnsafeMutablePointer<S>, real: UnsafeMutablePointer<S>) {
        precondition(descriptor.direction == .inverse && S.precision == descriptor.precision, "RealFFTPlan: wrong plan for inverse<\(S.self)>")
        S._fftwExecuteC2R(raw, complex: complex, real: real)
    }
}
