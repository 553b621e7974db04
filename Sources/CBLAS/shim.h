// OpenBLAS's CBLAS interface (`cblas_sgemm`, `cblas_dgemm`, …) plus its thread control
// (`openblas_set_num_threads`, `openblas_get_num_threads`). pkg-config `openblas` puts
// Debian's `/usr/include/x86_64-linux-gnu/openblas-pthread/` first on the include path, so
// `<cblas.h>` is OpenBLAS's own header (which declares the thread functions), not the
// reference-BLAS alternative.
#include <cblas.h>

// OpenBLAS's own shutdown of its server threads (exported by the threaded builds, used by its fork
// handler; not in cblas.h). Weak: a build without server threads has none to stop.
int blas_thread_shutdown_(void) __attribute__((weak));

/// Stops OpenBLAS's server threads if it has any (they are made again if a multi-threaded call ever
/// needs them). Not concurrently with an OpenBLAS call.
static inline void gc_openblas_stop_server_threads(void) {
    if (blas_thread_shutdown_) blas_thread_shutdown_();
}
