// Fused 1×1 convolutions in single precision (Pointwise.h), compiled once per instruction set with
// function target attributes and chosen at run time like CDirectKernel: AVX-512 (strips of 64 pixels),
// AVX2 + FMA (16), portable GCC vectors (8).

#include "Pointwise.h"
#include "activation_inline.h"
#include "activation_x86.h"

#if defined(__x86_64__)
#define GC_PW_X86 1
#endif

#pragma STDC FP_CONTRACT ON

#define GC_TARGET
#define GC_VL 4
#define GC_NV 2
#define GC_NAME(x) gc_pw_generic_##x
#define GC_GELU_TO(s, d, n) for (ptrdiff_t j_ = 0; j_ < (n); j_++) (d)[j_] = gc_gelu((s)[j_])
#include "pointwise_body.h"
#undef GC_GELU_TO
#undef GC_TARGET
#undef GC_VL
#undef GC_NV
#undef GC_NAME

#ifdef GC_PW_X86
#define GC_TARGET __attribute__((target("avx2,fma")))
#define GC_VL 8
#define GC_NV 2
#define GC_NAME(x) gc_pw_avx2_##x
#define GC_GELU_TO(s, d, n) gc_gelu_to_avx2((s), (d), (n))
#include "pointwise_body.h"
#undef GC_GELU_TO
#undef GC_TARGET
#undef GC_VL
#undef GC_NV
#undef GC_NAME

#define GC_TARGET __attribute__((target("avx512f,avx512vl,avx2,fma")))
#define GC_VL 16
#define GC_NV 4
#define GC_NAME(x) gc_pw_avx512_##x
#define GC_GELU_TO(s, d, n) gc_gelu_to_avx512((s), (d), (n))
#include "pointwise_body.h"
#undef GC_GELU_TO
#undef GC_TARGET
#undef GC_VL
#undef GC_NV
#undef GC_NAME
#endif

int gc_pw_best_isa(void) {
#ifdef GC_PW_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) return GC_PW_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return GC_PW_AVX2;
#endif
    return GC_PW_PORTABLE;
}

static int gc_pw_level(int isa) {
    const int best = gc_pw_best_isa();
    return isa < best ? isa : best;
}

ptrdiff_t gc_pw_strip(int isa) {
    switch (gc_pw_level(isa)) {
    case GC_PW_AVX512: return 64;
    case GC_PW_AVX2: return 16;
    default: return 8;
    }
}

size_t gc_pw_packed_count(ptrdiff_t m, ptrdiff_t k) {
    return (size_t)((m + GC_PW_PANEL_ROWS - 1) / GC_PW_PANEL_ROWS) * GC_PW_PANEL_ROWS * (size_t)k;
}

void gc_pw_pack_f32(const float *w, ptrdiff_t m, ptrdiff_t k, float *packed) {
    const ptrdiff_t panels = (m + GC_PW_PANEL_ROWS - 1) / GC_PW_PANEL_ROWS;
    for (ptrdiff_t p = 0; p < panels; p++)
        for (ptrdiff_t i = 0; i < k; i++)
            for (ptrdiff_t r = 0; r < GC_PW_PANEL_ROWS; r++) {
                const ptrdiff_t o = p * GC_PW_PANEL_ROWS + r;
                packed[(p * k + i) * GC_PW_PANEL_ROWS + r] = o < m ? w[o * k + i] : 0.0f;
            }
}

size_t gc_pw_scratch_count(ptrdiff_t k, ptrdiff_t hidden, int isa) {
    return (size_t)(k + hidden + GC_PW_PANEL_ROWS) * (size_t)gc_pw_strip(isa);
}

void gc_pw_run_f32(const float *x, ptrdiff_t ldx, const gc_pw_input *input, const gc_pw_layer *layers, int count,
                   float *y, ptrdiff_t ldy, ptrdiff_t n_begin, ptrdiff_t n_end, float *scratch, int isa) {
    switch (gc_pw_level(isa)) {
#ifdef GC_PW_X86
    case GC_PW_AVX512: gc_pw_avx512_run(x, ldx, input, layers, count, y, ldy, n_begin, n_end, scratch); return;
    case GC_PW_AVX2: gc_pw_avx2_run(x, ldx, input, layers, count, y, ldy, n_begin, n_end, scratch); return;
#endif
    default: gc_pw_generic_run(x, ldx, input, layers, count, y, ldy, n_begin, n_end, scratch); return;
    }
}
