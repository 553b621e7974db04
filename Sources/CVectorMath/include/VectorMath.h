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

#endif
