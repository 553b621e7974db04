// The list of CVectorMath's kernels chosen by level (Pointwise.h: gc_vector_math_kernel_count / _at),
// expanded from vector_math_kernels.h for tests and diagnostics.
#include "Pointwise.h"
#include "vector_math_kernels.h"

#define GC_ENTRY_PW(NAME, SLOT, ISA, STRIP, TAIL, VECTOR) {#NAME, ISA, 4},
#define GC_ENTRY(NAME, SLOT, ISA) {#NAME, ISA, 4},
#define GC_ENTRY_F64(NAME, SLOT, ISA) {#NAME, ISA, 8},
static const gc_kernel_info gc_vector_math_kernels[] = {
    GC_POINTWISE_KERNELS(GC_ENTRY_PW) GC_GELU_KERNELS(GC_ENTRY) GC_CIRCULAR_KERNELS(GC_ENTRY)
    GC_CIRCULAR_F64_KERNELS(GC_ENTRY_F64)
};
#undef GC_ENTRY_PW
#undef GC_ENTRY
#undef GC_ENTRY_F64

ptrdiff_t gc_vector_math_kernel_count(void) {
    return (ptrdiff_t)(sizeof gc_vector_math_kernels / sizeof gc_vector_math_kernels[0]);
}

gc_kernel_info gc_vector_math_kernel_at(ptrdiff_t index) {
    return gc_vector_math_kernels[index];
}
