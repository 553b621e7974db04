// The line kernel: a correlation along one axis of a plane (ParC's L×1 and 1×L global kernels), register
// blocked over 4 output rows × 4 vectors of 16 columns — 16 independent accumulators, enough to keep both
// FMA pipes busy, where the general kernel's 8-row × 1-vector tiles for a one-column kernel (and its
// shifted-window tiles for a one-row kernel) ran at about half the FMA rate.
//
// Arithmetic is the general kernel's, in the same order: acc = bias, then acc = fma(w[k], x_k, acc) for
// k ascending, so the results are bit-identical to gc_direct_correlate_f32 at level AVX-512.

// The instantiated functions are gc_f32_line_avx512 and gc_f32_line_rows_avx512 (GC_LINE_KERNELS in
// direct_kernels.h); gc_line_tables holds them per level (NULL below AVX-512).

#include "CDirectKernel.h"
#include "direct_kernels.h"

#ifdef GC_X86
#include <immintrin.h>

#define GC_LINE_TARGET GC_TARGET_AVX512

// One tile of R rows × V vectors at out (R, V constants after inlining); the last vector is masked by `last`.
static inline __attribute__((always_inline)) GC_LINE_TARGET void
gc_line_tile(const float *src, ptrdiff_t stride, ptrdiff_t step, const float *w, ptrdiff_t taps, float bias,
             float *out, ptrdiff_t out_stride, const int R, const int V, __mmask16 last) {
    __m512 acc[4][4];
    for (int r = 0; r < R; ++r)
        for (int v = 0; v < V; ++v) acc[r][v] = _mm512_set1_ps(bias);
    for (ptrdiff_t k = 0; k < taps; ++k) {
        const __m512 wk = _mm512_set1_ps(w[k]);
        const float *p = src + k * step;
        for (int r = 0; r < R; ++r)
            for (int v = 0; v < V; ++v) {
                const float *q = p + r * stride + 16 * v;
                const __m512 x = v == V - 1 ? _mm512_maskz_loadu_ps(last, q) : _mm512_loadu_ps(q);
                acc[r][v] = _mm512_fmadd_ps(wk, x, acc[r][v]);
            }
    }
    for (int r = 0; r < R; ++r)
        for (int v = 0; v < V; ++v) {
            float *o = out + r * out_stride + 16 * v;
            if (v == V - 1) _mm512_mask_storeu_ps(o, last, acc[r][v]);
            else _mm512_storeu_ps(o, acc[r][v]);
        }
}

// All column blocks (64 columns, the last narrower) of one tile of R rows starting at row i.
static inline __attribute__((always_inline)) GC_LINE_TARGET void
gc_line_rows(const float *src, ptrdiff_t stride, ptrdiff_t step, ptrdiff_t out_w, const float *w, ptrdiff_t taps,
             float bias, float *out, ptrdiff_t out_stride, ptrdiff_t i, const int R) {
    for (ptrdiff_t j = 0; j < out_w; j += 64) {
        const ptrdiff_t width = out_w - j < 64 ? out_w - j : 64;
        const int vectors = (int)((width + 15) / 16);
        const __mmask16 last = (__mmask16)((1u << (width - 16 * (vectors - 1))) - 1u);
        const float *s = src + i * stride + j;
        float *o = out + i * out_stride + j;
        switch (vectors) {
        case 4: gc_line_tile(s, stride, step, w, taps, bias, o, out_stride, R, 4, last); break;
        case 3: gc_line_tile(s, stride, step, w, taps, bias, o, out_stride, R, 3, last); break;
        case 2: gc_line_tile(s, stride, step, w, taps, bias, o, out_stride, R, 2, last); break;
        default: gc_line_tile(s, stride, step, w, taps, bias, o, out_stride, R, 1, last); break;
        }
    }
}

GC_LINE_TARGET static void gc_f32_line_avx512(const float *src, ptrdiff_t stride, ptrdiff_t step, ptrdiff_t out_h,
                                              ptrdiff_t out_w, const float *w, ptrdiff_t taps, float bias, float *out,
                                              ptrdiff_t out_stride) {
    if (out_h < 4) {
        for (ptrdiff_t i = 0; i < out_h; ++i) gc_line_rows(src, stride, step, out_w, w, taps, bias, out, out_stride, i, 1);
        return;
    }
    // A remainder below 4 rows recomputes an overlapping 4-row tile (outputs are stored, not accumulated).
    for (ptrdiff_t i0 = 0; i0 < out_h; i0 += 4) {
        const ptrdiff_t i = i0 + 4 <= out_h ? i0 : out_h - 4;
        gc_line_rows(src, stride, step, out_w, w, taps, bias, out, out_stride, i, 4);
    }
}
// In-register transpose of a 16×16 block: r[i] lane j becomes r[j] lane i.
static inline __attribute__((always_inline)) GC_LINE_TARGET void gc_line_transpose16(__m512 r[16]) {
    __m512 t[16];
    for (int i = 0; i < 8; ++i) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 4; ++i) {
        r[4 * i] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], _MM_SHUFFLE(1, 0, 1, 0));
        r[4 * i + 1] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], _MM_SHUFFLE(3, 2, 3, 2));
        r[4 * i + 2] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(1, 0, 1, 0));
        r[4 * i + 3] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int i = 0; i < 4; ++i) {
        t[i] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0x88);
        t[i + 4] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0xdd);
        t[i + 8] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x88);
        t[i + 12] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xdd);
    }
    for (int i = 0; i < 8; ++i) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd);
    }
}

// dst[c·dst_stride + r] = src[r·src_stride + c] (+ add[c] when add is given) for r < rows, c < cols.
GC_LINE_TARGET static void gc_line_transpose(const float *src, ptrdiff_t src_stride, ptrdiff_t rows, ptrdiff_t cols,
                                             float *dst, ptrdiff_t dst_stride, const float *add) {
    for (ptrdiff_t r0 = 0; r0 < rows; r0 += 16) {
        const int nr = (int)(rows - r0 < 16 ? rows - r0 : 16);
        const __mmask16 row_mask = (__mmask16)((1u << nr) - 1u);
        for (ptrdiff_t c0 = 0; c0 < cols; c0 += 16) {
            const int nc = (int)(cols - c0 < 16 ? cols - c0 : 16);
            const __mmask16 col_mask = (__mmask16)((1u << nc) - 1u);
            __m512 v[16];
            for (int t = 0; t < 16; ++t)
                v[t] = t < nr ? _mm512_maskz_loadu_ps(col_mask, src + (r0 + t) * src_stride + c0) : _mm512_setzero_ps();
            gc_line_transpose16(v);
            for (int c = 0; c < nc; ++c) {
                const __m512 x = add ? _mm512_add_ps(v[c], _mm512_set1_ps(add[c0 + c])) : v[c];
                _mm512_mask_storeu_ps(dst + (c0 + c) * dst_stride + r0, row_mask, x);
            }
        }
    }
}

// The 1×w correlation along the rows of an h×w plane through its transpose (see gc_line_correlate_rows_f32).
GC_LINE_TARGET static void gc_f32_line_rows_avx512(const float *x, ptrdiff_t h, ptrdiff_t w, const float *add,
                                                   const float *wt, float bias, float *scratch, float *out) {
    const ptrdiff_t hs = (h + 15) / 16 * 16;
    float *xt = scratch, *yt = scratch + (2 * w - 1) * hs;
    gc_line_transpose(x, w, h, w, xt, hs, add);
    for (ptrdiff_t r = w; r < 2 * w - 1; ++r)
        for (ptrdiff_t i = 0; i < hs; i += 16) _mm512_storeu_ps(xt + r * hs + i, _mm512_loadu_ps(xt + (r - w) * hs + i));
    gc_f32_line_avx512(xt, hs, hs, w, h, wt, w, bias, yt, hs);
    gc_line_transpose(yt, hs, w, h, out, w, NULL);
}
#endif

typedef void (*gc_line_fn)(const float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, const float *, ptrdiff_t, float,
                           float *, ptrdiff_t);
typedef void (*gc_line_rows_fn)(const float *, ptrdiff_t, ptrdiff_t, const float *, const float *, float, float *,
                                float *);

// One level's line kernels; NULL below AVX-512 (the caller then runs the general kernel).
typedef struct {
    gc_line_fn line;
    gc_line_rows_fn line_rows;
} gc_line_table;

#define GC_TABLE_SLOT(NAME, SLOT, ISA) [ISA].SLOT = NAME,
// The dispatch tables, one per level, filled from GC_LINE_KERNELS at compile time.
static const gc_line_table gc_line_tables[GC_ISA_COUNT] = {GC_LINE_KERNELS(GC_TABLE_SLOT)};
#undef GC_TABLE_SLOT

ptrdiff_t gc_line_rows_scratch_count(ptrdiff_t h, ptrdiff_t w) {
    return (3 * w - 1) * ((h + 15) / 16 * 16);
}

int gc_line_correlate_rows_f32(const float *x, ptrdiff_t h, ptrdiff_t w, const float *add, const float *wt, float bias,
                               float *scratch, float *out, int isa) {
    const gc_line_rows_fn f = gc_line_tables[gc_isa_clamp(isa)].line_rows;
    if (!f) return 0;
    f(x, h, w, add, wt, bias, scratch, out);
    return 1;
}

int gc_line_correlate_f32(const float *src, ptrdiff_t src_stride, ptrdiff_t tap_step, ptrdiff_t out_h, ptrdiff_t out_w,
                          const float *w, ptrdiff_t taps, float bias, float *out, int isa) {
    const gc_line_fn f = gc_line_tables[gc_isa_clamp(isa)].line;
    if (!f) return 0;
    f(src, src_stride, tap_step, out_h, out_w, w, taps, bias, out, out_w);
    return 1;
}
