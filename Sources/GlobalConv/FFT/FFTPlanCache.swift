/// A bounded, thread-safe cache of FFTW plans keyed by ``RealFFTDescriptor``.
///
/// Planning happens outside the cache's own lock (under ``FFTWLock``), so a slow measured plan does
/// not block lookups of other sizes; two tasks racing for the same new key both plan and the first
/// insertion wins. When more than ``capacity`` plans are held the least recently used is dropped;
/// tasks still executing it keep it alive through their reference.
final class FFTPlanCache: Sendable {
    /// The process-wide cache every convolution uses.
    static let shared = FFTPlanCache(capacity: 256)

    let capacity: Int
    private struct State {
        var plans: [RealFFTDescriptor: (plan: RealFFTPlan, lastUse: UInt64)] = [:]
        var clock: UInt64 = 0
    }
    private let state = Locked(State())

    init(capacity: Int) {
        precondition(capacity >= 1, "FFTPlanCache: capacity must be ≥ 1")
        self.capacity = capacity
    }

    /// The cached plan for `descriptor`, planning it first if needed.
    func plan(for descriptor: RealFFTDescriptor) throws(ConvolutionError) -> RealFFTPlan {
        if let hit = state.withLock({ s -> RealFFTPlan? in
            guard let entry = s.plans[descriptor] else { return nil }
            s.clock += 1
            s.plans[descriptor] = (entry.plan, s.clock)
            return entry.plan
        }) { return hit }
        let fresh = try RealFFTPlan(descriptor)
        return state.withLock { s in
            s.clock += 1
            if let existing = s.plans[descriptor] {
                s.plans[descriptor] = (existing.plan, s.clock)
                return existing.plan
            }
            s.plans[descriptor] = (fresh, s.clock)
            if s.plans.count > capacity, let oldest = s.plans.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
                s.plans[oldest] = nil
            }
            return fresh
        }
    }

    /// Number of plans held.
    var count: Int { state.withLock { $0.plans.count } }

    /// Drops every cached plan (plans in use stay alive until their users finish).
    func removeAll() { state.withLock { $0.plans.removeAll() } }
}
