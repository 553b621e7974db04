// Copies, transposes and spectrum products of the FFT path of circular convolutions (VectorMath.h):
// the whole-array loops compiled for AVX-512, AVX2 and baseline x86-64 by target_clones (GC_CLONES) and
// left to the vectoriser; the row copies that check finiteness as they go written for AVX-512 and
// portable C, chosen through a per-level dispatch table (GC_CIRCULAR_KERNELS, vector_math_kernels.h).
// The double-precision versions (end of file, GC_CIRCULAR_F64_KERNELS) are what the Double FFT paths run
// (Double+TensorScalar.swift), bit-identical to the Swift loops they replaced.
#include "VectorMath.h"
#include "Pointwise.h"
#include <stdint.h>
#include <string.h>
#include <stdlib.h>

#include "vector_math_kernels.h"

#define GC_BLOCK 16

GC_CLONES
void gc_transpose_add_f32(const float *src, ptrdiff_t rows, ptrdiff_t cols, float *dst, const float *row_add, float add) {
    for (ptrdiff_t i0 = 0; i0 < rows; i0 += GC_BLOCK) {
        const ptrdiff_t i1 = i0 + GC_BLOCK < rows ? i0 + GC_BLOCK : rows;
        for (ptrdiff_t j0 = 0; j0 < cols; j0 += GC_BLOCK) {
            const ptrdiff_t j1 = j0 + GC_BLOCK < cols ? j0 + GC_BLOCK : cols;
            for (ptrdiff_t j = j0; j < j1; j++) {
                float *restrict d = dst + j * rows;
                if (row_add) {
                    for (ptrdiff_t i = i0; i < i1; i++) d[i] = src[i * cols + j] + row_add[i];
                } else {
                    for (ptrdiff_t i = i0; i < i1; i++) d[i] = src[i * cols + j] + add;
                }
            }
        }
    }
}

// Finiteness alongside a copy: ~bits & exponent-mask is zero exactly for NaN/±Inf; keep the minimum.
#define GC_FINITE_MIN(m, v) do { uint32_t b_; memcpy(&b_, &(v), 4); const uint32_t e_ = ~b_ & 0x7f800000u; (m) = e_ < (m) ? e_ : (m); } while (0)

// Portable versions (rows here are short, a map's width: the AVX-512 versions below use one masked
// vector per 16 samples, where the vectoriser left most of a 56- or 112-sample row to a scalar tail).
static int gc_f32_add_rows_portable(const float *src, ptrdiff_t rows, ptrdiff_t cols, float *dst, const float *row_add,
                                    const float *col_add, float add) {
    uint32_t m = 0xffffffffu;
    for (ptrdiff_t i = 0; i < rows; i++) {
        const float *restrict s = src + i * cols;
        float *restrict d = dst + i * cols;
        const float a = row_add ? row_add[i] : add;
        for (ptrdiff_t j = 0; j < cols; j++) { const float v = s[j] + (col_add ? col_add[j] : a); d[j] = v; GC_FINITE_MIN(m, v); }
    }
    return m != 0;
}

static int gc_f32_interleave_pair_portable(const float *a, const float *b, ptrdiff_t n, const float *add, float *dst) {
    uint32_t m = 0xffffffffu;
    for (ptrdiff_t j = 0; j < n; j++) {
        const float x = add ? a[j] + add[j] : a[j], y = add ? b[j] + add[j] : b[j];
        dst[2 * j] = x; dst[2 * j + 1] = y;
        GC_FINITE_MIN(m, x); GC_FINITE_MIN(m, y);
    }
    return m != 0;
}

static int gc_f32_deinterleave_pair_portable(const float *src, ptrdiff_t n, float add, float *a, float *b) {
    uint32_t m = 0xffffffffu;
    for (ptrdiff_t j = 0; j < n; j++) {
        const float x = src[2 * j] + add, y = src[2 * j + 1] + add;
        a[j] = x; b[j] = y;
        GC_FINITE_MIN(m, x); GC_FINITE_MIN(m, y);
    }
    return m != 0;
}

#ifdef GC_X86
#include <immintrin.h>
#define GC_512 GC_TARGET_AVX512

// ~bits & exponent-mask per lane; lanes masked off load as 0 and count as finite.
GC_512 static inline __m512i gc_finite_min512(__m512i m, __m512 v) {
    return _mm512_min_epu32(m, _mm512_andnot_si512(_mm512_castps_si512(v), _mm512_set1_epi32(0x7f800000)));
}

GC_512 static inline int gc_finite_done512(__m512i m) {
    return _mm512_reduce_min_epu32(m) != 0;
}

GC_512 static int gc_f32_add_rows_avx512(const float *src, ptrdiff_t rows, ptrdiff_t cols, float *dst, const float *row_add,
                                     const float *col_add, float add) {
    __m512i m = _mm512_set1_epi32(-1);
    const ptrdiff_t full = cols & ~(ptrdiff_t)15;
    const __mmask16 tail = (__mmask16)((1u << (cols - full)) - 1u);
    for (ptrdiff_t i = 0; i < rows; i++) {
        const float *s = src + i * cols;
        float *d = dst + i * cols;
        const __m512 a = _mm512_set1_ps(row_add ? row_add[i] : add);
        if (col_add) {
            for (ptrdiff_t j = 0; j < full; j += 16) {
                const __m512 v = _mm512_add_ps(_mm512_loadu_ps(s + j), _mm512_loadu_ps(col_add + j));
                _mm512_storeu_ps(d + j, v);
                m = gc_finite_min512(m, v);
            }
        } else {
            for (ptrdiff_t j = 0; j < full; j += 16) {
                const __m512 v = _mm512_add_ps(_mm512_loadu_ps(s + j), a);
                _mm512_storeu_ps(d + j, v);
                m = gc_finite_min512(m, v);
            }
        }
        if (tail) {
            const __m512 addend = col_add ? _mm512_maskz_loadu_ps(tail, col_add + full) : a;
            const __m512 v = _mm512_maskz_add_ps(tail, _mm512_maskz_loadu_ps(tail, s + full), addend);
            _mm512_mask_storeu_ps(d + full, tail, v);
            m = gc_finite_min512(m, v);
        }
    }
    return gc_finite_done512(m);
}

GC_512 static int gc_f32_interleave_pair_avx512(const float *a, const float *b, ptrdiff_t n, const float *add, float *dst) {
    const __m512i lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i hi = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    __m512i m = _mm512_set1_epi32(-1);
    for (ptrdiff_t j = 0; j < n; j += 16) {
        const ptrdiff_t left = n - j;
        const __mmask16 k = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1u);
        __m512 x = _mm512_maskz_loadu_ps(k, a + j), y = _mm512_maskz_loadu_ps(k, b + j);
        if (add) {
            const __m512 e = _mm512_maskz_loadu_ps(k, add + j);
            x = _mm512_add_ps(x, e);
            y = _mm512_add_ps(y, e);
        }
        m = gc_finite_min512(gc_finite_min512(m, _mm512_maskz_mov_ps(k, x)), _mm512_maskz_mov_ps(k, y));
        const __m512 p0 = _mm512_permutex2var_ps(x, lo, y), p1 = _mm512_permutex2var_ps(x, hi, y);
        const __mmask16 k0 = left >= 8 ? (__mmask16)0xffff : (__mmask16)((1u << (2 * left)) - 1u);
        const __mmask16 k1 = left >= 16 ? (__mmask16)0xffff : left > 8 ? (__mmask16)((1u << (2 * (left - 8))) - 1u) : 0;
        _mm512_mask_storeu_ps(dst + 2 * j, k0, p0);
        _mm512_mask_storeu_ps(dst + 2 * j + 16, k1, p1);
    }
    return gc_finite_done512(m);
}

GC_512 static int gc_f32_deinterleave_pair_avx512(const float *src, ptrdiff_t n, float add, float *a, float *b) {
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    const __m512 bias = _mm512_set1_ps(add);
    __m512i m = _mm512_set1_epi32(-1);
    for (ptrdiff_t j = 0; j < n; j += 16) {
        const ptrdiff_t left = n - j;
        const __mmask16 k = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1u);
        const __mmask16 k0 = left >= 8 ? (__mmask16)0xffff : (__mmask16)((1u << (2 * left)) - 1u);
        const __mmask16 k1 = left >= 16 ? (__mmask16)0xffff : left > 8 ? (__mmask16)((1u << (2 * (left - 8))) - 1u) : 0;
        const __m512 v0 = _mm512_maskz_loadu_ps(k0, src + 2 * j), v1 = _mm512_maskz_loadu_ps(k1, src + 2 * j + 16);
        const __m512 x = _mm512_add_ps(_mm512_permutex2var_ps(v0, even, v1), bias);
        const __m512 y = _mm512_add_ps(_mm512_permutex2var_ps(v0, odd, v1), bias);
        _mm512_mask_storeu_ps(a + j, k, x);
        _mm512_mask_storeu_ps(b + j, k, y);
        m = gc_finite_min512(gc_finite_min512(m, _mm512_maskz_mov_ps(k, x)), _mm512_maskz_mov_ps(k, y));
    }
    return gc_finite_done512(m);
}
#endif

#ifdef GC_X86
// dst[j] = src[j] + add for j < n with the finiteness minimum; one masked vector at the tail.
GC_512 static inline __m512i gc_add_row512(const float *src, ptrdiff_t n, float add, float *dst, __m512i m) {
    const __m512 a = _mm512_set1_ps(add);
    ptrdiff_t j = 0;
    for (; j + 16 <= n; j += 16) {
        const __m512 v = _mm512_add_ps(_mm512_loadu_ps(src + j), a);
        _mm512_storeu_ps(dst + j, v);
        m = gc_finite_min512(m, v);
    }
    if (j < n) {
        const __mmask16 k = (__mmask16)((1u << (n - j)) - 1u);
        const __m512 v = _mm512_maskz_add_ps(k, _mm512_maskz_loadu_ps(k, src + j), a);
        _mm512_mask_storeu_ps(dst + j, k, v);
        m = gc_finite_min512(m, v);
    }
    return m;
}

GC_512 static inline __m512i gc_fill_row512(ptrdiff_t n, float value, float *dst, __m512i m) {
    const __m512 v = _mm512_set1_ps(value);
    ptrdiff_t j = 0;
    for (; j + 16 <= n; j += 16) _mm512_storeu_ps(dst + j, v);
    if (j < n) _mm512_mask_storeu_ps(dst + j, (__mmask16)((1u << (n - j)) - 1u), v);
    return n > 0 ? gc_finite_min512(m, v) : m;
}

GC_512 static int gc_f32_copy_rows_avx512(const float *src, ptrdiff_t src_stride, ptrdiff_t rows, ptrdiff_t cols,
                                          float *dst, ptrdiff_t dst_stride) {
    __m512i m = _mm512_set1_epi32(-1);
    for (ptrdiff_t i = 0; i < rows; i++) m = gc_add_row512(src + i * src_stride, cols, 0.0f, dst + i * dst_stride, m);
    return gc_finite_done512(m);
}
#endif

// Contiguous runs of col_source: [start, start + count) reads col_source[start] … onwards (or is the bias
// when col_source[start] < 0). Returns the number of runs (≤ out_w).
static ptrdiff_t gc_column_runs(const ptrdiff_t *col_source, ptrdiff_t out_w, ptrdiff_t *starts, ptrdiff_t *counts) {
    ptrdiff_t runs = 0;
    for (ptrdiff_t j = 0; j < out_w;) {
        ptrdiff_t e = j + 1;
        if (col_source[j] < 0) { while (e < out_w && col_source[e] < 0) e++; }
        else { while (e < out_w && col_source[e] == col_source[e - 1] + 1) e++; }
        starts[runs] = j; counts[runs] = e - j; runs++;
        j = e;
    }
    return runs;
}

GC_CLONES
void gc_cscale_rows_f32(float *a, ptrdiff_t rows, ptrdiff_t n, const float *k) {
    for (ptrdiff_t f = 0; f < rows; f++) {
        float *restrict x = a + 2 * n * f;
        const float br = k[2 * f], bi = k[2 * f + 1];
        for (ptrdiff_t m = 0; m < n; m++) {
            const float ar = x[2 * m], ai = x[2 * m + 1];
            x[2 * m] = ar * br - ai * bi;
            x[2 * m + 1] = ar * bi + ai * br;
        }
    }
}

GC_CLONES
void gc_cmul_rows_f32(float *a, ptrdiff_t rows, ptrdiff_t n, const float *b) {
    for (ptrdiff_t r = 0; r < rows; r++) {
        float *restrict x = a + 2 * n * r;
        for (ptrdiff_t k = 0; k < n; k++) {
            const float ar = x[2 * k], ai = x[2 * k + 1], br = b[2 * k], bi = b[2 * k + 1];
            x[2 * k] = ar * br - ai * bi;
            x[2 * k + 1] = ar * bi + ai * br;
        }
    }
}

typedef uint32_t __attribute__((may_alias)) gc_u32_alias;
typedef uint64_t __attribute__((may_alias)) gc_u64_alias;

GC_CLONES
int gc_all_finite_f32(const float *x, ptrdiff_t n) {
    const gc_u32_alias *u = (const gc_u32_alias *)x;
    // ~u & exponent-mask is zero exactly for a non-finite value: the minimum over all is zero iff one is.
    uint32_t m = 0xffffffffu;
    for (ptrdiff_t i = 0; i < n; i++) {
        const uint32_t e = ~u[i] & 0x7f800000u;
        m = e < m ? e : m;
    }
    return m != 0;
}

GC_CLONES
int gc_all_finite_f64(const double *x, ptrdiff_t n) {
    const gc_u64_alias *u = (const gc_u64_alias *)x;
    uint64_t m = ~0ull;
    for (ptrdiff_t i = 0; i < n; i++) {
        const uint64_t e = ~u[i] & 0x7ff0000000000000ull;
        m = e < m ? e : m;
    }
    return m != 0;
}

static int gc_f32_copy_rows_portable(const float *src, ptrdiff_t src_stride, ptrdiff_t rows, ptrdiff_t cols, float *dst,
                                     ptrdiff_t dst_stride) {
    uint32_t m = 0xffffffffu;
    for (ptrdiff_t i = 0; i < rows; i++)
        for (ptrdiff_t j = 0; j < cols; j++) { const float v = src[i * src_stride + j]; dst[i * dst_stride + j] = v; GC_FINITE_MIN(m, v); }
    return m != 0;
}

// The crop with the column runs of gc_column_runs (used by the AVX-512 version; the portable one reads
// col_source directly).
static int gc_f32_crop_portable(const float *src, ptrdiff_t src_stride, const ptrdiff_t *row_source, ptrdiff_t out_h,
                                const ptrdiff_t *col_source, ptrdiff_t out_w, float bias, float *out,
                                const ptrdiff_t *starts, const ptrdiff_t *counts, ptrdiff_t runs) {
    (void)starts; (void)counts; (void)runs;
    uint32_t m = 0xffffffffu;
    for (ptrdiff_t i = 0; i < out_h; i++) {
        float *row = out + i * out_w;
        for (ptrdiff_t j = 0; j < out_w; j++) {
            const float v = row_source[i] < 0 || col_source[j] < 0 ? bias : src[row_source[i] * src_stride + col_source[j]] + bias;
            row[j] = v;
            GC_FINITE_MIN(m, v);
        }
    }
    return m != 0;
}

#ifdef GC_X86
GC_512 static int gc_f32_crop_avx512(const float *src, ptrdiff_t src_stride, const ptrdiff_t *row_source, ptrdiff_t out_h,
                                     const ptrdiff_t *col_source, ptrdiff_t out_w, float bias, float *out,
                                     const ptrdiff_t *starts, const ptrdiff_t *counts, ptrdiff_t runs) {
    __m512i m = _mm512_set1_epi32(-1);
    for (ptrdiff_t i = 0; i < out_h; i++) {
        float *row = out + i * out_w;
        if (row_source[i] < 0) { m = gc_fill_row512(out_w, bias, row, m); continue; }
        const float *s = src + row_source[i] * src_stride;
        for (ptrdiff_t r = 0; r < runs; r++) {
            const ptrdiff_t j = starts[r];
            m = col_source[j] < 0 ? gc_fill_row512(counts[r], bias, row + j, m)
                                  : gc_add_row512(s + col_source[j], counts[r], bias, row + j, m);
        }
    }
    return gc_finite_done512(m);
}
#endif

// One level's copies (AVX2 runs the portable ones).
typedef struct {
    int (*add_rows)(const float *, ptrdiff_t, ptrdiff_t, float *, const float *, const float *, float);
    int (*interleave_pair)(const float *, const float *, ptrdiff_t, const float *, float *);
    int (*deinterleave_pair)(const float *, ptrdiff_t, float, float *, float *);
    int (*copy_rows)(const float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, float *, ptrdiff_t);
    int (*crop)(const float *, ptrdiff_t, const ptrdiff_t *, ptrdiff_t, const ptrdiff_t *, ptrdiff_t, float, float *,
                const ptrdiff_t *, const ptrdiff_t *, ptrdiff_t);
} gc_circular_table;

#define GC_TABLE_SLOT(NAME, SLOT, ISA) [ISA].SLOT = NAME,
#define GC_TABLE_SLOT_AVX2(NAME, SLOT, ISA) [GC_ISA_AVX2].SLOT = NAME,
// The dispatch tables, one per level, filled from GC_CIRCULAR_KERNELS at compile time; level AVX2 has no
// entries of its own and gets the portable ones.
static const gc_circular_table gc_circular_tables[GC_ISA_COUNT] = {
    GC_CIRCULAR_KERNELS(GC_TABLE_SLOT) GC_CIRCULAR_PORTABLE(GC_TABLE_SLOT_AVX2)
};
#undef GC_TABLE_SLOT
#undef GC_TABLE_SLOT_AVX2

// The table of the CPU's level.
static inline const gc_circular_table *gc_circular(void) {
    return &gc_circular_tables[gc_cpu_best_isa()];
}

int gc_add_rows_f32(const float *src, ptrdiff_t rows, ptrdiff_t cols, float *dst, const float *row_add,
                    const float *col_add, float add) {
    return gc_circular()->add_rows(src, rows, cols, dst, row_add, col_add, add);
}

int gc_interleave_pair_f32(const float *a, const float *b, ptrdiff_t n, const float *add, float *dst) {
    return gc_circular()->interleave_pair(a, b, n, add, dst);
}

int gc_deinterleave_pair_f32(const float *src, ptrdiff_t n, float add, float *a, float *b) {
    return gc_circular()->deinterleave_pair(src, n, add, a, b);
}

int gc_copy_rows_f32(const float *src, ptrdiff_t src_stride, ptrdiff_t rows, ptrdiff_t cols, float *dst,
                     ptrdiff_t dst_stride) {
    return gc_circular()->copy_rows(src, src_stride, rows, cols, dst, dst_stride);
}

int gc_crop_f32(const float *src, ptrdiff_t src_stride, const ptrdiff_t *row_source, ptrdiff_t out_h,
                const ptrdiff_t *col_source, ptrdiff_t out_w, float bias, float *out) {
    ptrdiff_t stack_starts[512], stack_counts[512];
    ptrdiff_t *starts = out_w <= 512 ? stack_starts : (ptrdiff_t *)malloc(sizeof(ptrdiff_t) * 2 * (size_t)out_w);
    if (!starts) return 0;  /* out of memory: report "not finite", the caller recomputes the plane directly */
    ptrdiff_t *counts = out_w <= 512 ? stack_counts : starts + out_w;
    const ptrdiff_t runs = gc_column_runs(col_source, out_w, starts, counts);
    const int finite = gc_circular()->crop(src, src_stride, row_source, out_h, col_source, out_w, bias, out, starts,
                                           counts, runs);
    if (starts != stack_starts) free(starts);
    return finite;
}

// ---------------------------------------------------------------------------------------------------------
// Double precision (VectorMath.h): the Double FFT paths' copies and spectrum products, the same definitions
// as the single-precision ones above. The products are never contracted to fused multiply-adds (three
// roundings, as the Swift loops they replaced, which ran at baseline x86-64 without FMA), so Double results
// are bit-identical to before; the copies scan what they wrote for NaN/±Inf (gc_all_finite_f64).

GC_CLONES
void gc_transpose_add_f64(const double *src, ptrdiff_t rows, ptrdiff_t cols, double *dst, const double *row_add, double add) {
    for (ptrdiff_t i0 = 0; i0 < rows; i0 += GC_BLOCK) {
        const ptrdiff_t i1 = i0 + GC_BLOCK < rows ? i0 + GC_BLOCK : rows;
        for (ptrdiff_t j0 = 0; j0 < cols; j0 += GC_BLOCK) {
            const ptrdiff_t j1 = j0 + GC_BLOCK < cols ? j0 + GC_BLOCK : cols;
            for (ptrdiff_t j = j0; j < j1; j++) {
                double *restrict d = dst + j * rows;
                if (row_add) {
                    for (ptrdiff_t i = i0; i < i1; i++) d[i] = src[i * cols + j] + row_add[i];
                } else {
                    for (ptrdiff_t i = i0; i < i1; i++) d[i] = src[i * cols + j] + add;
                }
            }
        }
    }
}

GC_CLONES
void gc_cscale_rows_f64(double *a, ptrdiff_t rows, ptrdiff_t n, const double *k) {
#pragma clang fp contract(off)
    for (ptrdiff_t f = 0; f < rows; f++) {
        double *restrict x = a + 2 * n * f;
        const double br = k[2 * f], bi = k[2 * f + 1];
        for (ptrdiff_t m = 0; m < n; m++) {
            const double ar = x[2 * m], ai = x[2 * m + 1];
            x[2 * m] = ar * br - ai * bi;
            x[2 * m + 1] = ar * bi + ai * br;
        }
    }
}

GC_CLONES
void gc_cmul_rows_f64(double *a, ptrdiff_t rows, ptrdiff_t n, const double *b) {
#pragma clang fp contract(off)
    for (ptrdiff_t r = 0; r < rows; r++) {
        double *restrict x = a + 2 * n * r;
        for (ptrdiff_t k = 0; k < n; k++) {
            const double ar = x[2 * k], ai = x[2 * k + 1], br = b[2 * k], bi = b[2 * k + 1];
            x[2 * k] = ar * br - ai * bi;
            x[2 * k + 1] = ar * bi + ai * br;
        }
    }
}

// The copies below write first and then scan what they wrote with gc_all_finite_f64 (GC_CLONES: the
// AVX-512 clone where the CPU has it), as the Swift loops they replaced did: a running 64-bit minimum has no
// baseline x86-64 vector instruction, and kept inside the loop it left the loop scalar.

static int gc_f64_add_rows_portable(const double *src, ptrdiff_t rows, ptrdiff_t cols, double *dst, const double *row_add,
                                    const double *col_add, double add) {
    for (ptrdiff_t i = 0; i < rows; i++) {
        const double *restrict s = src + i * cols;
        double *restrict d = dst + i * cols;
        const double a = row_add ? row_add[i] : add;
        if (col_add) {
            for (ptrdiff_t j = 0; j < cols; j++) d[j] = s[j] + col_add[j];
        } else {
            for (ptrdiff_t j = 0; j < cols; j++) d[j] = s[j] + a;
        }
    }
    return gc_all_finite_f64(dst, rows * cols);
}

static int gc_f64_interleave_pair_portable(const double *a, const double *b, ptrdiff_t n, const double *add, double *dst) {
    if (add) {
        for (ptrdiff_t j = 0; j < n; j++) { dst[2 * j] = a[j] + add[j]; dst[2 * j + 1] = b[j] + add[j]; }
    } else {
        for (ptrdiff_t j = 0; j < n; j++) { dst[2 * j] = a[j]; dst[2 * j + 1] = b[j]; }
    }
    return gc_all_finite_f64(dst, 2 * n);
}

static int gc_f64_deinterleave_pair_portable(const double *src, ptrdiff_t n, double add, double *a, double *b) {
    for (ptrdiff_t j = 0; j < n; j++) { a[j] = src[2 * j] + add; b[j] = src[2 * j + 1] + add; }
    return gc_all_finite_f64(a, n) && gc_all_finite_f64(b, n);
}

static int gc_f64_copy_rows_portable(const double *src, ptrdiff_t src_stride, ptrdiff_t rows, ptrdiff_t cols, double *dst,
                                     ptrdiff_t dst_stride) {
    int finite = 1;
    for (ptrdiff_t i = 0; i < rows; i++) {
        memcpy(dst + i * dst_stride, src + i * src_stride, sizeof(double) * (size_t)cols);
        finite = finite && gc_all_finite_f64(dst + i * dst_stride, cols);
    }
    return finite;
}

static int gc_f64_crop_portable(const double *src, ptrdiff_t src_stride, const ptrdiff_t *row_source, ptrdiff_t out_h,
                                const ptrdiff_t *col_source, ptrdiff_t out_w, double bias, double *out) {
    for (ptrdiff_t i = 0; i < out_h; i++) {
        double *row = out + i * out_w;
        if (row_source[i] < 0) {
            for (ptrdiff_t j = 0; j < out_w; j++) row[j] = bias;
            continue;
        }
        const double *s = src + row_source[i] * src_stride;
        for (ptrdiff_t j = 0; j < out_w; j++) row[j] = col_source[j] < 0 ? bias : s[col_source[j]] + bias;
    }
    return gc_all_finite_f64(out, out_h * out_w);
}

// One level's double-precision copies (every level runs the portable ones).
typedef struct {
    int (*add_rows)(const double *, ptrdiff_t, ptrdiff_t, double *, const double *, const double *, double);
    int (*interleave_pair)(const double *, const double *, ptrdiff_t, const double *, double *);
    int (*deinterleave_pair)(const double *, ptrdiff_t, double, double *, double *);
    int (*copy_rows)(const double *, ptrdiff_t, ptrdiff_t, ptrdiff_t, double *, ptrdiff_t);
    int (*crop)(const double *, ptrdiff_t, const ptrdiff_t *, ptrdiff_t, const ptrdiff_t *, ptrdiff_t, double, double *);
} gc_circular_table_f64;

#define GC_TABLE_SLOT_ALL(NAME, SLOT, ISA) [GC_ISA_PORTABLE].SLOT = NAME, [GC_ISA_AVX2].SLOT = NAME, [GC_ISA_AVX512].SLOT = NAME,
// The double-precision dispatch tables, filled from GC_CIRCULAR_F64_KERNELS at compile time.
static const gc_circular_table_f64 gc_circular_tables_f64[GC_ISA_COUNT] = {
    GC_CIRCULAR_F64_KERNELS(GC_TABLE_SLOT_ALL)
};
#undef GC_TABLE_SLOT_ALL

static inline const gc_circular_table_f64 *gc_circular_f64(void) {
    return &gc_circular_tables_f64[gc_cpu_best_isa()];
}

int gc_add_rows_f64(const double *src, ptrdiff_t rows, ptrdiff_t cols, double *dst, const double *row_add,
                    const double *col_add, double add) {
    return gc_circular_f64()->add_rows(src, rows, cols, dst, row_add, col_add, add);
}

int gc_interleave_pair_f64(const double *a, const double *b, ptrdiff_t n, const double *add, double *dst) {
    return gc_circular_f64()->interleave_pair(a, b, n, add, dst);
}

int gc_deinterleave_pair_f64(const double *src, ptrdiff_t n, double add, double *a, double *b) {
    return gc_circular_f64()->deinterleave_pair(src, n, add, a, b);
}

int gc_copy_rows_f64(const double *src, ptrdiff_t src_stride, ptrdiff_t rows, ptrdiff_t cols, double *dst,
                     ptrdiff_t dst_stride) {
    return gc_circular_f64()->copy_rows(src, src_stride, rows, cols, dst, dst_stride);
}

int gc_crop_f64(const double *src, ptrdiff_t src_stride, const ptrdiff_t *row_source, ptrdiff_t out_h,
                const ptrdiff_t *col_source, ptrdiff_t out_w, double bias, double *out) {
    return gc_circular_f64()->crop(src, src_stride, row_source, out_h, col_source, out_w, bias, out);
}

// The strided gathers of im2col (VectorMath.h), all output rows of one im2col row in a call (a call per
// output row of 56 samples had cost more than the copying: 4 % of a MogaNet-T forward). One loop per
// common stride, so each is vectorised for its constant stride; any other stride runs the general loop.
#define GC_GATHER_STRIDED(NAME, T)                                                                        \
    GC_CLONES                                                                                             \
    void NAME(const T *restrict src, ptrdiff_t stride, ptrdiff_t n, ptrdiff_t rows, ptrdiff_t src_row_stride, \
              T *restrict dst, ptrdiff_t dst_row_stride) {                                                \
        for (ptrdiff_t r = 0; r < rows; r++) {                                                            \
            const T *restrict s = src + r * src_row_stride;                                               \
            T *restrict d = dst + r * dst_row_stride;                                                     \
            if (stride == 1) {                                                                            \
                memcpy(d, s, (size_t)n * sizeof(T));                                                      \
            } else if (stride == 2) {                                                                     \
                for (ptrdiff_t i = 0; i < n; i++) d[i] = s[2 * i];                                        \
            } else if (stride == 4) {                                                                     \
                for (ptrdiff_t i = 0; i < n; i++) d[i] = s[4 * i];                                        \
            } else {                                                                                      \
                for (ptrdiff_t i = 0; i < n; i++) d[i] = s[i * stride];                                   \
            }                                                                                             \
        }                                                                                                 \
    }
GC_GATHER_STRIDED(gc_gather_strided_f32, float)
GC_GATHER_STRIDED(gc_gather_strided_f64, double)
#undef GC_GATHER_STRIDED
