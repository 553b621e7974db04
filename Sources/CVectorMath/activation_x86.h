// Vector GELU for AVX-512 and AVX2 (x86-64 only): GELU(v) = 0.5·v·(1 + erf(v/√2)), PyTorch's exact
// (not tanh) GELU, with erf evaluated two ways.
//
// AVX-512 (gc_gelu_avx512): erf(|z|) from a piecewise polynomial, sign restored. [0, 4) is cut into 32
// intervals [i/8, (i+1)/8); on each, a degree-5 polynomial in t = |z| − i/8 (gc_erf_table, made and
// documented by Fixtures/erf_table.py: least squares at Chebyshev nodes, near-minimax), its six
// coefficients picked per lane by a two-register permute (vpermt2ps) and evaluated by Horner's rule.
// The fit's error is ≤ 2.9e-8 in double with the float coefficients; with Horner's five fused steps in
// float, |Δerf| ≤ 6e-8 measured over 2·10^6 points of [−12, 12] — within the 1.5e-7 of the formula
// below, so the documented GELU bound (Docs/numerics.md) holds for both. |z| ≥ 3.92 gives erf = ±1
// exactly (erf(3.92) is within half an ulp of 1), as PyTorch's float erf. No exponential and no
// reciprocal: 0.28 → 0.15 ns per value at one thread (clang -O3, 2-vCPU AMD EPYC Zen 5), the GELU of
// every hidden map of VAN, MogaNet, ConvNeXt and the ConvFFNs.
//
// AVX2 (gc_gelu_avx2) and the scalar gc_gelu (activation_inline.h): PyTorch's vectorised CPU formula,
//   erf(z) = sign(z)·(1 − r(t)·t·exp(−z²)),  t = 1/(1 + p·|z|)   (Abramowitz & Stegun 7.1.26, |Δerf| ≤ 1.5e-7)
// (a 32-entry table costs AVX2 four permutes and three blends per coefficient), with two evaluation
// shortcuts, each far inside the formula's own error:
//   - t from the hardware reciprocal estimate refined by Newton steps instead of a division;
//   - |z| clamped at 16 for t (erf(±16) = ±1 in Float whatever t is; keeps t finite for infinite v);
//   - exp(x) for x = −z² ≤ 0 by the exponent bits after clamping x at −87.33 (k ≥ −126), where
//     exp(x) < 1.2e-38 leaves 1 − r·t·exp = 1 exactly.
// NaN stays NaN (through v), +inf gives +inf, −inf gives NaN, −0 gives −0, as PyTorch and gc_gelu.
#ifndef GLOBALCONV_ACTIVATION_X86_H
#define GLOBALCONV_ACTIVATION_X86_H
#if defined(__x86_64__)
#include <immintrin.h>
#include "CCPUFeatures.h"

// gc_erf_table[j][i]: the coefficient of t^(5−j) on interval i of gc_gelu_avx512's erf (Fixtures/erf_table.py
// prints it).
static const float gc_erf_table[6][32] __attribute__((aligned(64))) = {
    {1.104655787e-01f, 9.365908056e-02f, 6.358928233e-02f, 2.639192529e-02f, -1.079743821e-02f, -4.157821089e-02f, -6.165374815e-02f, -6.949186325e-02f, -6.619478017e-02f, -5.474723876e-02f, -3.896529973e-02f, -2.248971350e-02f, -8.075923659e-03f, 2.715130337e-03f, 9.461958893e-03f, 1.258938387e-02f, 1.298797317e-02f, 1.166908070e-02f, 9.524964727e-03f, 7.209762465e-03f, 5.119877867e-03f, 3.436003812e-03f, 2.190017141e-03f, 1.330355299e-03f, 7.722335868e-04f, 4.291988735e-04f, 2.287585085e-04f, 1.170736068e-04f, 5.759000123e-05f, 2.725321792e-05f, 1.241715290e-05f, 5.445599072e-06f},
    {4.442444188e-04f, 7.027899474e-02f, 1.293512136e-01f, 1.692762673e-01f, 1.855939329e-01f, 1.783867180e-01f, 1.517911702e-01f, 1.126421392e-01f, 6.870716065e-02f, 2.701575309e-02f, -7.323247846e-03f, -3.163132817e-02f, -4.553157091e-02f, -5.037477985e-02f, -4.847708717e-02f, -4.239960015e-02f, -3.441856802e-02f, -2.623841539e-02f, -1.892241277e-02f, -1.297297515e-02f, -8.484620601e-03f, -5.307185464e-03f, -3.181118052e-03f, -1.829949440e-03f, -1.011510147e-03f, -5.377774942e-04f, -2.752268920e-04f, -1.356854045e-04f, -6.447348278e-05f, -2.954281081e-05f, -1.305984642e-05f, -5.570506346e-06f},
    {-3.761587441e-01f, -3.588281870e-01f, -3.093261421e-01f, -2.350509465e-01f, -1.466255486e-01f, -5.579458177e-02f, 2.671978064e-02f, 9.291007370e-02f, 1.384019107e-01f, 1.625154167e-01f, 1.676114649e-01f, 1.580106169e-01f, 1.388117224e-01f, 1.148822829e-01f, 9.018080682e-02f, 6.744955480e-02f, 4.822087288e-02f, 3.302928060e-02f, 2.171407267e-02f, 1.372018829e-02f, 8.341243491e-03f, 4.883576185e-03f, 2.755480586e-03f, 1.499242731e-03f, 7.870155969e-04f, 3.987677046e-04f, 1.950939477e-04f, 9.219235653e-05f, 4.209162580e-05f, 1.857178358e-05f, 7.920702956e-06f, 3.265816758e-06f},
    {1.010796609e-06f, -1.388575435e-01f, -2.649989426e-01f, -3.676271737e-01f, -4.393865764e-01f, -4.771836400e-01f, -4.821963310e-01f, -4.591515660e-01f, -4.151085019e-01f, -3.580600619e-01f, -2.956536114e-01f, -2.342468202e-01f, -1.783971637e-01f, -1.307686269e-01f, -9.235692024e-02f, -6.289866567e-02f, -4.133390263e-02f, -2.622400224e-02f, -1.606990956e-02f, -9.515082464e-03f, -5.445452873e-03f, -3.012973117e-03f, -1.612120075e-03f, -8.343109512e-04f, -4.176988732e-04f, -2.023347333e-04f, -9.484369366e-05f, -4.302587695e-05f, -1.889212945e-05f, -8.029782293e-06f, -3.303967105e-06f, -1.316159910e-06f},
    {1.128379107e+00f, 1.110885262e+00f, 1.060014129e+00f, 9.803527594e-01f, 8.787825108e-01f, 7.634994984e-01f, 6.429310441e-01f, 5.247450471e-01f, 4.151075184e-01f, 3.182739913e-01f, 2.365211397e-01f, 1.703597903e-01f, 1.189303100e-01f, 8.047226816e-02f, 5.277500302e-02f, 3.354582936e-02f, 2.066698484e-02f, 1.234081760e-02f, 7.142315619e-03f, 4.006474745e-03f, 2.178281546e-03f, 1.147873001e-03f, 5.862757098e-04f, 2.902272681e-04f, 1.392524136e-04f, 6.475830014e-05f, 2.918880637e-05f, 1.275162140e-05f, 5.399364909e-06f, 2.215889253e-06f, 8.814173498e-07f, 3.398154718e-07f},
    {0.000000000e+00f, 1.403162032e-01f, 2.763263881e-01f, 4.041168988e-01f, 5.204998851e-01f, 6.232408881e-01f, 7.111556530e-01f, 7.840750813e-01f, 8.427007794e-01f, 8.883882165e-01f, 9.229001403e-01f, 9.481700659e-01f, 9.661051631e-01f, 9.784437418e-01f, 9.866716862e-01f, 9.919900298e-01f, 9.953222871e-01f, 9.973459840e-01f, 9.985373020e-01f, 9.992170334e-01f, 9.995930195e-01f, 9.997946024e-01f, 9.998993874e-01f, 9.999521375e-01f, 9.999778867e-01f, 9.999901056e-01f, 9.999957085e-01f, 9.999982119e-01f, 9.999992847e-01f, 9.999997020e-01f, 9.999998808e-01f, 9.999999404e-01f},
};

GC_TARGET_AVX512 static inline __m512 gc_gelu_avx512(__m512 v) {
    const __m512 z = _mm512_mul_ps(v, _mm512_set1_ps(0.70710678118654752440f));
    // |z| below 4 (NaN becomes 3.9999998 here; v carries it to the result).
    const __m512 a = _mm512_min_ps(_mm512_abs_ps(z), _mm512_set1_ps(3.9999998f));
    const __m512 interval = _mm512_roundscale_ps(_mm512_mul_ps(a, _mm512_set1_ps(8.0f)), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    const __m512 t = _mm512_fnmadd_ps(interval, _mm512_set1_ps(0.125f), a);  // exact: a − i/8
    const __m512i i = _mm512_cvttps_epi32(interval);
#define GC_ERF_COEFFICIENT(j) _mm512_permutex2var_ps(_mm512_load_ps(gc_erf_table[j]), i, _mm512_load_ps(gc_erf_table[j] + 16))
    __m512 p = GC_ERF_COEFFICIENT(0);
    p = _mm512_fmadd_ps(p, t, GC_ERF_COEFFICIENT(1));
    p = _mm512_fmadd_ps(p, t, GC_ERF_COEFFICIENT(2));
    p = _mm512_fmadd_ps(p, t, GC_ERF_COEFFICIENT(3));
    p = _mm512_fmadd_ps(p, t, GC_ERF_COEFFICIENT(4));
    p = _mm512_fmadd_ps(p, t, GC_ERF_COEFFICIENT(5));
#undef GC_ERF_COEFFICIENT
    p = _mm512_mask_mov_ps(p, _mm512_cmp_ps_mask(a, _mm512_set1_ps(3.92f), _CMP_GE_OQ), _mm512_set1_ps(1.0f));
    const __m512i sign = _mm512_and_epi32(_mm512_castps_si512(z), _mm512_set1_epi32((int)0x80000000u));
    const __m512 erfz = _mm512_castsi512_ps(_mm512_or_epi32(_mm512_castps_si512(p), sign));
    return _mm512_mul_ps(_mm512_mul_ps(v, _mm512_set1_ps(0.5f)), _mm512_add_ps(_mm512_set1_ps(1.0f), erfz));
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
