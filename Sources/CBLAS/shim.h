// OpenBLAS's CBLAS interface (`cblas_sgemm`, `cblas_dgemm`, …) plus its thread control
// (`openblas_set_num_threads`, `openblas_get_num_threads`). pkg-config `openblas` puts
// Debian's `/usr/include/x86_64-linux-gnu/openblas-pthread/` first on the include path, so
// `<cblas.h>` is OpenBLAS's own header (which declares the thread functions), not the
// reference-BLAS alternative.
#include <cblas.h>
