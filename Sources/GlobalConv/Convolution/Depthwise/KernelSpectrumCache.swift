/// Kernel spectra of one convolution's weights, per transform size; filled by the FFT path.
///
/// A spectrum is `C` consecutive half spectra of `Lh × (Lw/2+1)` complex values, interleaved
/// (re, im), already conjugated and scaled by `1/(Lh·Lw)` so the FFT path's inner loop is one complex
/// multiply. Thread-safe: the first caller for a size computes it, racing callers may compute it
/// twice and keep one.
///
/// Bounded: at most ``capacity`` sizes and ``byteCapacity`` bytes are kept; the least recently used
/// spectrum is dropped first (tasks still using it keep it alive through their reference).
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

    private struct State {
        var spectra: [Key: (spectrum: Spectrum, lastUse: UInt64)] = [:]
        var clock: UInt64 = 0
        var bytes = 0
    }
    private let storage = Locked(State())
    /// At most this many transform sizes are kept per weights.
    static var capacity: Int { 8 }
    /// At most this many bytes of spectra are kept per weights (the newest spectrum is always kept).
    static var byteCapacity: Int { 1 << 30 }

    func spectrum(for key: Key, compute: () throws(ConvolutionError) -> [Scalar]) throws(ConvolutionError) -> Spectrum {
        if let hit = storage.withLock({ s -> Spectrum? in
            guard let entry = s.spectra[key] else { return nil }
            s.clock += 1
            s.spectra[key] = (entry.spectrum, s.clock)
            return entry.spectrum
        }) { return hit }
        let fresh = Spectrum(values: try compute())
        return storage.withLock { s in
            s.clock += 1
            if let existing = s.spectra[key] {
                s.spectra[key] = (existing.spectrum, s.clock)
                return existing.spectrum
            }
            s.spectra[key] = (fresh, s.clock)
            s.bytes += fresh.bytes
            while s.spectra.count > Self.capacity || (s.bytes > Self.byteCapacity && s.spectra.count > 1),
                  let victim = s.spectra.filter({ $0.key != key }).min(by: { $0.value.lastUse < $1.value.lastUse }) {
                s.spectra[victim.key] = nil
                s.bytes -= victim.value.spectrum.bytes
            }
            return fresh
        }
    }

    /// Whether the spectrum for `key` is held.
    func contains(_ key: Key) -> Bool { storage.withLock { $0.spectra[key] != nil } }

    var count: Int { storage.withLock { $0.spectra.count } }

    /// Bytes of spectra held.
    var bytes: Int { storage.withLock { $0.bytes } }
}
