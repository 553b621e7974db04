internal import CBLAS

/// OpenBLAS's thread pool size, kept equal to the calling block's `ExecutionOptions.threads`.
///
/// OpenBLAS's count is *process-global* (`openblas_set_num_threads`): two blocks running at the same
/// time with different `threads` race on it, and the last setter wins for both (results are the same
/// either way; only speed differs). Backbones never runs its own parallel loop while a GEMM runs: the
/// layers around GEMMs are single-threaded loops, and the engine's convolutions run between GEMMs.
public enum BLASThreads {
    private static let current = Locked<Int>(0)

    /// Sets OpenBLAS's pool to `threads` if it is not already that size. - Precondition: `threads ≥ 1`.
    public static func use(_ threads: Int) {
        precondition(threads >= 1, "BLASThreads: threads must be ≥ 1, got \(threads)")
        current.withLock { value in
            if value != threads {
                openblas_set_num_threads(Int32(clamping: threads))
                value = threads
            }
        }
    }

    /// The pool size OpenBLAS reports now.
    public static var count: Int { Int(openblas_get_num_threads()) }
}
