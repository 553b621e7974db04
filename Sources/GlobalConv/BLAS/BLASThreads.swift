internal import CBLAS

/// OpenBLAS runs single-threaded, inside the engine's one thread pool.
///
/// OpenBLAS starts server threads when it is loaded, and after every multi-threaded call they
/// busy-wait (`sched_yield`) for about 0.1 s (2^28 TSC cycles, its `THREAD_TIMEOUT`) before they
/// sleep. On a machine with as many cores as the engine's pool has participants, such a thread takes a
/// core from the pool: measured on a 2-core AMD EPYC, a 96-channel ConvFFN at 56×56 took 2.4–3.0 ms
/// instead of 1.15 ms in the first 0.1 s of a process, and a model whose `Linear` head ran OpenBLAS on
/// two threads (ConvNeXt-T: 768 → 1000) lost 5 % on every following forward. So GlobalConv never asks
/// OpenBLAS for more than one thread: callers split a product into fixed blocks and run them on the
/// engine's pool (``GEMM/multiplyInBlocks(m:n:k:a:lda:b:ldb:transposeB:c:ldc:threads:)``), and
/// ``release()`` — on the first parallel region or OpenBLAS call of the process — sets OpenBLAS to one
/// thread and stops the server threads it started at load.
///
/// Process-global: an application that itself calls OpenBLAS with more threads gets them back (OpenBLAS
/// restarts its server on demand); GlobalConv's own calls are single-threaded either way.
public enum BLASThreads {
    /// Done once per process, before the first parallel region or OpenBLAS call (thread-safe: a lazy global).
    private static let released: Void = {
        openblas_set_num_threads(1)
        gc_openblas_stop_server_threads()
    }()

    /// Sets OpenBLAS to one thread and stops its idle server threads, once per process.
    package static func release() { _ = released }

    /// The thread count OpenBLAS reports now (1 once GlobalConv has run a parallel region or a product).
    public static var count: Int { Int(openblas_get_num_threads()) }
}
