internal import CFFTW

/// An immutable, batched, in-place complex FFTW plan (one direction), created under ``FFTWLock``,
/// destroyed under it, and cached process-wide per ``Descriptor`` (``plan(for:)``).
///
/// Transform `t < howMany` of length `length` occupies complex elements `t·distance + i·stride`
/// (interleaved re, im). Unnormalised: forward `X[f] = Σ x[n]·e^{−2πi fn/L}`, inverse with `e^{+…}`.
/// Execution is FFTW's thread-safe new-array execute on a buffer from ``AlignedBuffer``; many tasks may
/// run one plan at once on distinct buffers.
final class ComplexFFTPlan: @unchecked Sendable {
    // @unchecked: `raw` is only used by thread-safe new-array executes and by `deinit` under the lock.
    struct Descriptor: Hashable, Sendable {
        enum Direction: Hashable, Sendable { case forward, inverse }
        var precision: Precision
        var direction: Direction
        var length: Int
        var howMany: Int
        /// Complex elements between samples of one transform.
        var stride: Int
        /// Complex elements between transforms.
        var distance: Int
        var effort: PlanningEffort

        /// Complex elements the batch spans.
        var span: Int { (howMany - 1) * distance + (length - 1) * stride + 1 }
    }

    let descriptor: Descriptor
    private let raw: OpaquePointer

    /// - Throws: ``ConvolutionError/tooLarge(_:)`` when a size does not fit FFTW's `int` or FFTW refuses.
    init(_ d: Descriptor) throws(ConvolutionError) {
        let limit = Int(Int32.max)
        guard d.length >= 1, d.howMany >= 1, d.length <= limit, d.howMany <= limit, d.stride <= limit,
              d.distance <= limit, d.span <= limit / 2 else {
            throw .tooLarge("complex FFT of length \(d.length) × \(d.howMany) exceeds FFTW's 32-bit index range")
        }
        let scratch = AlignedBuffer<Double>(count: 2 * d.span)   // big enough for either precision
        let flags: UInt32 = switch d.effort {
        case .estimate: FFTW_ESTIMATE
        case .measure: FFTW_MEASURE
        case .patient: FFTW_PATIENT
        }
        let sign: Int32 = d.direction == .forward ? FFTW_FORWARD : FFTW_BACKWARD
        let (howMany, stride, distance) = (Int32(d.howMany), Int32(d.stride), Int32(d.distance))
        let scalar = d.precision.scalarType
        let plan: OpaquePointer? = FFTWLock.withLock {
            scalar._fftwPlanComplex(length: Int32(d.length), howMany: howMany, data: UnsafeMutableRawPointer(scratch.pointer),
                                    stride: stride, distance: distance, sign: sign, flags: flags)
        }
        guard let plan else { throw .tooLarge("FFTW could not plan a complex transform of length \(d.length) × \(d.howMany)") }
        descriptor = d
        raw = plan
    }

    deinit { FFTWLock.destroyPlan(raw, precision: descriptor.precision) }

    /// Transforms `data` (2·span scalars from an ``AlignedBuffer``) in place.
    /// - Precondition: `S` is the plan's precision.
    func execute<S: TensorScalar>(_ data: UnsafeMutablePointer<S>) {
        precondition(S.precision == descriptor.precision, "ComplexFFTPlan: wrong precision \(S.self)")
        S._fftwExecuteComplex(raw, data)
    }

    /// At most this many plans are cached (``BoundedCache``: least recently used dropped first).
    static let capacity = 128
    private static let cache = BoundedCache<Descriptor, ComplexFFTPlan>(capacity: capacity)

    /// The cached plan for `descriptor`, planning it first if needed (planning outside the cache's lock).
    static func plan(for descriptor: Descriptor) throws(ConvolutionError) -> ComplexFFTPlan {
        try cache.value(for: descriptor) { () throws(ConvolutionError) in try ComplexFFTPlan(descriptor) }
    }
}
