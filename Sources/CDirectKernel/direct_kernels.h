// The instantiated kernels of CDirectKernel, one line each: the names a profiler shows (grep one to find
// this list, then its definition). Each entry is X(name, element type, dispatch-table slot, level).
// direct_kernel.c and line_kernel.c define the functions (the general and aligned kernels by including
// their body once per entry with GC_KERNEL set to the name, the row-reuse kernels by GC_DEFINE_RR over
// GC_DIRECT_ROWS_KERNELS) and build from these lists the per-level dispatch tables and the list that
// gc_direct_kernel_count / gc_direct_kernel_info give to tests: a name missing here cannot be dispatched
// to, a name listed but not defined does not compile.
#ifndef GLOBALCONV_DIRECT_KERNELS_H
#define GLOBALCONV_DIRECT_KERNELS_H
#include "CCPUFeatures.h"

// The general kernel (direct_kernel_body.h): 8-row register tiles × one vector of output columns.
#define GC_DIRECT_GENERAL_PORTABLE(X)                                                                     \
    X(gc_f32_dw_portable, float, plane_f32, GC_ISA_PORTABLE)                                              \
    X(gc_f64_dw_portable, double, plane_f64, GC_ISA_PORTABLE)

#ifdef GC_X86
#define GC_DIRECT_GENERAL_X86(X)                                                                          \
    X(gc_f32_dw_avx2, float, plane_f32, GC_ISA_AVX2)                                                      \
    X(gc_f64_dw_avx2, double, plane_f64, GC_ISA_AVX2)                                                     \
    X(gc_f32_dw_avx512, float, plane_f32, GC_ISA_AVX512)                                                  \
    X(gc_f64_dw_avx512, double, plane_f64, GC_ISA_AVX512)

// The aligned-window kernel (direct_kernel_aligned.h): dilation_w == 1, kernel_w > 1, aligned source.
#define GC_DIRECT_ALIGNED_KERNELS(X)                                                                      \
    X(gc_f32_dw_aligned_avx512, float, aligned_f32, GC_ISA_AVX512)                                        \
    X(gc_f64_dw_aligned_avx512, double, aligned_f64, GC_ISA_AVX512)

// The wide-kernel kernel (direct_kernel_wide.h), single precision: dilation 1, a kernel much wider than the data.
#define GC_DIRECT_WIDE_KERNELS(X)                                                                         \
    X(gc_f32_dw_wide_avx512, float, wide_f32, GC_ISA_AVX512)

// The row-reuse kernels (direct_kernel_rows.h), single precision, one per kernel width 2…16.
#define GC_DIRECT_ROWS_KERNELS(X)                                                                         \
    X(gc_f32_dw_rows2_avx512, 2) X(gc_f32_dw_rows3_avx512, 3) X(gc_f32_dw_rows4_avx512, 4)                \
    X(gc_f32_dw_rows5_avx512, 5) X(gc_f32_dw_rows6_avx512, 6) X(gc_f32_dw_rows7_avx512, 7)                \
    X(gc_f32_dw_rows8_avx512, 8) X(gc_f32_dw_rows9_avx512, 9) X(gc_f32_dw_rows10_avx512, 10)              \
    X(gc_f32_dw_rows11_avx512, 11) X(gc_f32_dw_rows12_avx512, 12) X(gc_f32_dw_rows13_avx512, 13)          \
    X(gc_f32_dw_rows14_avx512, 14) X(gc_f32_dw_rows15_avx512, 15) X(gc_f32_dw_rows16_avx512, 16)

// The dilated row-reuse kernels (direct_kernel_rows.h), single precision, one per (kernel width, dilation)
// of the models' dilated depthwise convolutions (VAN's LKA, MogaNet's multi-order convolutions); other
// dilated kernels run the general kernel.
#define GC_DIRECT_DILATED_KERNELS(X)                                                                      \
    X(gc_f32_dw_rows5d2_avx512, 5, 2) X(gc_f32_dw_rows7d3_avx512, 7, 3)

// The line kernels (line_kernel.c), single precision: a taps × 1 or 1 × taps kernel, and ParC's rows.
#define GC_LINE_KERNELS(X)                                                                                \
    X(gc_f32_line_avx512, line, GC_ISA_AVX512)                                                            \
    X(gc_f32_line_rows_avx512, line_rows, GC_ISA_AVX512)
#else
#define GC_DIRECT_GENERAL_X86(X)
#define GC_DIRECT_ALIGNED_KERNELS(X)
#define GC_DIRECT_WIDE_KERNELS(X)
#define GC_DIRECT_ROWS_KERNELS(X)
#define GC_DIRECT_DILATED_KERNELS(X)
#define GC_LINE_KERNELS(X)
#endif

// Every direct kernel except the row-reuse ones (those are listed by kernel width).
#define GC_DIRECT_KERNELS(X) GC_DIRECT_GENERAL_PORTABLE(X) GC_DIRECT_GENERAL_X86(X) GC_DIRECT_ALIGNED_KERNELS(X) \
    GC_DIRECT_WIDE_KERNELS(X)

#endif
