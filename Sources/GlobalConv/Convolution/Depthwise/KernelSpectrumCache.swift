/// Kernel spectra of one convolution's weights, per transform size; filled by the FFT path.
///
/// A spectrum is `C` consecutive half spectra of `Lh × (Lw/2+1)` complex values, interleaved
/// (re, im), already conjugated and scaled by `1/(Lh·Lw)` so the FFT path's inner loop is one complex
/// multiply. Thread-safe: the first caller for a size computes it, racing callers may compute it
/// twice and keep one.
///
/// Bounded (``BoundedCache``): at most ``capacity`` sizes and ``byteCapacity`` bytes are kept; the least
/// recently used spectrum is dropped first (tasks still using it keep it alive through their reference).
final class KernelSpectrumCache<Scalar: TensorScalar>: Sendable {
    struct Key: Hashable, Sendable {
        var transform: Size2D
        var mode: PaddingMode
        /// The whole spectrum (all `L` bins of a 1-D transform) instead of the half spectrum.
        var full = false
    }

    /// A computed spectrum, shared read-only by every task that uses it.
    final class Spectrum: Sendable {
        let values: [Scalar]
        init(values: [Scalar]) { self.values = values }
        var bytes: Int { values.count * MemoryLayout<Scalar>.stride }
    }

    private let storage = BoundedCache<Key, Spectrum>(capacity: capacity, costCapacity: byteCapacity) { $0.bytes }
    /// At most this many transform sizes are kept per weights.
    static var capacity: Int { 8 }
    /// At most this many bytes of spectra are kept per weights (the newest spectrum is always kept).
    static var byteCapacity: Int { 1 << 30 }

    func spectrum(for key: Key, compute: () throws(ConvolutionError) -> [Scalar]) throws(ConvolutionError) -> Spectrum {
        try storage.value(for: key) { () throws(ConvolutionError) in Spectrum(values: try compute()) }
    }

    /// Counts a use of the spectrum for `key` (a plan that holds it ran), keeping the LRU order true to use.
    func markUsed(_ key: Key) { _ = storage[key] }

    /// Whether the spectrum for `key` is held (does not count as a use).
    func contains(_ key: Key) -> Bool { storage.contains(key) }

    var count: Int { storage.count }

    /// Bytes of spectra held.
    var bytes: Int { storage.totalCost }
}
