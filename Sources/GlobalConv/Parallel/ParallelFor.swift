import Dispatch
import Synchronization

/// Calls `body(range)` for disjoint, contiguous ranges that together cover `0..<count`, on up to
/// `threads` workers at once (the calling thread is one of them), and returns when all have run.
///
/// The work is cut into a few chunks per worker, claimed through an atomic counter, so a worker that
/// the OS preempts (the machine is shared) does not hold the whole call back. `body` runs concurrently
/// with itself, hence `@Sendable`: it must only write state that belongs to its own range (disjoint
/// output slices, scratch it allocates itself). Callers that write through raw pointers capture them
/// as `nonisolated(unsafe) let`, which states exactly that promise at the call site. With
/// `threads == 1` or a single chunk, everything runs inline, in order.
///
/// - Parameters:
///   - count: number of items (≤ 0 does nothing).
///   - threads: maximum concurrent workers, ≥ 1.
///   - chunksPerWorker: how many ranges each worker gets on average; more balances better, fewer
///     amortises per-range set-up (scratch allocation) better.
func parallelForRanges(_ count: Int, threads: Int, chunksPerWorker: Int = 4,
                       _ body: @Sendable (Range<Int>) -> Void) {
    precondition(threads >= 1, "parallelForRanges: threads must be ≥ 1, got \(threads)")
    guard count > 0 else { return }
    let workers = min(threads, count)
    let chunks = min(count, workers * max(1, chunksPerWorker))
    guard workers > 1, chunks > 1 else { return body(0..<count) }
    // Chunk k covers [k·count/chunks, (k+1)·count/chunks): sizes differ by at most one.
    let next = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while true {
            let k = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard k < chunks else { return }
            body((k * count / chunks)..<((k + 1) * count / chunks))
        }
    }
}

/// Calls `body(i)` for every `i` in `0..<count` on up to `threads` workers; see ``parallelForRanges``
/// for the scheduling and the rule that `body` touches only state belonging to `i`.
func parallelFor(_ count: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
    parallelForRanges(count, threads: threads) { range in
        for i in range { body(i) }
    }
}
