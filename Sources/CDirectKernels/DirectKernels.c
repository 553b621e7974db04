#include "DirectKernels.h"
#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
#define GC_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define GC_CLONES
#endif

#define BLOCK 32   /* output columns per register block */
#define ROWS 4     /* output rows per register block */

#define DEFINE_KERNEL(NAME, T)                                                                        \
GC_CLONES                                                                                              \
void NAME(const T *xp, ptrdiff_t xs, const T *w, int kh, int kw, int dh, int dw, T bias, T *y,        \
          ptrdiff_t ys, int ho, int wo) {                                                              \
    int i = 0;                                                                                         \
    for (; i + ROWS <= ho; i += ROWS) {                                                                \
        for (int j0 = 0; j0 < wo; j0 += BLOCK) {                                                       \
            T acc[ROWS][BLOCK];                                                                        \
            for (int r = 0; r < ROWS; r++)                                                             \
                for (int j = 0; j < BLOCK; j++) acc[r][j] = bias;                                      \
            for (int u = 0; u < kh; u++) {                                                             \
                const T *row = xp + (ptrdiff_t)(i + dh * u) * xs + j0;                                 \
                const T *wu = w + (ptrdiff_t)u * kw;                                                   \
                for (int v = 0; v < kw; v++) {                                                         \
                    const T wv = wu[v];                                                                \
                    const T *src = row + (ptrdiff_t)dw * v;                                            \
                    for (int r = 0; r < ROWS; r++)                                                     \
                        for (int j = 0; j < BLOCK; j++) acc[r][j] += wv * src[r * xs + j];             \
                }                                                                                      \
            }                                                                                          \
            int n = wo - j0 < BLOCK ? wo - j0 : BLOCK;                                                 \
            for (int r = 0; r < ROWS; r++)                                                             \
                for (int j = 0; j < n; j++) y[(ptrdiff_t)(i + r) * ys + j0 + j] = acc[r][j];           \
        }                                                                                              \
    }                                                                                                  \
    for (; i < ho; i++) {                                                                              \
        for (int j0 = 0; j0 < wo; j0 += BLOCK) {                                                       \
            T acc[BLOCK];                                                                              \
            for (int j = 0; j < BLOCK; j++) acc[j] = bias;                                             \
            for (int u = 0; u < kh; u++) {                                                             \
                const T *row = xp + (ptrdiff_t)(i + dh * u) * xs + j0;                                 \
                for (int v = 0; v < kw; v++) {                                                         \
                    const T wv = w[(ptrdiff_t)u * kw + v];                                             \
                    const T *src = row + (ptrdiff_t)dw * v;                                            \
                    for (int j = 0; j < BLOCK; j++) acc[j] += wv * src[j];                             \
                }                                                                                      \
            }                                                                                          \
            int n = wo - j0 < BLOCK ? wo - j0 : BLOCK;                                                 \
            for (int j = 0; j < n; j++) y[(ptrdiff_t)i * ys + j0 + j] = acc[j];                        \
        }                                                                                              \
    }                                                                                                  \
}

DEFINE_KERNEL(gc_depthwise_plane_f32, float)
DEFINE_KERNEL(gc_depthwise_plane_f64, double)

#define DEFINE_PAD(NAME, T)                                                                           \
void NAME(const T *x, int h, int w, int top, int left, int rows, int cols, int circular, T *xp,        \
          ptrdiff_t xs) {                                                                              \
    for (int r = 0; r < rows; r++) {                                                                   \
        T *dst = xp + (ptrdiff_t)r * xs;                                                               \
        int sr = r - top;                                                                              \
        if (circular) {                                                                                \
            sr = ((sr % h) + h) % h;                                                                   \
        } else if (sr < 0 || sr >= h) {                                                                \
            memset(dst, 0, sizeof(T) * (size_t)cols);                                                  \
            continue;                                                                                  \
        }                                                                                              \
        const T *src = x + (ptrdiff_t)sr * w;                                                          \
        if (circular) {                                                                                \
            int sc = ((-left % w) + w) % w;                                                            \
            for (int c = 0; c < cols;) {                                                               \
                int n = w - sc < cols - c ? w - sc : cols - c;                                         \
                memcpy(dst + c, src + sc, sizeof(T) * (size_t)n);                                      \
                c += n;                                                                                \
                sc = 0;                                                                                \
            }                                                                                          \
        } else {                                                                                       \
            int c0 = left < cols ? left : cols;                                                        \
            memset(dst, 0, sizeof(T) * (size_t)c0);                                                    \
            int n = w < cols - c0 ? w : cols - c0;                                                     \
            if (n > 0) memcpy(dst + c0, src, sizeof(T) * (size_t)n);                                   \
            int tail = c0 + (n > 0 ? n : 0);                                                           \
            if (tail < cols) memset(dst + tail, 0, sizeof(T) * (size_t)(cols - tail));                 \
        }                                                                                              \
    }                                                                                                  \
}

DEFINE_PAD(gc_pad_plane_f32, float)
DEFINE_PAD(gc_pad_plane_f64, double)
