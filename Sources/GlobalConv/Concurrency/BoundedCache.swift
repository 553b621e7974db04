/// The one memo table of GlobalConv: a thread-safe map from keys to immutable values, bounded by an
/// entry count and optionally by a total cost (bytes), evicting the least recently used entry first.
///
/// Every cache of the library is one of these — FFTW plans (real and complex), kernel spectra per
/// weights, measured FFT sizes, the auto path's decisions, the engine convolutions of a kernel at each
/// padding, ParC's resized kernels — so there is one eviction policy to reason about
/// (Docs/architecture.md, "Caches"). Values are shared by reference or are small values; an evicted
/// value stays alive for the tasks still holding it.
///
/// ``value(for:make:)`` makes a missing value *outside* the lock (planning or measuring may take
/// long; other keys stay available); two tasks racing for the same new key may both make it, and the
/// first insertion wins, so every caller gets the same value. The entry just inserted is never the one
/// evicted. Thread-safe (`Locked`, which ThreadSanitizer understands).
package final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// At most this many entries are kept.
    package let capacity: Int
    /// At most this total cost is kept (the newest entry is always kept), or nil for no cost bound.
    package let costCapacity: Int?
    private let cost: @Sendable (Value) -> Int

    private struct Entry {
        var value: Value
        var lastUse: UInt64
    }
    private struct State {
        var entries: [Key: Entry] = [:]
        var clock: UInt64 = 0
        var totalCost = 0
    }
    private let state = Locked(State())

    /// - Parameters:
    ///   - capacity: the most entries kept (≥ 1).
    ///   - costCapacity: the most total `cost` kept, or nil.
    ///   - cost: an entry's cost (e.g. its bytes); only read when `costCapacity` is set.
    package init(capacity: Int, costCapacity: Int? = nil, cost: @escaping @Sendable (Value) -> Int = { _ in 0 }) {
        precondition(capacity >= 1, "BoundedCache: capacity must be ≥ 1, got \(capacity)")
        (self.capacity, self.costCapacity, self.cost) = (capacity, costCapacity, cost)
    }

    /// The value for `key`, made by `make` (outside the lock) and inserted when missing.
    package func value<E: Error>(for key: Key, make: () throws(E) -> Value) throws(E) -> Value {
        if let hit = self[key] { return hit }
        let fresh = try make()
        return state.withLock { s in
            s.clock += 1
            if let existing = s.entries[key] {  // a racing task inserted first: share its value
                s.entries[key]!.lastUse = s.clock
                return existing.value
            }
            insert(fresh, for: key, into: &s)
            return fresh
        }
    }

    /// The value for `key` (counts as a use), or nil.
    package subscript(key: Key) -> Value? {
        state.withLock { s in
            guard s.entries[key] != nil else { return nil }
            s.clock += 1
            s.entries[key]!.lastUse = s.clock
            return s.entries[key]!.value
        }
    }

    /// Whether `key` has a value (does not count as a use).
    package func contains(_ key: Key) -> Bool { state.withLock { $0.entries[key] != nil } }

    /// Sets the value for `key` to `update(current)` atomically and returns it (insertion when the key
    /// is missing, `current` then nil).
    @discardableResult
    package func update(_ key: Key, _ update: (Value?) -> Value) -> Value {
        state.withLock { s in
            s.clock += 1
            let new = update(s.entries[key]?.value)
            if let old = s.entries[key] {
                if costCapacity != nil { s.totalCost += cost(new) - cost(old.value) }
                s.entries[key] = Entry(value: new, lastUse: s.clock)
                evict(keeping: key, from: &s)
            } else {
                insert(new, for: key, into: &s)
            }
            return new
        }
    }

    /// Every entry, in no particular order (does not count as a use).
    package var entries: [(key: Key, value: Value)] { state.withLock { s in s.entries.map { ($0.key, $0.value.value) } } }

    /// Number of entries held.
    package var count: Int { state.withLock { $0.entries.count } }

    /// Total cost held (0 without a cost bound).
    package var totalCost: Int { state.withLock { $0.totalCost } }

    /// Drops every entry.
    package func removeAll() { state.withLock { $0 = State() } }

    private func insert(_ value: Value, for key: Key, into s: inout State) {
        s.entries[key] = Entry(value: value, lastUse: s.clock)
        if costCapacity != nil { s.totalCost += cost(value) }
        evict(keeping: key, from: &s)
    }

    private func evict(keeping key: Key, from s: inout State) {
        while s.entries.count > capacity || (costCapacity.map { s.totalCost > $0 } ?? false) && s.entries.count > 1 {
            guard let victim = s.entries.lazy.filter({ $0.key != key }).min(by: { $0.value.lastUse < $1.value.lastUse })
            else { return }
            s.entries[victim.key] = nil
            if costCapacity != nil { s.totalCost -= cost(victim.value.value) }
        }
    }
}
