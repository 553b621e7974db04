// Vector GELU for AVX-512 and AVX2 (x86-64 only), the same formula as gc_gelu in activation_inline.h:
//   GELU(v) = 0.5·v·(1 + erf(v/√2)),  erf(z) = sign(z)·(1 − r(t)·t·exp(−z²)),  t = 1/(1 + p·|z|)
// (Abramowitz & Stegun 7.1.26, PyTorch's vectorised CPU kernel). Two evaluation shortcuts, each far
// inside the formula's own error (|Δerf| ≤ 1.5e-7):
//   - t from the hardware reciprocal estimate refined by one Newton step (relative error ≤ 2^-24 plus
//     two roundings) instead of a division;
//   - |z| clamped at 16 for t (erf(±16) = ±1 in Float whatever t is; keeps t finite for infinite v);
//   - exp(x) for x = −z² ≤ 0 without the overflow and NaN branches gc_expf needs for general x: x is
//     clamped at −104 (below, exp underflows to zero and 1 − r·t·exp is 1 exactly either way); the 2^k
//     scale by vscalefps (AVX-512) or, on AVX2, by the exponent bits after clamping x at −87.33 (k ≥ −126),
//     where exp(x) < 1.2e-38 again leaves 1 − r·t·exp = 1 exactly.
// NaN stays NaN (through v), +inf gives +inf, −inf gives NaN, as gc_gelu.
#ifndef GLOBALCONV_ACTIVATION_X86_H
#define GLOBALCONV_ACTIVATION_X86_H
#if defined(__x86_64__)
#include <immintrin.h>
#include "CCPUFeatures.h"

GC_TARGET_AVX512 static inline __m512 gc_gelu_avx512(__m512 v) {
    const __m512 one = _mm512_set1_ps(1.0f);
    const __m512 z = _mm512_mul_ps(v, _mm512_set1_ps(0.70710678118654752440f));
    const __m512 a = _mm512_min_ps(_mm512_abs_ps(z), _mm512_set1_ps(16.0f));   // beyond, erf = ±1 exactly
    const __m512 d = _mm512_fmadd_ps(_mm512_set1_ps(0.3275911f), a, one);
    const __m512 t0 = _mm512_rcp14_ps(d);
    const __m512 t = _mm512_mul_ps(t0, _mm512_fnmadd_ps(d, t0, _mm512_set1_ps(2.0f)));
    __m512 r = _mm512_fmadd_ps(_mm512_set1_ps(1.061405429f), t, _mm512_set1_ps(-1.453152027f));
    r = _mm512_fmadd_ps(r, t, _mm512_set1_ps(1.421413741f));
    r = _mm512_fmadd_ps(r, t, _mm512_set1_ps(-0.284496736f));
    r = _mm512_fmadd_ps(r, t, _mm512_set1_ps(0.254829592f));
    // exp(x), x = −z² ∈ [−104, 0].
    const __m512 x = _mm512_max_ps(_mm512_mul_ps(_mm512_sub_ps(_mm512_setzero_ps(), z), z), _mm512_set1_ps(-104.0f));
    const __m512 k = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 f = _mm512_fnmadd_ps(k, _mm512_set1_ps(0.693359375f), x);
    f = _mm512_fnmadd_ps(k, _mm512_set1_ps(-2.12194440e-4f), f);
    __m512 p = _mm512_fmadd_ps(_mm512_set1_ps(1.9875691500e-4f), f, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_add_ps(_mm512_fmadd_ps(_mm512_mul_ps(p, f), f, f), one);
    const __m512 ex = _mm512_scalef_ps(p, k);
    const __m512 e = _mm512_fnmadd_ps(_mm512_mul_ps(r, t), ex, one);           // 1 − r·t·exp ≥ 0
    const __m512i sign = _mm512_and_epi32(_mm512_castps_si512(z), _mm512_set1_epi32((int)0x80000000u));
    const __m512 erfz = _mm512_castsi512_ps(_mm512_or_epi32(_mm512_castps_si512(e), sign));
    return _mm512_mul_ps(_mm512_mul_ps(v, _mm512_set1_ps(0.5f)), _mm512_add_ps(one, erfz));
}

GC_TARGET_AVX2 static inline __m256 gc_gelu_avx2(__m256 v) {
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 signmask = _mm256_castsi256_ps(_mm256_set1_epi32((int)0x80000000u));
    const __m256 z = _mm256_mul_ps(v, _mm256_set1_ps(0.70710678118654752440f));
    const __m256 a = _mm256_min_ps(_mm256_andnot_ps(signmask, z), _mm256_set1_ps(16.0f));
    const __m256 d = _mm256_fmadd_ps(_mm256_set1_ps(0.3275911f), a, one);
    const __m256 t0 = _mm256_rcp_ps(d);
    __m256 t = _mm256_mul_ps(t0, _mm256_fnmadd_ps(d, t0, _mm256_set1_ps(2.0f)));
    t = _mm256_mul_ps(t, _mm256_fnmadd_ps(d, t, _mm256_set1_ps(2.0f)));      // rcp_ps is 12 bits: two steps
    __m256 r = _mm256_fmadd_ps(_mm256_set1_ps(1.061405429f), t, _mm256_set1_ps(-1.453152027f));
    r = _mm256_fmadd_ps(r, t, _mm256_set1_ps(1.421413741f));
    r = _mm256_fmadd_ps(r, t, _mm256_set1_ps(-0.284496736f));
    r = _mm256_fmadd_ps(r, t, _mm256_set1_ps(0.254829592f));
    const __m256 x = _mm256_max_ps(_mm256_mul_ps(_mm256_sub_ps(_mm256_setzero_ps(), z), z), _mm256_set1_ps(-87.33f));
    const __m256 k = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 f = _mm256_fnmadd_ps(k, _mm256_set1_ps(0.693359375f), x);
    f = _mm256_fnmadd_ps(k, _mm256_set1_ps(-2.12194440e-4f), f);
    __m256 p = _mm256_fmadd_ps(_mm256_set1_ps(1.9875691500e-4f), f, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_add_ps(_mm256_fmadd_ps(_mm256_mul_ps(p, f), f, f), one);
    const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(127)), 23);
    const __m256 ex = _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
    const __m256 e = _mm256_fnmadd_ps(_mm256_mul_ps(r, t), ex, one);
    const __m256 erfz = _mm256_or_ps(e, _mm256_and_ps(z, signmask));
    return _mm256_mul_ps(_mm256_mul_ps(v, _mm256_set1_ps(0.5f)), _mm256_add_ps(one, erfz));
}

/// dst[i] = GELU(src[i]) over n floats (dst may be src).
GC_TARGET_AVX512 static inline void gc_gelu_to_avx512(const float *src, float *dst, ptrdiff_t n) {
    ptrdiff_t i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(dst + i, gc_gelu_avx512(_mm512_loadu_ps(src + i)));
    if (i < n) {
        const __mmask16 m = (__mmask16)((1u << (n - i)) - 1u);
        _mm512_mask_storeu_ps(dst + i, m, gc_gelu_avx512(_mm512_maskz_loadu_ps(m, src + i)));
    }
}

GC_TARGET_AVX2 static inline void gc_gelu_to_avx2(const float *src, float *dst, ptrdiff_t n) {
    ptrdiff_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, gc_gelu_avx2(_mm256_loadu_ps(src + i)));
    if (i < n) {
        float tail[8] = {0};
        for (ptrdiff_t j = i; j < n; j++) tail[j - i] = src[j];
        _mm256_storeu_ps(tail, gc_gelu_avx2(_mm256_loadu_ps(tail)));
        for (ptrdiff_t j = i; j < n; j++) dst[j] = tail[j - i];
    }
}

#endif
#endif
