import Dispatch

/// Runs `body(i)` for every `i` in `0..<count` on up to `threads` workers and returns when all are done.
///
/// Work is split into `min(threads, count)` contiguous chunks, one per worker, so a worker can set up
/// per-chunk scratch (FFT workspace) once; `body` must be safe to call concurrently for distinct `i`.
package func parallelFor(_ count: Int, threads: Int, _ body: (Int) -> Void) {
    parallelChunks(count, threads: threads) { range in
        for i in range { body(i) }
    }
}

/// Splits `0..<count` into `min(threads, count)` near-equal contiguous ranges and runs `body` on each
/// range concurrently (on the calling thread when there is one range).
package func parallelChunks(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let workers = max(1, min(threads, count))
    if workers == 1 { body(0..<count); return }
    withoutActuallyEscaping(body) { body in
        let box = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let lo = count * w / workers, hi = count * (w + 1) / workers
            box.value(lo..<hi)
        }
    }
}

/// Carries a non-`Sendable` closure into `concurrentPerform`; callers guarantee the closure is safe to
/// run concurrently on disjoint index ranges.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
