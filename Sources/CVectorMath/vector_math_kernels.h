// The instantiated kernels of CVectorMath that are chosen by level, one line each: the names a profiler
// shows (grep one to find this list, then its definition). Each entry is X(name, dispatch-table slot,
// level, …). pointwise.c, VectorMath.c and circular.c define the functions (the pointwise kernel by
// including pointwise_body.h once per entry with GC_KERNEL set to the name) and build from these lists
// their per-level dispatch tables and the list gc_vector_math_kernel_count / gc_vector_math_kernel_at
// give to tests: a name missing here cannot be dispatched to, a name listed but not defined does not
// compile. (The element-wise passes marked GC_CLONES are not listed: the loader picks their clone.)
#ifndef GLOBALCONV_VECTOR_MATH_KERNELS_H
#define GLOBALCONV_VECTOR_MATH_KERNELS_H
#include "CCPUFeatures.h"

// The most pixels after a whole AVX-512 strip that the fused 1×1 kernel runs with it (pointwise_body.h's
// _tile_narrow: 8 accumulators per vector of weights).
#define GC_PW_NARROW_TAIL 8
// The fused 1×1 convolution (pointwise_body.h): X(name, run, level, pixels per strip, pixels of a narrow
// tail run with the strip before it: GC_PW_NARROW_TAIL, 0 where the level has no _tile_narrow, floats per
// vector).
// Levels without an entry of their own run the portable versions.
#define GC_POINTWISE_PORTABLE(X) X(gc_f32_pw_portable, run, GC_ISA_PORTABLE, 8, 0, 4)
// GELU over an array (VectorMath.c, activation_x86.h): X(name, gelu, level).
#define GC_GELU_PORTABLE(X) X(gc_f32_gelu_portable, gelu, GC_ISA_PORTABLE)
// The copies of the circular FFT path (circular.c): X(name, slot, level).
#define GC_CIRCULAR_PORTABLE(X)                                                                           \
    X(gc_f32_add_rows_portable, add_rows, GC_ISA_PORTABLE)                                                \
    X(gc_f32_interleave_pair_portable, interleave_pair, GC_ISA_PORTABLE)                                  \
    X(gc_f32_deinterleave_pair_portable, deinterleave_pair, GC_ISA_PORTABLE)                              \
    X(gc_f32_copy_rows_portable, copy_rows, GC_ISA_PORTABLE)                                              \
    X(gc_f32_crop_portable, crop, GC_ISA_PORTABLE)

// The same copies in double precision (circular.c): X(name, slot, level). One portable version each,
// which every level runs; each mirrors its single-precision entry value for value, except that a copy
// without an addend copies (no `+ 0`, which would turn −0 into +0), and is what the Double FFT paths run.
#define GC_CIRCULAR_F64_PORTABLE(X)                                                                       \
    X(gc_f64_add_rows_portable, add_rows, GC_ISA_PORTABLE)                                                \
    X(gc_f64_interleave_pair_portable, interleave_pair, GC_ISA_PORTABLE)                                  \
    X(gc_f64_deinterleave_pair_portable, deinterleave_pair, GC_ISA_PORTABLE)                              \
    X(gc_f64_copy_rows_portable, copy_rows, GC_ISA_PORTABLE)                                              \
    X(gc_f64_crop_portable, crop, GC_ISA_PORTABLE)

#ifdef GC_X86
#define GC_POINTWISE_X86(X)                                                                               \
    X(gc_f32_pw_avx2, run, GC_ISA_AVX2, 16, 0, 8)                                                             \
    X(gc_f32_pw_avx512, run, GC_ISA_AVX512, 64, GC_PW_NARROW_TAIL, 16)
#define GC_GELU_X86(X)                                                                                    \
    X(gc_f32_gelu_avx2, gelu, GC_ISA_AVX2)                                                                \
    X(gc_f32_gelu_avx512, gelu, GC_ISA_AVX512)
#define GC_CIRCULAR_X86(X)                                                                                \
    X(gc_f32_add_rows_avx512, add_rows, GC_ISA_AVX512)                                                    \
    X(gc_f32_interleave_pair_avx512, interleave_pair, GC_ISA_AVX512)                                      \
    X(gc_f32_deinterleave_pair_avx512, deinterleave_pair, GC_ISA_AVX512)                                  \
    X(gc_f32_copy_rows_avx512, copy_rows, GC_ISA_AVX512)                                                  \
    X(gc_f32_crop_avx512, crop, GC_ISA_AVX512)
#else
#define GC_POINTWISE_X86(X)
#define GC_GELU_X86(X)
#define GC_CIRCULAR_X86(X)
#endif

#define GC_POINTWISE_KERNELS(X) GC_POINTWISE_PORTABLE(X) GC_POINTWISE_X86(X)
#define GC_GELU_KERNELS(X) GC_GELU_PORTABLE(X) GC_GELU_X86(X)
#define GC_CIRCULAR_KERNELS(X) GC_CIRCULAR_PORTABLE(X) GC_CIRCULAR_X86(X)
#define GC_CIRCULAR_F64_KERNELS(X) GC_CIRCULAR_F64_PORTABLE(X)

#endif
