internal import CFFTW

/// A fixed-size buffer of `Scalar` allocated with `fftw_malloc`, so it has the SIMD alignment FFTW's
/// plans were made for. Zero-filled at creation. Not thread-safe: one owner (task) at a time.
final class AlignedBuffer<Scalar: TensorScalar> {
    let count: Int
    let pointer: UnsafeMutablePointer<Scalar>

    /// - Precondition: `count ≥ 0` and `count·stride` fits in `Int` (callers check sizes first).
    init(count: Int) {
        precondition(count >= 0, "AlignedBuffer: negative count \(count)")
        let (bytes, overflow) = max(count, 1).multipliedReportingOverflow(by: MemoryLayout<Scalar>.stride)
        precondition(!overflow, "AlignedBuffer: \(count) elements overflow the address space")
        guard let raw = fftw_malloc(bytes) else { fatalError("AlignedBuffer: out of memory allocating \(bytes) bytes") }
        self.count = count
        pointer = raw.bindMemory(to: Scalar.self, capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { fftw_free(pointer) }

    var buffer: UnsafeMutableBufferPointer<Scalar> { UnsafeMutableBufferPointer(start: pointer, count: count) }
}
