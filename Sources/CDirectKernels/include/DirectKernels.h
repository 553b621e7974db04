#ifndef GLOBALCONV_DIRECT_KERNELS_H
#define GLOBALCONV_DIRECT_KERNELS_H
#include <stddef.h>

/// Depthwise correlation of one padded plane, stride 1, all in row-major element units:
///   y[i*ys + j] = bias + Σ_{u<kh} Σ_{v<kw} w[u*kw + v] · xp[(i + dh·u)*xs + j + dw·v]
/// for i < ho, j < wo. `xp` is the plane already padded (zeros or periodic), readable for rows
/// i + dh·u < ho + dh·(kh−1) and columns up to round_up(wo, 32) + dw·(kw−1) (the kernels compute whole
/// 32-column blocks and only store the first `wo`). Compiled for AVX-512, AVX2+FMA and baseline x86-64
/// and dispatched at load time by the CPU (target_clones); no global state, thread-safe.
void gc_depthwise_plane_f32(const float *xp, ptrdiff_t xs, const float *w, int kh, int kw, int dh, int dw,
                            float bias, float *y, ptrdiff_t ys, int ho, int wo);
void gc_depthwise_plane_f64(const double *xp, ptrdiff_t xs, const double *w, int kh, int kw, int dh, int dw,
                            double bias, double *y, ptrdiff_t ys, int ho, int wo);


/// Copies plane `x` (h×w, row-major) into `xp` (rows×cols, row stride xs) shifted by (top, left):
/// xp[r*xs + c] = x̃[r − top][c − left], where x̃ is x inside the map and 0 outside (circular = 0) or x
/// read periodically (circular = 1; any offset, wrapping as often as needed).
void gc_pad_plane_f32(const float *x, int h, int w, int top, int left, int rows, int cols, int circular,
                      float *xp, ptrdiff_t xs);
void gc_pad_plane_f64(const double *x, int h, int w, int top, int left, int rows, int cols, int circular,
                      double *xp, ptrdiff_t xs);

#endif
