#ifndef GLOBALCONV_POINTWISE_H
#define GLOBALCONV_POINTWISE_H
#include <stddef.h>
#include "CCPUFeatures.h"

/// Fused 1×1 convolutions (per-pixel Linear layers) in single precision: GlobalConv's
/// `PointwiseConvolution` on Float. For the pixels p of [n_begin, n_end) of one NCHW image:
///
///   x'[i][p] = input transform of x                                  (i < k of the first layer)
///   h[o][p]  = epilogue_o( Σ_{i<k} W[o][i] · x'[i][p] )              (one or two layers chained)
///
/// Input transforms (prologue, applied while the input is packed):
///   GC_PW_INPUT_IDENTITY  x' = x
///   GC_PW_INPUT_AFFINE    x'[i] = x[i]·scale[i] + shift[i]          (eval BatchNorm before the conv)
///   GC_PW_INPUT_LAYERNORM per pixel over i: μ = (1/k)·Σ x[i], σ² = (1/k)·Σ (x[i] − μ)²,
///                         x'[i] = (x[i] − μ)·(1/√(σ² + eps))·scale[i] + shift[i]
///                         (sums in ascending i, `(1/k)` applied as a product, as LayerNormChannelsLast)
///   GC_PW_INPUT_DECOMPOSE per pixel: d = GELU(Σ_i weight[i]·x[i] + bias) (i ascending from zero, then the
///                         bias), x'[i] = x[i] + scale[i]·(x[i] − d)   (MogaNet's feature decomposition)
/// Optional stencil source (before the input transform): when `stencil_weight` is given, x is first read
/// through a depthwise 3×3 convolution with zero padding 1 on the stencil_height × stencil_width image,
/// plus bias and an activation (VAN's and MogaNet's MLP `dwconv → GELU`, never stored):
///   s[i][p] = act(b[i] + Σ_{u<3} Σ_{v<3} w[i][3u+v]·x[i][p + (u−1)·W + (v−1)])   (taps outside the image read 0)
/// summed from b, u-major then v, with fused multiply-adds where the ISA has them (the direct path's order).
/// Optional window source (instead of the stencil): when `window_offset` is given, row i of the input is a
/// window of x shifted by window_offset[i], read with the output map's raster:
///   x[i][p] = x[window_offset[i] + (p / window_width)·window_ld + p % window_width]
/// — a dense convolution's im2col matrix without storing it, when x holds the input's zero-padded polyphase
/// planes (Convolution2D; ldx is not used then).
/// Epilogue of one layer, in this order, each step optional:
///   v = acc + bias[o];  v = v·scale[o] + shift[o];  v = act(v);  v = v·mul[o][p];
///   v = v + add[o][p]   (or v + (add[o][p]·add_scale[o] + add_shift[o]): an eval BatchNorm of the added map);
///   v = residual[o][p] + residual_scale[o]·v   (or residual[o][p] + v without a scale)
/// The dot product accumulates i ascending from 0 in single precision with fused multiply-adds (AVX2 and
/// AVX-512) or separate ones (portable), bounded by γ(k)·Σ|W||x'|. A second layer reads the first
/// layer's result of the same pixels (its epilogue may use bias, scale/shift and act only) without it
/// ever leaving the cache; only the last layer writes `y`.
///
/// Reentrant: no state besides the arguments; callers split pixels across threads.

/// Levels: `isa` arguments are gc_isa values of CCPUFeatures.h (GC_ISA_PORTABLE, GC_ISA_AVX2,
/// GC_ISA_AVX512; gc_cpu_best_isa() is the CPU's), clamped to what the CPU runs.
enum { GC_PW_ACT_NONE = 0, GC_PW_ACT_RELU = 1, GC_PW_ACT_GELU = 2, GC_PW_ACT_SILU = 3 };
enum { GC_PW_INPUT_IDENTITY = 0, GC_PW_INPUT_AFFINE = 1, GC_PW_INPUT_LAYERNORM = 2, GC_PW_INPUT_DECOMPOSE = 3 };

/// Rows of W per packed panel.
#define GC_PW_PANEL_ROWS 6

typedef struct {
    int mode;               ///< GC_PW_INPUT_*
    const float *scale;     ///< [k] (AFFINE, LAYERNORM, DECOMPOSE) or NULL
    const float *shift;     ///< [k] (AFFINE, LAYERNORM) or NULL
    float eps;              ///< LAYERNORM
    const float *weight;    ///< [k] (DECOMPOSE) or NULL
    float bias;             ///< DECOMPOSE
    const float *stencil_weight;        ///< [k][9] or NULL (no stencil: x is read as it is)
    const float *stencil_bias;          ///< [k] or NULL
    int stencil_activation;             ///< GC_PW_ACT_*
    ptrdiff_t stencil_height, stencil_width;  ///< the image (height·width = the image's pixels)
    const ptrdiff_t *window_offset;     ///< [k] or NULL (no window source)
    ptrdiff_t window_width, window_ld;  ///< the output map's width; x's row stride within a window
} gc_pw_input;

typedef struct {
    ptrdiff_t m, k;                 ///< W is m × k
    const float *packed_weight;     ///< gc_pw_pack_f32(W)
    const float *bias;              ///< [m] or NULL
    const float *scale, *shift;     ///< [m] each, or both NULL
    int activation;                 ///< GC_PW_ACT_*
    const float *mul; ptrdiff_t ld_mul;            ///< [m][ld_mul] (indexed by image pixel) or NULL
    const float *add; ptrdiff_t ld_add;            ///< or NULL
    const float *add_scale, *add_shift;            ///< [m] each, or both NULL
    const float *residual; ptrdiff_t ld_residual;  ///< or NULL
    const float *residual_scale;                   ///< [m] or NULL (residual + v)
} gc_pw_layer;

/// Pixels per strip at level `isa` (clamped to the CPU): callers split [0, pixels) at multiples of it.
ptrdiff_t gc_pw_strip(int isa);

/// At most this many pixels after a whole strip (0: none at level `isa`) are computed together with it when a
/// call's range ends there (the 4 after 3·64 of a 14×14 map): each weight panel is read once for both.
/// Callers splitting a map into strips give such a tail to the strip before it.
ptrdiff_t gc_pw_tail(int isa);

/// Floats per vector at level `isa` (a strip is several vectors of pixels).
ptrdiff_t gc_pw_vector(int isa);

/// A strip width below gc_pw_strip(isa) that costs less per pixel than a whole strip (0: none at level
/// `isa`): its last vector holds one pixel, which gets an accumulator of its own instead of a vector of
/// them (49 = 3·16 + 1 on AVX-512: a 7×7 map is one such strip, 14×14 four). A call whose range is exactly
/// one such strip runs it that way; the bits are those of any other split.
ptrdiff_t gc_pw_lone_pixel_strip(int isa);

/// Floats of W's packed form: ⌈m/6⌉·6·k.
size_t gc_pw_packed_count(ptrdiff_t m, ptrdiff_t k);

/// Packs row-major W (m × k) into panels of 6 rows, each k-major ([i][row], zero rows past m).
void gc_pw_pack_f32(const float *w, ptrdiff_t m, ptrdiff_t k, float *packed);

/// Floats of 64-byte aligned scratch one call needs (input k, hidden m of a two-layer chain or 0).
size_t gc_pw_scratch_count(ptrdiff_t k, ptrdiff_t hidden, int isa);

/// Runs `count` (1 or 2) chained layers on pixels [n_begin, n_end) of one image: x is [k][ldx], y is
/// [m_last][ldy]; pixel p reads x[i·ldx + p] and writes y[o·ldy + p], for the last layer's output
/// channels o in [m_begin, m_end) only (a first layer of a chain computes all its rows; a caller splits
/// a small map's work over channel blocks as well as pixel strips). `scratch`: 64-byte aligned,
/// gc_pw_scratch_count floats. n_begin any pixel (the range is cut into strips of gc_pw_strip from there;
/// a caller may cut a map into narrower strips, one call each); m_begin a multiple of
/// GC_PW_PANEL_ROWS, m_end ≤ m of the last layer. `packed_ready`: the scratch already holds this very
/// strip's packed (transformed) input from the previous call with the same x, input and scratch — a
/// single layer on a single strip (with its narrow tail, gc_pw_tail) only (otherwise ignored); the caller tiling one strip into channel
/// blocks then packs it (its stencil, LayerNorm, …) once, not once per block.
void gc_pw_run_f32(const float *x, ptrdiff_t ldx, const gc_pw_input *input, const gc_pw_layer *layers, int count,
                   float *y, ptrdiff_t ldy, ptrdiff_t n_begin, ptrdiff_t n_end, ptrdiff_t m_begin, ptrdiff_t m_end,
                   int packed_ready, float *scratch, int isa);

/// Number of CVectorMath's kernels chosen by level (vector_math_kernels.h: pointwise, GELU, circular copies).
ptrdiff_t gc_vector_math_kernel_count(void);
/// Kernel `index` (< gc_vector_math_kernel_count()), in list order.
gc_kernel_info gc_vector_math_kernel_at(ptrdiff_t index);
/// The name of the pointwise kernel gc_pw_run_f32 runs at level `isa`.
const char *gc_pw_kernel_name(int isa);

#endif
