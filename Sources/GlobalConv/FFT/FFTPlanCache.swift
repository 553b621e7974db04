/// The process-wide FFTW plans keyed by ``RealFFTDescriptor``: a ``BoundedCache`` (at most 256 plans,
/// least recently used dropped; tasks still executing a dropped plan keep it alive).
///
/// Planning happens outside the cache's own lock (under ``FFTWLock``), so a slow measured plan does
/// not block lookups of other sizes; two tasks racing for the same new key both plan and the first
/// insertion wins.
final class FFTPlanCache: Sendable {
    /// The process-wide cache every convolution uses.
    static let shared = FFTPlanCache(capacity: 256)

    private let plans: BoundedCache<RealFFTDescriptor, RealFFTPlan>

    init(capacity: Int) { plans = BoundedCache(capacity: capacity) }

    /// At most this many plans are held.
    var capacity: Int { plans.capacity }

    /// The cached plan for `descriptor`, planning it first if needed.
    func plan(for descriptor: RealFFTDescriptor) throws(ConvolutionError) -> RealFFTPlan {
        try plans.value(for: descriptor) { () throws(ConvolutionError) in try RealFFTPlan(descriptor) }
    }

    /// Number of plans held.
    var count: Int { plans.count }

    /// Drops every cached plan (plans in use stay alive until their users finish).
    func removeAll() { plans.removeAll() }
}
