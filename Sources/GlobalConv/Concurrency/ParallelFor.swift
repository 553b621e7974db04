internal import CThreadPool

// The engine's parallel loops, all on one runtime: the process-wide worker pool of `CThreadPool`
// (Sources/CThreadPool/include/CThreadPool.h has the protocol). A region's items are handed out in
// chunks; each participant owns a contiguous block of them (so consecutive regions over the same items
// give each core the same ones) and takes chunks from the others' blocks once its own is done, so a
// participant on a busy core takes fewer chunks instead of holding the region up; the calling thread
// takes part; a region inside a region, or one started while another thread's region owns the pool, runs
// inline on its caller.

/// The chunks of `0..<count` that one participant of a parallel region claims, one at a time: its own
/// block's in ascending order, then chunks taken from the ends of the others' blocks (descending there), so
/// a body must not assume its chunks arrive in order.
///
/// Not copyable and only valid inside the region's body; `next()` is the only way to get work.
package struct RegionClaims: ~Copyable {
    private let claims: UnsafeMutableRawPointer

    fileprivate init(_ claims: UnsafeMutableRawPointer) { self.claims = claims }

    /// The next unclaimed chunk, or `nil` when the region has none left (every later call is `nil` too).
    package mutating func next() -> Range<Int>? {
        var begin = 0, end = 0
        guard gc_region_next(claims.assumingMemoryBound(to: gc_region_claims.self), &begin, &end) != 0 else { return nil }
        return begin..<end
    }
}

/// Runs a parallel region over `0..<count` with at most `threads` participants (the calling thread and
/// pool workers) and returns when all are done.
///
/// `body(&claims, participant)` is called once by each participant that gets work, with a participant
/// index in `0..<threads` that is unique within the region (index per-participant scratch with it); it
/// must call `claims.next()` until it returns `nil`. Chunks hold at least `grain` items; the region
/// makes about eight per participant so the split adapts to a core that is briefly busy. `body` must
/// be safe to run concurrently on disjoint chunks.
package func parallelRegion(_ count: Int, threads: Int, grain: Int = 1,
                            _ body: (inout RegionClaims, _ participant: Int) -> Void) {
    guard count > 0 else { return }
    let participants = max(1, min(threads, ParallelRuntime.maximumParticipants))
    if participants > 1 { BLASThreads.release() }  // OpenBLAS's busy-waiting server threads would take a core
    let chunk = max(1, grain, count / (participants * 8))
    typealias Body = (inout RegionClaims, Int) -> Void
    withoutActuallyEscaping(body) { body in
        withUnsafePointer(to: body) { context in
            _ = gc_pool_run(count, chunk, Int32(participants), { context, claims, participant in
                let body = context!.assumingMemoryBound(to: Body.self).pointee
                var region = RegionClaims(UnsafeMutableRawPointer(claims!))
                body(&region, Int(participant))
                precondition(region.next() == nil, "parallelRegion: the body returned before claiming every chunk")
            }, UnsafeMutableRawPointer(mutating: context))
        }
    }
}

/// Runs `body(range)` for disjoint chunks covering `0..<count` on up to `threads` participants
/// (``parallelRegion``); `body` must be safe to call concurrently on disjoint ranges.
package func parallelChunks(_ count: Int, threads: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
    parallelRegion(count, threads: threads, grain: grain) { claims, _ in
        while let range = claims.next() { body(range) }
    }
}

/// Runs `body(i)` for every `i` in `0..<count` on up to `threads` participants and returns when all are
/// done; `body` must be safe to call concurrently for distinct `i`.
package func parallelFor(_ count: Int, threads: Int, _ body: (Int) -> Void) {
    parallelChunks(count, threads: threads) { range in
        for i in range { body(i) }
    }
}

/// The parallel runtime's size and debug counters.
package enum ParallelRuntime {
    /// Participants a region can have: the CPUs in the process's affinity mask (pool workers + caller).
    package static var maximumParticipants: Int { Int(gc_pool_participants()) }

    /// Counters since the process started; differences of two readings measure a stretch of work.
    package struct Statistics: Sendable, Equatable {
        /// Regions started, and of those the ones run inline (one participant, nested, or pool busy).
        package var regions: Int, inlineRegions: Int
        /// Bodies run by pool workers (not by the calling thread).
        package var workerJoins: Int
        /// Wall time spent inside regions, summed, in nanoseconds.
        package var regionNanoseconds: Int
        /// Broadcasts that woke parked workers.
        package var wakeups: Int

        /// All counters zero.
        package static let zero = Statistics(regions: 0, inlineRegions: 0, workerJoins: 0, regionNanoseconds: 0, wakeups: 0)

        package static func - (a: Statistics, b: Statistics) -> Statistics {
            Statistics(regions: a.regions - b.regions, inlineRegions: a.inlineRegions - b.inlineRegions,
                       workerJoins: a.workerJoins - b.workerJoins,
                       regionNanoseconds: a.regionNanoseconds - b.regionNanoseconds, wakeups: a.wakeups - b.wakeups)
        }
    }

    package static var statistics: Statistics {
        let s = gc_pool_stats()
        return Statistics(regions: Int(s.regions), inlineRegions: Int(s.inline_regions), workerJoins: Int(s.worker_joins),
                          regionNanoseconds: Int(s.region_ns), wakeups: Int(s.wakeups))
    }
}
