import Synchronization

/// Kernel spectra of one convolution's weights, per transform size; filled by the FFT path.
///
/// A spectrum is `C` consecutive half spectra of `Lh × (Lw/2+1)` complex values, interleaved
/// (re, im), already conjugated and scaled by `1/(Lh·Lw)` so the FFT path's inner loop is one complex
/// multiply. Thread-safe: the first caller for a size computes it, racing callers may compute it
/// twice and keep one.
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
    }

    private let storage = Mutex<[Key: Spectrum]>([:])
    /// At most this many transform sizes are kept per weights (oldest-inserted dropped first).
    static var capacity: Int { 8 }

    func spectrum(for key: Key, compute: () throws(ConvolutionError) -> [Scalar]) throws(ConvolutionError) -> Spectrum {
        if let hit = storage.withLock({ $0[key] }) { return hit }
        let fresh = Spectrum(values: try compute())
        return storage.withLock { s in
            if let existing = s[key] { return existing }
            if s.count >= Self.capacity, let victim = s.keys.first { s[victim] = nil }
            s[key] = fresh
            return fresh
        }
    }

    var count: Int { storage.withLock { $0.count } }
}
