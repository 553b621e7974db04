// The direct kernel of GlobalConv's depthwise and circular convolutions, compiled once per instruction
// set with function target attributes (no global compiler flags) and chosen at run time from the CPU's
// features: AVX-512 (16 floats / 8 doubles per vector, fused multiply-add; for dilation_w == 1 and
// kernel_w > 1 on a 64-byte aligned source the aligned-window variant of direct_kernel_aligned.h), AVX2 + FMA (8 / 4), or
// a portable version (4 / 2, GCC vector extensions: SSE2 on x86-64, NEON on arm64).
//
// Each output is bias + a sum of products in u-major, then v, order; the ISA versions differ only in
// whether a product and its addition are fused (one rounding instead of two), which never increases
// the error bound gamma(T+1)·(|b| + sum|w||x|).

#include "CDirectKernel.h"
#include <stdint.h>

#if defined(__x86_64__)
#define GC_X86 1
#include <immintrin.h>
#endif

#pragma STDC FP_CONTRACT ON

static inline ptrdiff_t gc_floor_div(ptrdiff_t a, ptrdiff_t b) {
    const ptrdiff_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

// The taps t < taps for which some position of [start, start+count), shifted by dilation·t, lands in
// [data_begin, data_end): contiguous because the shifted window moves monotonically. Empty → lo == hi.
static inline __attribute__((always_inline)) void gc_tap_range(ptrdiff_t start, ptrdiff_t count, ptrdiff_t dilation,
                                                               ptrdiff_t taps, ptrdiff_t data_begin, ptrdiff_t data_end,
                                                               ptrdiff_t *lo, ptrdiff_t *hi) {
    ptrdiff_t a = -gc_floor_div(-(data_begin - start - count + 1), dilation);
    ptrdiff_t b = gc_floor_div(data_end - 1 - start, dilation) + 1;
    if (a < 0) a = 0;
    if (b > taps) b = taps;
    *lo = a;
    *hi = a < b ? b : a;
}

#define GC_ROWS 8

// Runs ROW_TILE(R) for every row tile of the plane `p`, with `i` (first row), `u_lo`, `u_hi` (the kernel
// rows that reach data for the tile) in scope: tiles of GC_ROWS rows, then 4; a remainder below 4 reuses
// an overlapping 4-row tile when the plane has 4 rows, else goes row by row.
#define GC_FOR_ROW_TILES(ROW_TILE)                                                                        \
    for (ptrdiff_t i0 = 0; i0 < p->out_h;) {                                                              \
        const ptrdiff_t left = p->out_h - i0;                                                             \
        const ptrdiff_t rows = left >= GC_ROWS ? GC_ROWS : (left >= 4 || p->out_h >= 4) ? 4 : 1;          \
        const ptrdiff_t i = left >= rows ? i0 : p->out_h - rows;                                          \
        ptrdiff_t u_lo, u_hi;                                                                             \
        gc_tap_range(i, rows, p->dilation_h, p->kernel_h, p->data_row_begin, p->data_row_end, &u_lo, &u_hi); \
        if (rows == GC_ROWS) ROW_TILE(GC_ROWS);                                                           \
        else if (rows == 4) ROW_TILE(4);                                                                  \
        else ROW_TILE(1);                                                                                 \
        i0 = i + rows;                                                                                    \
    }

// Portable: 16-byte vectors.
#define GC_TARGET
#define GC_T float
#define GC_LANES 4
#define GC_NAME(x) gc_f32_generic_##x
#include "direct_kernel_body.h"
#undef GC_T
#undef GC_LANES
#undef GC_NAME
#define GC_T double
#define GC_LANES 2
#define GC_NAME(x) gc_f64_generic_##x
#include "direct_kernel_body.h"
#undef GC_T
#undef GC_LANES
#undef GC_NAME
#undef GC_TARGET

#ifdef GC_X86
#define GC_TARGET __attribute__((target("avx2,fma")))
#define GC_T float
#define GC_LANES 8
#define GC_NAME(x) gc_f32_avx2_##x
#include "direct_kernel_body.h"
#undef GC_T
#undef GC_LANES
#undef GC_NAME
#define GC_T double
#define GC_LANES 4
#define GC_NAME(x) gc_f64_avx2_##x
#include "direct_kernel_body.h"
#undef GC_T
#undef GC_LANES
#undef GC_NAME
#undef GC_TARGET

#define GC_TARGET __attribute__((target("avx512f,avx512vl,avx2,fma")))
#define GC_T float
#define GC_LANES 16
#define GC_NAME(x) gc_f32_avx512_##x
#include "direct_kernel_body.h"
#undef GC_T
#undef GC_LANES
#undef GC_NAME
#define GC_T double
#define GC_LANES 8
#define GC_NAME(x) gc_f64_avx512_##x
#include "direct_kernel_body.h"
#undef GC_T
#undef GC_LANES
#undef GC_NAME

#include "direct_kernel_rows.h"

#define GC_T float
#define GC_LANES 16
#define GC_VEC __m512
#define GC_NAME(x) gc_f32_avx512_##x
#define GC_LOAD _mm512_load_ps
#define GC_STOREU _mm512_storeu_ps
#define GC_MASK_STOREU(p, m, v) _mm512_mask_storeu_ps(p, (__mmask16)(m), v)
#define GC_SET1 _mm512_set1_ps
#define GC_FMADD _mm512_fmadd_ps
#define GC_ALIGNR(b, a, t) _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(b), _mm512_castps_si512(a), t))
#include "direct_kernel_aligned.h"
#undef GC_T
#undef GC_LANES
#undef GC_VEC
#undef GC_NAME
#undef GC_LOAD
#undef GC_STOREU
#undef GC_MASK_STOREU
#undef GC_SET1
#undef GC_FMADD
#undef GC_ALIGNR

#define GC_T double
#define GC_LANES 8
#define GC_VEC __m512d
#define GC_NAME(x) gc_f64_avx512_##x
#define GC_LOAD _mm512_load_pd
#define GC_STOREU _mm512_storeu_pd
#define GC_MASK_STOREU(p, m, v) _mm512_mask_storeu_pd(p, (__mmask8)(m), v)
#define GC_SET1 _mm512_set1_pd
#define GC_FMADD _mm512_fmadd_pd
#define GC_ALIGNR(b, a, t) _mm512_castsi512_pd(_mm512_alignr_epi64(_mm512_castpd_si512(b), _mm512_castpd_si512(a), t))
#include "direct_kernel_aligned.h"
#undef GC_T
#undef GC_LANES
#undef GC_VEC
#undef GC_NAME
#undef GC_LOAD
#undef GC_STOREU
#undef GC_MASK_STOREU
#undef GC_SET1
#undef GC_FMADD
#undef GC_ALIGNR
#undef GC_TARGET
#endif

// The row stride (in elements, a multiple of `lanes`) the aligned kernel needs: two aligned `lanes`-vectors
// per row past the start of the last output block and of the last tap group.
static ptrdiff_t gc_aligned_stride(ptrdiff_t out_w, ptrdiff_t kernel_w, ptrdiff_t lanes) {
    return lanes * ((out_w - 1) / lanes) + lanes * ((kernel_w - 1) / lanes) + 2 * lanes;
}

#ifdef GC_X86
static int gc_use_aligned(const gc_direct_plane *p, const void *src, ptrdiff_t lanes) {
    return p->dilation_w == 1 && p->kernel_w > 1 && ((uintptr_t)src % 64) == 0 && p->src_stride % lanes == 0
        && p->src_stride >= gc_aligned_stride(p->out_w, p->kernel_w, lanes);
}
#endif

int gc_direct_best_isa(void) {
#ifdef GC_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) return GC_DIRECT_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return GC_DIRECT_AVX2;
#endif
    return GC_DIRECT_PORTABLE;
}

static int gc_level(int isa) {
    const int best = gc_direct_best_isa();
    return isa < best ? isa : best;
}

#ifdef GC_X86
#define GC_DISPATCH_X86(P, LANES)                                                                         \
    case GC_DIRECT_AVX512:                                                                                \
        if (gc_use_aligned(p, src, LANES)) gc_##P##_avx512_aligned_plane(p, src, w, bias, out);          \
        else gc_##P##_avx512_plane(p, src, w, bias, out);                                                 \
        return;                                                                                           \
    case GC_DIRECT_AVX2: gc_##P##_avx2_plane(p, src, w, bias, out); return;
#else
#define GC_DISPATCH_X86(P, LANES)
#endif

// The row-reuse kernel (direct_kernel_rows.h) for single-precision, dilation-1 planes with 2 ≤ kernel_w ≤ 16
// at level AVX-512 on the aligned source. (A one-column kernel needs no shifted windows: the general
// kernel's one load per product already runs at the FMA rate, and measured 2× faster than row reuse.)
#ifdef GC_X86
#define GC_RUN_ROWS_f32                                                                                   \
    if (gc_level(isa) == GC_DIRECT_AVX512 && p->dilation_h == 1 && p->dilation_w == 1 && p->kernel_w >= 2     \
        && p->kernel_w <= 16 && gc_use_aligned(p, src, 16)) {                                             \
        gc_rr_planes[p->kernel_w](p, (const float *)src, (const float *)w, (float)bias, (float *)out);    \
        return;                                                                                           \
    }
#else
#define GC_RUN_ROWS_f32
#endif
#define GC_RUN_ROWS_f64

// gc_direct_correlate_f32 / _f64: the plane at the level `isa` clamps to on this CPU.
#define GC_DEFINE_CORRELATE(P, T, LANES)                                                                  \
    void gc_direct_correlate_##P(const gc_direct_plane *p, const T *src, const T *w, T bias, T *out, int isa) { \
        GC_RUN_ROWS_##P                                                                                   \
        switch (gc_level(isa)) {                                                                          \
            GC_DISPATCH_X86(P, LANES)                                                                     \
        default: gc_##P##_generic_plane(p, src, w, bias, out); return;                                    \
        }                                                                                                 \
    }

GC_DEFINE_CORRELATE(f32, float, 16)
GC_DEFINE_CORRELATE(f64, double, 8)

ptrdiff_t gc_direct_source_stride(ptrdiff_t out_w, ptrdiff_t kernel_w, ptrdiff_t dilation_w, ptrdiff_t element_size,
                                  int isa) {
    // A one-column kernel needs no shifted windows: the plain kernel's loads are all it does.
    if (gc_level(isa) != GC_DIRECT_AVX512 || dilation_w != 1 || kernel_w == 1) return 0;
    return gc_aligned_stride(out_w, kernel_w, 64 / element_size);
}
