#ifndef GLOBALCONV_VECTOR_MATH_H
#define GLOBALCONV_VECTOR_MATH_H
#include <stddef.h>

/// In place, for `n` floats: `x ← 0.5·x·(1 + erf(x/√2))` (exact-form GELU), with erf evaluated as
/// PyTorch's vectorised CPU kernel does (Abramowitz & Stegun 7.1.26, |error| ≤ 1.5e-7, and an expf
/// accurate to ~1 ulp). Compiled for AVX-512, AVX2+FMA and baseline x86-64; chosen at load time.
void gc_gelu_f32(float *x, size_t n);

/// In place, for `n` floats: `x ← x / (1 + exp(−x))` (SiLU), expf accurate to ~1 ulp; −0 for x < −88.7
/// as in PyTorch (exp overflows to +inf).
void gc_silu_f32(float *x, size_t n);

/// In place, for `n` floats: `x ← max(x, 0)`, NaN kept (PyTorch's relu).
void gc_relu_f32(float *x, size_t n);

/// `exp(x)` for `n` floats, ~1 ulp (exposed for tests).
void gc_exp_f32(const float *x, float *y, size_t n);

/// Helpers of GlobalConv's FFT paths (circular/ParC and depthwise), single precision, reentrant (double
/// precision below).

/// dst[j·rows + i] = src[i·cols + j] + (row_add ? row_add[i] : add) for a rows × cols row-major src
/// (one rounding per element), in cache blocks.
void gc_transpose_add_f32(const float *src, ptrdiff_t rows, ptrdiff_t cols, float *dst, const float *row_add, float add);

/// dst[i·cols + j] = src[i·cols + j] + (row_add ? row_add[i] : col_add ? col_add[j] : add). Returns 1 when
/// every value written is finite, else 0 (the copies of the circular FFT path check as they copy).
int gc_add_rows_f32(const float *src, ptrdiff_t rows, ptrdiff_t cols, float *dst, const float *row_add,
                    const float *col_add, float add);

/// dst[2j] = a[j] + (add ? add[j] : 0), dst[2j + 1] = b[j] + (add ? add[j] : 0) for j < n: two real rows as
/// one interleaved complex row. Returns 1 when every value written is finite.
int gc_interleave_pair_f32(const float *a, const float *b, ptrdiff_t n, const float *add, float *dst);

/// a[j] = src[2j] + add, b[j] = src[2j + 1] + add for j < n. Returns 1 when every value written is finite.
int gc_deinterleave_pair_f32(const float *src, ptrdiff_t n, float add, float *a, float *b);

/// For each of `rows` rows of n interleaved complex values (row f at a + 2·n·f): a[f][m] ← a[f][m]·k[f].
void gc_cscale_rows_f32(float *a, ptrdiff_t rows, ptrdiff_t n, const float *k);

/// Copies `rows` rows of `cols` floats (source rows `src_stride` apart, destination rows `dst_stride`
/// apart). Returns 1 when every value is finite, else 0.
int gc_copy_rows_f32(const float *src, ptrdiff_t src_stride, ptrdiff_t rows, ptrdiff_t cols, float *dst,
                     ptrdiff_t dst_stride);

/// The crop of the depthwise FFT path: out[i·out_w + j] = bias when row_source[i] < 0 or col_source[j] < 0,
/// else src[row_source[i]·src_stride + col_source[j]] + bias. Column sources run in contiguous segments,
/// copied as rows. Returns 1 when every value written is finite, else 0.
int gc_crop_f32(const float *src, ptrdiff_t src_stride, const ptrdiff_t *row_source, ptrdiff_t out_h,
                const ptrdiff_t *col_source, ptrdiff_t out_w, float bias, float *out);

/// 1 when no value of x[0..<n) is NaN or ±Inf (its exponent bits are not all ones), else 0.
int gc_all_finite_f32(const float *x, ptrdiff_t n);

/// dst[r·dst_row_stride + i] = src[r·src_row_stride + i·stride] for r < rows, i < n (stride ≥ 1; the im2col
/// rows of strided convolutions, one output row of the convolution per r). Strides 2 and 4 (every stem
/// and downsampler) are compiled as constant strides, which the vectoriser turns into wide loads and
/// shuffles. Reads only within each row's src[r·src_row_stride … r·src_row_stride + stride·(n − 1)].
void gc_gather_strided_f32(const float *src, ptrdiff_t stride, ptrdiff_t n, ptrdiff_t rows, ptrdiff_t src_row_stride,
                           float *dst, ptrdiff_t dst_row_stride);
/// The double-precision gc_gather_strided_f32.
void gc_gather_strided_f64(const double *src, ptrdiff_t stride, ptrdiff_t n, ptrdiff_t rows, ptrdiff_t src_row_stride,
                           double *dst, ptrdiff_t dst_row_stride);
/// One plane of a depthwise k×k correlation with stride s and zero padding p (RepLKNet's 3×3 stride-2 stem and
/// transitions): y[i·wo + j] = bias + Σ_{u<k} Σ_{v<k} weight[u·k + v] · x̃[s·i + u − p][s·j + v − p] for i < ho,
/// j < wo, with x̃ the h × w plane x (row-major) and 0 outside it; summed from the bias, u-major then v, each
/// term added with a fused multiply-add at the levels whose direct kernels use them (AVX2, AVX-512): at level
/// `isa` (a gc_isa value, clamped to the CPU like the direct kernels' levels), the stride-1 direct convolution's
/// values at that level at every s-th row and column. `rows`: scratch of k·(s·⌈wo/16⌉·16 + k) values.
/// Reentrant.
void gc_depthwise_strided_f32(const float *x, ptrdiff_t h, ptrdiff_t w, const float *weight, ptrdiff_t k, ptrdiff_t s,
                              ptrdiff_t p, float bias, float *y, ptrdiff_t ho, ptrdiff_t wo, float *rows, int isa);
/// The double-precision gc_depthwise_strided_f32.
void gc_depthwise_strided_f64(const double *x, ptrdiff_t h, ptrdiff_t w, const double *weight, ptrdiff_t k, ptrdiff_t s,
                              ptrdiff_t p, double bias, double *y, ptrdiff_t ho, ptrdiff_t wo, double *rows, int isa);
/// 1 when no value of x[0..<n) is NaN or ±Inf, else 0.
int gc_all_finite_f64(const double *x, ptrdiff_t n);

/// For each of `rows` rows of n interleaved complex values (row r at a + 2·n·r): a[r][k] ← a[r][k]·b[k]
/// (re = ar·br − ai·bi, im = ar·bi + ai·br, each a product pair and one sum, possibly fused).
void gc_cmul_rows_f32(float *a, ptrdiff_t rows, ptrdiff_t n, const float *b);

/// Double precision: the functions above for `double`, value for value the same definitions, with two
/// exceptions that keep them bit-identical to the Swift loops they replaced: a product pair and its sum
/// are never fused (gc_cscale_rows_f64, gc_cmul_rows_f64: three roundings, as Swift on baseline x86-64),
/// and a copy without an addend copies (gc_copy_rows_f64 keeps −0 and NaN payloads). At most one of
/// row_add and col_add is given to gc_add_rows_f64 (as for gc_add_rows_f32; col_add wins in both).
void gc_transpose_add_f64(const double *src, ptrdiff_t rows, ptrdiff_t cols, double *dst, const double *row_add,
                          double add);
int gc_add_rows_f64(const double *src, ptrdiff_t rows, ptrdiff_t cols, double *dst, const double *row_add,
                    const double *col_add, double add);
int gc_interleave_pair_f64(const double *a, const double *b, ptrdiff_t n, const double *add, double *dst);
int gc_deinterleave_pair_f64(const double *src, ptrdiff_t n, double add, double *a, double *b);
void gc_cscale_rows_f64(double *a, ptrdiff_t rows, ptrdiff_t n, const double *k);
int gc_copy_rows_f64(const double *src, ptrdiff_t src_stride, ptrdiff_t rows, ptrdiff_t cols, double *dst,
                     ptrdiff_t dst_stride);
int gc_crop_f64(const double *src, ptrdiff_t src_stride, const ptrdiff_t *row_source, ptrdiff_t out_h,
                const ptrdiff_t *col_source, ptrdiff_t out_w, double bias, double *out);
void gc_cmul_rows_f64(double *a, ptrdiff_t rows, ptrdiff_t n, const double *b);

#endif
