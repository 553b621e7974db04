#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value guarded by a `pthread_mutex_t`: `withLock` runs its body with exclusive access.
///
/// Used instead of the standard library's `Synchronization.Mutex` because ThreadSanitizer understands
/// pthread mutexes (it intercepts them) but not `Mutex`'s futex-based implementation in the
/// uninstrumented standard library, so every access under a `Mutex` was reported as a race by
/// `swift test --sanitize=thread` (Docs/reliability.md). Semantics are the same: not recursive; the
/// body must not call `withLock` on the same value again. Thread-safe, so `Sendable` when the state is.
package final class Locked<State: ~Copyable>: @unchecked Sendable {
    // @unchecked: `state` is only touched inside `withLock`, under `mutex`.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var state: State

    package init(_ initial: consuming State) {
        state = initial
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let status = pthread_mutex_init(mutex, nil)
        precondition(status == 0, "Locked: pthread_mutex_init failed with \(status)")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the state and returns its result.
    package func withLock<R>(_ body: (inout State) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }
}
