#include "VectorMath.h"
#include "Pointwise.h"
#include "activation_inline.h"
#include "activation_x86.h"

#include "clones.h"

GC_CLONES
void gc_exp_f32(const float *x, float *y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = gc_expf(x[i]);
}

static void gc_gelu_generic(float *x, size_t n) {
    for (size_t i = 0; i < n; i++) x[i] = gc_gelu(x[i]);
}

void gc_gelu_f32(float *x, size_t n) {
#if defined(__x86_64__)
    switch (gc_pw_best_isa()) {
    case GC_PW_AVX512: gc_gelu_row_avx512(x, (ptrdiff_t)n); return;
    case GC_PW_AVX2: gc_gelu_row_avx2(x, (ptrdiff_t)n); return;
    default: break;
    }
#endif
    gc_gelu_generic(x, n);
}

GC_CLONES
void gc_silu_f32(float *x, size_t n) {
    for (size_t i = 0; i < n; i++) x[i] = gc_silu(x[i]);
}

GC_CLONES
void gc_relu_f32(float *x, size_t n) {
    for (size_t i = 0; i < n; i++) x[i] = gc_relu(x[i]);
}
