internal import CFFTW

/// The one process-wide lock around every FFTW call that is not an execute: planning, destroying
/// plans, wisdom, thread setup. FFTW's planner is not thread-safe; its new-array execute functions
/// are, on distinct arrays, so executes take no lock.
enum FFTWLock {
    private static let mutex = Locked<Bool>(false)  // true once fftw(f)_init_threads has run

    /// Runs `body` holding the lock, with FFTW's threads support initialised.
    static func withLock<R>(_ body: () throws -> R) rethrows -> R {
        try mutex.withLock { initialised in
            if !initialised {
                _ = fftw_init_threads()
                _ = fftwf_init_threads()
                initialised = true
            }
            return try body()
        }
    }

    /// Destroys a plan of `precision` (its type's `fftw(f)_destroy_plan`) holding the lock; the plans' `deinit`.
    static func destroyPlan(_ raw: OpaquePointer, precision: Precision) {
        let scalar = precision.scalarType
        withLock { scalar._fftwDestroyPlan(raw) }
    }
}
