// The strided depthwise correlation of one plane (VectorMath.h: gc_depthwise_strided_f32 / _f64), for
// RepLKNet's 3×3 stride-2 stem and transition convolutions: each sum in the definition's order (from the
// bias, u-major, then v), the source rows zero-padded first so that no tap tests the map's edges.
// Compiled per instruction-set level with function target attributes and run at the level the caller asks
// for, clamped to the CPU, as the direct path's kernels are: the AVX2 and AVX-512 versions contract each `acc + w·x` into a fused
// multiply-add, the portable one cannot, exactly as the direct kernel of the same level — so the values equal
// the stride-1 direct convolution's at every s-th row and column on any CPU. (target_clones, chosen by the
// loader, would not: sanitizer builds use the baseline clone while the direct path still runs AVX-512, and
// the first form of this file failed its test there.) Measured on RepLKNet-31B's stem and transitions
// (Docs/performance.md, seventh session).

#include "VectorMath.h"
#include <string.h>
#include "CCPUFeatures.h"

#pragma STDC FP_CONTRACT ON

// Per output row: the k source rows it reads, zero-padded, into `rows`; then chunks of GC_STRIDED_CHUNK outputs
// whose sums stay in registers through all k·k taps — the last chunk too, over padding (a sum kept in memory
// and updated tap by tap waited on its own store every tap, and scalar tails took most outputs of the 7- and
// 14-wide maps: 1.3 ns per output).
#define GC_STRIDED_CHUNK 16

// Stride 2 in single precision: a chunk's 16 sums as one vector, each tap's 16 samples the even lanes of two
// adjacent 16-float loads (one shuffle) — the generic loop compiled to gathers. GCC vector types, so every
// clone gets its own width; inlined into each clone. Returns 0 (not handled) for other strides.
typedef float gc_f32x16 __attribute__((vector_size(64), aligned(4)));
static inline __attribute__((always_inline)) int gc_strided2_chunk_f32(ptrdiff_t s, const float *rows, ptrdiff_t length,
                                                                       ptrdiff_t k, const float *weight, ptrdiff_t j,
                                                                       float bias, float *out) {
    if (s != 2) return 0;
    gc_f32x16 acc = {bias, bias, bias, bias, bias, bias, bias, bias, bias, bias, bias, bias, bias, bias, bias, bias};
    for (ptrdiff_t u = 0; u < k; u++) {
        for (ptrdiff_t v = 0; v < k; v++) {
            const float *src = rows + u * length + v + 2 * j;
            gc_f32x16 a, b;
            memcpy(&a, src, sizeof a);
            memcpy(&b, src + 16, sizeof b);
            const gc_f32x16 even = __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            acc = acc + weight[u * k + v] * even;
        }
    }
    memcpy(out, &acc, sizeof acc);
    return 1;
}
static inline __attribute__((always_inline)) int gc_strided2_chunk_none(ptrdiff_t s, const double *rows, ptrdiff_t length,
                                                                        ptrdiff_t k, const double *weight, ptrdiff_t j,
                                                                        double bias, double *out) {
    (void)s; (void)rows; (void)length; (void)k; (void)weight; (void)j; (void)bias; (void)out;
    return 0;
}

#define GC_DEPTHWISE_STRIDED(NAME, T, FAST2, TARGET)                                                            \
    TARGET static void NAME(const T *restrict x, ptrdiff_t h, ptrdiff_t w, const T *restrict weight, ptrdiff_t k, ptrdiff_t s, \
              ptrdiff_t p, T bias, T *restrict y, ptrdiff_t ho, ptrdiff_t wo, T *restrict rows) {          \
        /* Padded columns any tap of a whole chunk reads (q = s·j + v, j < wo rounded up to a chunk; one    \
           more for the even-lane loads of the s = 2 path, whose last odd lane is read and dropped). */   \
        const ptrdiff_t length = s * ((wo + GC_STRIDED_CHUNK - 1) / GC_STRIDED_CHUNK * GC_STRIDED_CHUNK) + k; \
        /* Source columns c = q − p inside the plane: q ∈ [first, end). */                                \
        const ptrdiff_t first = p < length ? p : length;                                                  \
        const ptrdiff_t end = p + w < length ? p + w : length;                                             \
        for (ptrdiff_t i = 0; i < ho; i++) {                                                              \
            for (ptrdiff_t u = 0; u < k; u++) {                                                           \
                T *restrict row = rows + u * length;                                                      \
                const ptrdiff_t r = s * i + u - p;                                                        \
                if (r >= 0 && r < h && first < end) {                                                     \
                    memset(row, 0, (size_t)first * sizeof(T));                                            \
                    memcpy(row + first, x + r * w + (first - p), (size_t)(end - first) * sizeof(T));      \
                    memset(row + end, 0, (size_t)(length - end) * sizeof(T));                             \
                } else {                                                                                  \
                    memset(row, 0, (size_t)length * sizeof(T));                                           \
                }                                                                                         \
            }                                                                                             \
            T *restrict out = y + i * wo;                                                                 \
            for (ptrdiff_t j = 0; j < wo; j += GC_STRIDED_CHUNK) {                                        \
                T acc[GC_STRIDED_CHUNK];                                                                  \
                if (FAST2(s, rows, length, k, weight, j, bias, acc)) goto store;                          \
                for (int q = 0; q < GC_STRIDED_CHUNK; q++) acc[q] = bias;                                 \
                for (ptrdiff_t u = 0; u < k; u++) {                                                       \
                    for (ptrdiff_t v = 0; v < k; v++) {                                                   \
                        const T wt = weight[u * k + v];                                                   \
                        const T *restrict src = rows + u * length + v + s * j;                            \
                        if (s == 2) {                                                                     \
                            for (int q = 0; q < GC_STRIDED_CHUNK; q++) acc[q] = acc[q] + wt * src[2 * q]; \
                        } else {                                                                          \
                            for (int q = 0; q < GC_STRIDED_CHUNK; q++) acc[q] = acc[q] + wt * src[s * q]; \
                        }                                                                                 \
                    }                                                                                     \
                }                                                                                         \
            store:;                                                                                       \
                const ptrdiff_t n = wo - j < GC_STRIDED_CHUNK ? wo - j : GC_STRIDED_CHUNK;                \
                for (ptrdiff_t q = 0; q < n; q++) out[j + q] = acc[q];                                    \
            }                                                                                             \
        }                                                                                                 \
    }
GC_DEPTHWISE_STRIDED(gc_f32_dw_strided_portable, float, gc_strided2_chunk_f32, GC_TARGET_PORTABLE)
GC_DEPTHWISE_STRIDED(gc_f64_dw_strided_portable, double, gc_strided2_chunk_none, GC_TARGET_PORTABLE)
#ifdef GC_X86
GC_DEPTHWISE_STRIDED(gc_f32_dw_strided_avx2, float, gc_strided2_chunk_f32, GC_TARGET_AVX2)
GC_DEPTHWISE_STRIDED(gc_f64_dw_strided_avx2, double, gc_strided2_chunk_none, GC_TARGET_AVX2)
GC_DEPTHWISE_STRIDED(gc_f32_dw_strided_avx512, float, gc_strided2_chunk_f32, GC_TARGET_AVX512)
GC_DEPTHWISE_STRIDED(gc_f64_dw_strided_avx512, double, gc_strided2_chunk_none, GC_TARGET_AVX512)
#endif
#undef GC_DEPTHWISE_STRIDED

// Level `isa` clamped to the CPU, as the direct path indexes its kernels (gc_isa_clamp).
#ifdef GC_X86
#define GC_DISPATCH(P)                                                                                  \
    switch (gc_isa_clamp(isa)) {                                                                          \
    case GC_ISA_AVX512: gc_##P##_dw_strided_avx512(x, h, w, weight, k, s, p, bias, y, ho, wo, rows); return; \
    case GC_ISA_AVX2: gc_##P##_dw_strided_avx2(x, h, w, weight, k, s, p, bias, y, ho, wo, rows); return;  \
    default: gc_##P##_dw_strided_portable(x, h, w, weight, k, s, p, bias, y, ho, wo, rows); return;      \
    }
#else
#define GC_DISPATCH(P) (void)isa; gc_##P##_dw_strided_portable(x, h, w, weight, k, s, p, bias, y, ho, wo, rows);
#endif

void gc_depthwise_strided_f32(const float *x, ptrdiff_t h, ptrdiff_t w, const float *weight, ptrdiff_t k, ptrdiff_t s,
                              ptrdiff_t p, float bias, float *y, ptrdiff_t ho, ptrdiff_t wo, float *rows, int isa) {
    GC_DISPATCH(f32)
}

void gc_depthwise_strided_f64(const double *x, ptrdiff_t h, ptrdiff_t w, const double *weight, ptrdiff_t k, ptrdiff_t s,
                              ptrdiff_t p, double bias, double *y, ptrdiff_t ho, ptrdiff_t wo, double *rows, int isa) {
    GC_DISPATCH(f64)
}
#undef GC_DISPATCH
#undef GC_STRIDED_CHUNK
