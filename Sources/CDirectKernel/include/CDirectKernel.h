#ifndef GLOBALCONV_CDIRECTKERNEL_H
#define GLOBALCONV_CDIRECTKERNEL_H

#include <stddef.h>
#include "CCPUFeatures.h"

/// One plane of a zero-free stride-1 cross-correlation (GlobalConv's `DirectKernel2D`):
///   out[i*out_w + j] = bias + sum_{u<kernel_h} sum_{v<kernel_w} w[u*kernel_w + v]
///                              * src[(i + dilation_h*u)*src_stride + j + dilation_w*v]
/// for i < out_h, j < out_w. The source holds at least out_h + dilation_h*(kernel_h-1) rows of at least
/// out_w + dilation_w*(kernel_w-1) readable samples; only rows [data_row_begin, data_row_end) and columns
/// [data_col_begin, data_col_end) may be non-zero, and a tap whose reads for a whole register tile miss
/// them is skipped. All extents >= 1 (data ranges may be empty).
typedef struct {
    ptrdiff_t kernel_h, kernel_w;
    ptrdiff_t dilation_h, dilation_w;
    ptrdiff_t out_h, out_w;
    ptrdiff_t src_stride;
    ptrdiff_t data_row_begin, data_row_end;
    ptrdiff_t data_col_begin, data_col_end;
} gc_direct_plane;

/// Instruction-set levels: `isa` arguments are gc_isa values of CCPUFeatures.h (GC_ISA_PORTABLE,
/// GC_ISA_AVX2, GC_ISA_AVX512; gc_cpu_best_isa() is the CPU's). A level above what the CPU runs runs as
/// the highest supported one. At GC_ISA_AVX512 the aligned-window and row-reuse kernels run on sources
/// that suit them (gc_direct_source_stride).

/// Single precision at instruction-set level `isa`; reentrant (no state besides the arguments).
void gc_direct_correlate_f32(const gc_direct_plane *plane, const float *src, const float *w, float bias, float *out,
                             int isa);
/// Double precision at instruction-set level `isa`; reentrant.
void gc_direct_correlate_f64(const gc_direct_plane *plane, const double *src, const double *w, double bias,
                             double *out, int isa);

/// The row stride (in elements, sources 64-byte aligned) at which the fastest kernel of level `isa` runs
/// on planes with these output width and kernel columns, or 0 when any stride >= out_w +
/// dilation_w*(kernel_w-1) is as fast. Any valid source works with either function; this is only about speed.
ptrdiff_t gc_direct_source_stride(ptrdiff_t out_w, ptrdiff_t kernel_w, ptrdiff_t dilation_w, ptrdiff_t element_size,
                                  int isa);

/// A single-precision correlation along one axis of a plane (ParC's global L×1 and 1×L kernels):
///   out[i*out_w + j] = bias + sum_{k<taps} w[k] * src[i*src_stride + j + k*tap_step]
/// for i < out_h, j < out_w, with tap_step = src_stride for a taps×1 kernel (down the columns) or 1 for a
/// 1×taps kernel (along the rows); the source holds every sample those sums read. Same arithmetic and order
/// as gc_direct_correlate_f32 at level AVX-512 (bit-identical results), register-blocked for one-line
/// kernels. Returns 1 when done, 0 (nothing written) when the level `isa` clamps to is below AVX-512: the
/// caller then runs gc_direct_correlate_f32. Reentrant.
int gc_line_correlate_f32(const float *src, ptrdiff_t src_stride, ptrdiff_t tap_step, ptrdiff_t out_h, ptrdiff_t out_w,
                          const float *w, ptrdiff_t taps, float bias, float *out, int isa);

/// ParC's single-precision correlation along the rows of one h×w plane, at level AVX-512:
///   out[i*w + j] = bias + sum_{k<w} wt[k] * (x[i*w + (j+k) mod w] + add[(j+k) mod w])
/// (no `add` when it is NULL), each sum in gc_line_correlate_f32's arithmetic and order, so bit-identical to
/// the general kernel on the periodic extension. Computed on the transpose (transpose with the addition,
/// extend, the taps×1 line kernel down the columns, transpose back: the 1×taps form's shifted unaligned
/// loads ran at half the rate). `scratch` holds gc_line_rows_scratch_count(h, w) floats.
/// Returns 1 when done, 0 (nothing written) when the level `isa` clamps to is below AVX-512. Reentrant.
int gc_line_correlate_rows_f32(const float *x, ptrdiff_t h, ptrdiff_t w, const float *add, const float *wt, float bias,
                               float *scratch, float *out, int isa);
/// Floats of scratch gc_line_correlate_rows_f32 needs for an h×w plane.
ptrdiff_t gc_line_rows_scratch_count(ptrdiff_t h, ptrdiff_t w);

/// Number of instantiated kernels of this target (the lists of direct_kernels.h: general, aligned-window,
/// row-reuse and line kernels).
ptrdiff_t gc_direct_kernel_count(void);
/// Kernel `index` (< gc_direct_kernel_count()), in list order.
gc_kernel_info gc_direct_kernel_at(ptrdiff_t index);
/// The name of the kernel gc_direct_correlate_f32 (element_size 4) or _f64 (8) runs for these arguments.
const char *gc_direct_kernel_name(const gc_direct_plane *plane, const void *src, ptrdiff_t element_size, int isa);

#endif
