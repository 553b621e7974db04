#include "VectorMath.h"
#include "Pointwise.h"
#include "activation_inline.h"
#include "activation_x86.h"

#include "vector_math_kernels.h"

GC_CLONES
void gc_exp_f32(const float *x, float *y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = gc_expf(x[i]);
}

// GELU in place over n floats, per level (GC_GELU_KERNELS).
static void gc_f32_gelu_portable(float *x, size_t n) {
    for (size_t i = 0; i < n; i++) x[i] = gc_gelu(x[i]);
}

#ifdef GC_X86
GC_TARGET_AVX2 static void gc_f32_gelu_avx2(float *x, size_t n) { gc_gelu_to_avx2(x, x, (ptrdiff_t)n); }
GC_TARGET_AVX512 static void gc_f32_gelu_avx512(float *x, size_t n) { gc_gelu_to_avx512(x, x, (ptrdiff_t)n); }
#endif

typedef struct {
    void (*gelu)(float *, size_t);
} gc_gelu_table;

#define GC_TABLE_SLOT(NAME, SLOT, ISA) [ISA].SLOT = NAME,
// The dispatch tables, one per level, filled from GC_GELU_KERNELS at compile time.
static const gc_gelu_table gc_gelu_tables[GC_ISA_COUNT] = {GC_GELU_KERNELS(GC_TABLE_SLOT)};
#undef GC_TABLE_SLOT

void gc_gelu_f32(float *x, size_t n) {
    gc_gelu_tables[gc_cpu_best_isa()].gelu(x, n);
}

GC_CLONES
void gc_silu_f32(float *x, size_t n) {
    for (size_t i = 0; i < n; i++) x[i] = gc_silu(x[i]);
}

GC_CLONES
void gc_relu_f32(float *x, size_t n) {
    for (size_t i = 0; i < n; i++) x[i] = gc_relu(x[i]);
}
