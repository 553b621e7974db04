// Scalar forms of the Float activations shared by VectorMath.c (whole-array passes) and pointwise.c (GEMM
// epilogues). Branch-free, so loops calling them vectorise in whichever target function inlines them.
#ifndef GLOBALCONV_ACTIVATION_INLINE_H
#define GLOBALCONV_ACTIVATION_INLINE_H
#include <stdint.h>
#include <string.h>
#include <math.h>

/* expf by range reduction x = k·ln2 + r, |r| ≤ ln2/2, a degree-6 polynomial for e^r (Cephes
   coefficients, ~1 ulp) and a scale by 2^k built in the exponent bits. Inputs above 88.72 give +inf,
   below −103.97 give 0 (via a two-step scale so subnormals come out right enough). */
static inline float gc_expf(float x) {
    const float hi = 88.7228394f, lo = -103.972076f;
    float xc = x > hi ? hi : (x < lo ? lo : x);
    float k = __builtin_roundevenf(xc * 1.44269504088896341f);
    float r = xc - k * 0.693359375f;
    r = r - k * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    /* 2^k in two halves so k down to −150 stays representable. */
    int32_t ki = (int32_t)k;
    int32_t k1 = ki / 2, k2 = ki - k1;
    int32_t b1 = (k1 + 127) << 23, b2 = (k2 + 127) << 23;
    float s1, s2;
    memcpy(&s1, &b1, 4);
    memcpy(&s2, &b2, 4);
    float y = p * s1 * s2;
    y = x > hi ? INFINITY : y;
    y = x < lo ? 0.0f : y;
    return x != x ? x : y;
}

/* 0.5·x·(1 + erf(x/√2)), erf as PyTorch's vectorised CPU kernel (Abramowitz & Stegun 7.1.26). */
static inline float gc_gelu(float v) {
    float z = v * 0.70710678118654752440f;
    float a = fabsf(z);
    float t = 1.0f / (0.3275911f * a + 1.0f);
    float r = ((((1.061405429f * t - 1.453152027f) * t + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f);
    float e = 1.0f - r * t * gc_expf(-z * z);
    float erfz = copysignf(e, z);
    return v * 0.5f * (1.0f + erfz);
}

/* x / (1 + exp(−x)). */
static inline float gc_silu(float v) { return v / (1.0f + gc_expf(-v)); }

/* max(x, 0), NaN kept. */
static inline float gc_relu(float v) { return v > 0.0f ? v : (v != v ? v : 0.0f); }

#endif
