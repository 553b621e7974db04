#include "VectorMath.h"
#include <stdint.h>
#include <string.h>
#include <math.h>

#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
/* Sanitizer builds (swift test --sanitize=…, Docs/reliability.md): target_clones' ifunc resolvers run
   during relocation, before the sanitizer runtime is up, and the instrumented resolver crashes. */
#define GC_NO_CLONES 1
#endif
#endif

#if defined(__x86_64__) && defined(__clang__) && !defined(GC_NO_CLONES)
#define GC_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define GC_CLONES
#endif

/* expf by range reduction x = k·ln2 + r, |r| ≤ ln2/2, a degree-6 polynomial for e^r (Cephes
   coefficients, ~1 ulp) and a scale by 2^k built in the exponent bits. Inputs above 88.72 give +inf,
   below −103.97 give 0 (via a two-step scale so subnormals come out right enough). Branch-free, so the
   loops calling it vectorise. */
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

GC_CLONES
void gc_exp_f32(const float *x, float *y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = gc_expf(x[i]);
}

GC_CLONES
void gc_gelu_f32(float *x, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        float z = v * 0.70710678118654752440f;
        float a = fabsf(z);
        float t = 1.0f / (0.3275911f * a + 1.0f);
        float r = ((((1.061405429f * t - 1.453152027f) * t + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f);
        float e = 1.0f - r * t * gc_expf(-z * z);
        float erfz = copysignf(e, z);
        x[i] = v * 0.5f * (1.0f + erfz);
    }
}

GC_CLONES
void gc_silu_f32(float *x, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        x[i] = v / (1.0f + gc_expf(-v));
    }
}
