// Copies, transposes and spectrum products of the FFT path of circular convolutions (VectorMath.h),
// compiled for AVX-512, AVX2 and baseline x86-64 by target_clones and left to the vectoriser.
#include "VectorMath.h"
#include <stdint.h>

#include "clones.h"

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

GC_CLONES
void gc_add_rows_f32(const float *src, ptrdiff_t rows, ptrdiff_t cols, float *dst, const float *row_add,
                     const float *col_add, float add) {
    for (ptrdiff_t i = 0; i < rows; i++) {
        const float *restrict s = src + i * cols;
        float *restrict d = dst + i * cols;
        if (col_add) {
            for (ptrdiff_t j = 0; j < cols; j++) d[j] = s[j] + col_add[j];
        } else {
            const float a = row_add ? row_add[i] : add;
            for (ptrdiff_t j = 0; j < cols; j++) d[j] = s[j] + a;
        }
    }
}

GC_CLONES
void gc_interleave_pair_f32(const float *a, const float *b, ptrdiff_t n, const float *add, float *dst) {
    if (add) {
        for (ptrdiff_t j = 0; j < n; j++) { dst[2 * j] = a[j] + add[j]; dst[2 * j + 1] = b[j] + add[j]; }
    } else {
        for (ptrdiff_t j = 0; j < n; j++) { dst[2 * j] = a[j]; dst[2 * j + 1] = b[j]; }
    }
}

GC_CLONES
void gc_deinterleave_pair_f32(const float *src, ptrdiff_t n, float add, float *a, float *b) {
    for (ptrdiff_t j = 0; j < n; j++) { a[j] = src[2 * j] + add; b[j] = src[2 * j + 1] + add; }
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
    uint32_t bad = 0;
    for (ptrdiff_t i = 0; i < n; i++) bad |= (u[i] & 0x7f800000u) == 0x7f800000u;
    return bad == 0;
}

GC_CLONES
int gc_all_finite_f64(const double *x, ptrdiff_t n) {
    const gc_u64_alias *u = (const gc_u64_alias *)x;
    uint64_t bad = 0;
    for (ptrdiff_t i = 0; i < n; i++) bad |= (u[i] & 0x7ff0000000000000ull) == 0x7ff0000000000000ull;
    return bad == 0;
}
