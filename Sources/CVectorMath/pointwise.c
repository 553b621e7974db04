// Fused 1×1 convolutions in single precision (Pointwise.h), compiled once per instruction set with
// function target attributes (CCPUFeatures.h) and chosen through a per-level dispatch table like
// CDirectKernel: gc_f32_pw_avx512 (strips of 64 pixels), gc_f32_pw_avx2 (AVX2 + FMA, 16) and
// gc_f32_pw_portable (portable GCC vectors, 8), the GC_POINTWISE_KERNELS list of vector_math_kernels.h.

#include "Pointwise.h"
#include <stdint.h>
#include "activation_inline.h"
#include "activation_x86.h"
#include "vector_math_kernels.h"

#pragma STDC FP_CONTRACT ON

// The weight prefetch of every level's tile loops (pointwise_body.h: GC_PW_PREFETCH_WEIGHTS(w, i) at input
// channel i of panel w). The weight panel is read once per strip, 6 floats per input channel, as one
// sequential stream; in a whole model the weights of the late stages come from DRAM (ConvNeXt-T holds 114 MB of them; a 7×7 block's 19 MB
// are read for 49 pixels), and the hardware prefetcher alone kept too few lines in flight: ConvNeXt-T's
// stage-4 block cost 1.8 ms in a model against 1.2 ms alone. Every second input channel (48 bytes, so every
// 64-byte line is touched) the panel 128 channels ahead (3 KB) is requested: ConvNeXt-T 28.2 → 24.4 ms,
// RepLKNet-31B and UniRepLKNet-T −10 %, VAN-b0 −4 % (interleaved, 2-vCPU AMD EPYC); blocks timed alone
// (weights in L3) unchanged. 256 ahead and the other cache levels measured the same. A prefetch never
// faults, so an address past the panel's end is harmless (computed as an integer: no out-of-range pointer).
#define GC_PW_PREFETCH_AHEAD 128
#define GC_PW_PREFETCH_WEIGHTS(w, i)                                                                      \
    do {                                                                                                   \
        if (((i) & 1) == 0)                                                                                \
            __builtin_prefetch((const void *)((uintptr_t)(w) + (uintptr_t)((i) + GC_PW_PREFETCH_AHEAD) * GC_PW_PANEL_ROWS * sizeof(float)), 0, 2); \
    } while (0)

#define GC_CAT_(a, b) a##b
#define GC_CAT(a, b) GC_CAT_(a, b)
// A helper of the kernel being instantiated: GC_HELPER(_pack) is gc_f32_pw_avx512_pack for GC_KERNEL
// gc_f32_pw_avx512.
#define GC_HELPER(suffix) GC_CAT(GC_KERNEL, suffix)

#define GC_KERNEL gc_f32_pw_portable
#define GC_TARGET GC_TARGET_PORTABLE
#define GC_VL 4
#define GC_NV 2
#define GC_GELU_TO(s, d, n) for (ptrdiff_t j_ = 0; j_ < (n); j_++) (d)[j_] = gc_gelu((s)[j_])
#include "pointwise_body.h"

#ifdef GC_X86
#define GC_KERNEL gc_f32_pw_avx2
#define GC_TARGET GC_TARGET_AVX2
#define GC_VL 8
#define GC_NV 2
#define GC_GELU_TO(s, d, n) gc_gelu_to_avx2((s), (d), (n))
#include "pointwise_body.h"

#define GC_KERNEL gc_f32_pw_avx512
#define GC_TARGET GC_TARGET_AVX512
#define GC_VL 16
#define GC_NV 4
#define GC_GELU_TO(s, d, n) gc_gelu_to_avx512((s), (d), (n))
#include "pointwise_body.h"
#endif

typedef void (*gc_pw_run_fn)(const float *, ptrdiff_t, const gc_pw_input *, const gc_pw_layer *, int, float *,
                             ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, int, float *);

// One level's pointwise kernel, its strip width, its narrow tail and its vector width (GC_POINTWISE_KERNELS).
typedef struct {
    gc_pw_run_fn run;
    ptrdiff_t strip, tail, vector;
    const char *name;
} gc_pw_table;

#define GC_TABLE_SLOT(NAME, SLOT, ISA, STRIP, TAIL, VECTOR) [ISA] = {NAME, STRIP, TAIL, VECTOR, #NAME},
// The dispatch tables, one per level, filled from GC_POINTWISE_KERNELS at compile time.
static const gc_pw_table gc_pw_tables[GC_ISA_COUNT] = {GC_POINTWISE_KERNELS(GC_TABLE_SLOT)};
#undef GC_TABLE_SLOT

ptrdiff_t gc_pw_strip(int isa) {
    return gc_pw_tables[gc_isa_clamp(isa)].strip;
}

ptrdiff_t gc_pw_tail(int isa) {
    return gc_pw_tables[gc_isa_clamp(isa)].tail;
}

ptrdiff_t gc_pw_vector(int isa) {
    return gc_pw_tables[gc_isa_clamp(isa)].vector;
}

ptrdiff_t gc_pw_lone_pixel_strip(int isa) {
    // _tile_pixel exists where GC_VL >= 8 (pointwise_body.h).
    const gc_pw_table *t = &gc_pw_tables[gc_isa_clamp(isa)];
    return t->vector >= 8 ? t->strip - t->vector + 1 : 0;
}

const char *gc_pw_kernel_name(int isa) {
    return gc_pw_tables[gc_isa_clamp(isa)].name;
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
    // P, H and T (pointwise_body.h), and with a narrow tail its own P and H.
    const ptrdiff_t rows = k + hidden + GC_PW_PANEL_ROWS + (gc_pw_tail(isa) > 0 ? k + hidden : 0);
    return (size_t)rows * (size_t)gc_pw_strip(isa);
}

void gc_pw_run_f32(const float *x, ptrdiff_t ldx, const gc_pw_input *input, const gc_pw_layer *layers, int count,
                   float *y, ptrdiff_t ldy, ptrdiff_t n_begin, ptrdiff_t n_end, ptrdiff_t m_begin, ptrdiff_t m_end,
                   int packed_ready, float *scratch, int isa) {
    const int reuse = packed_ready && count == 1 && n_end - n_begin <= gc_pw_strip(isa) + gc_pw_tail(isa);
    gc_pw_tables[gc_isa_clamp(isa)].run(x, ldx, input, layers, count, y, ldy, n_begin, n_end, m_begin, m_end, reuse,
                                        scratch);
}
