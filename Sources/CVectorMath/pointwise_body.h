// One instruction-set version of the pointwise kernels, included by pointwise.c with GC_TARGET,
// GC_VL (floats per vector), GC_NV (vectors per strip), GC_NAME and GC_GELU_TO(src, dst, n) (GELU of a
// row, dst may be src) defined, and GC_PW_PREFETCH_WEIGHTS once for all levels. A strip is GC_VL·GC_NV pixels; an accumulator tile is GC_PW_PANEL_ROWS output
// channels × one strip, held in GC_PW_PANEL_ROWS·GC_NV vector registers for the whole dot product.

#define GC_NR (GC_VL * GC_NV)
#define GC_MR GC_PW_PANEL_ROWS

typedef float GC_HELPER(_vec) __attribute__((vector_size(GC_VL * 4), aligned(GC_VL * 4)));
typedef float GC_HELPER(_uvec) __attribute__((vector_size(GC_VL * 4), aligned(4)));

typedef int GC_HELPER(_ivec) __attribute__((vector_size(GC_VL * 4), aligned(GC_VL * 4)));
typedef int GC_HELPER(_uivec) __attribute__((vector_size(GC_VL * 4), aligned(4)));

// A stencil row's activation over its GC_NR columns, then its columns from cnt on zeroed (act(0) need not
// be 0; it is for these three).
GC_TARGET static inline __attribute__((always_inline)) void GC_HELPER(_stencil_row_finish)(float *restrict row, ptrdiff_t cnt,
                                                                                        const int act) {
    switch (act) {
    case GC_PW_ACT_GELU: GC_GELU_TO(row, row, GC_NR); break;
    case GC_PW_ACT_RELU: for (int j = 0; j < GC_NR; j++) row[j] = gc_relu(row[j]); break;
    case GC_PW_ACT_SILU: for (int j = 0; j < GC_NR; j++) row[j] = gc_silu(row[j]); break;
    default: break;
    }
    for (ptrdiff_t j = cnt; j < GC_NR; j++) row[j] = 0.0f;
}

#if GC_VL != 16
// P[i][0..GC_NR) = act(b[i] + 3×3 stencil of x[i]) at pixels [n, n+cnt), columns past cnt zero. Each vector
// of pixels [p0, p0 + VL) reads, for tap row u, the samples [p0 + (u−1)·w − 1, p0 + (u−1)·w + VL + 1): one
// contiguous run, as rows are contiguous. Vectors whose pixels all lie in rows 1…h−2 load the runs in
// place; the others (first and last rows, the strip's tail) first copy them into a small buffer with
// the samples outside the image set to 0 (the rows above and below: zero padding). Samples that wrap to
// the neighbouring row (taps v = 0 and 2 at the columns 0 and w−1) are masked to 0 in both cases.
GC_TARGET static void GC_HELPER(_pack_stencil)(const float *x, ptrdiff_t ldx, ptrdiff_t k, ptrdiff_t n, ptrdiff_t cnt,
                                            const gc_pw_input *in, float *P) {
    const ptrdiff_t h = in->stencil_height, w = in->stencil_width;
    int interior[GC_NV];
    GC_HELPER(_ivec) left[GC_NV], right[GC_NV];
    for (int v = 0; v < GC_NV; v++) {
        const ptrdiff_t p0 = n + v * GC_VL, p1 = p0 + GC_VL - 1;
        // Every sample the in-place loads touch (masked or not) lies in this plane, [p0 − w − 1, p1 + w + 1]
        // (so all the vector's pixels lie in rows 1…h−2).
        interior[v] = (v + 1) * GC_VL <= cnt && p0 - w - 1 >= 0 && p1 + w + 1 < h * w;
        for (int j = 0; j < GC_VL; j++) {
            const ptrdiff_t c = (p0 + j) % w;
            left[v][j] = c > 0 ? -1 : 0;
            right[v][j] = c < w - 1 ? -1 : 0;
        }
    }
    for (ptrdiff_t i = 0; i < k; i++) {
        const float *xi = x + i * ldx, *wi = in->stencil_weight + 9 * i;
        const float b = in->stencil_bias ? in->stencil_bias[i] : 0.0f;
        float *restrict row = P + i * GC_NR;
        GC_HELPER(_vec) wv[9];  // the taps, broadcast once per channel
        for (int t = 0; t < 9; t++) wv[t] = (GC_HELPER(_vec)){0} + wi[t];
        for (int v = 0; v < GC_NV; v++) {
            const ptrdiff_t p0 = n + v * GC_VL;
            // runs[u]: the VL + 2 samples tap row u reads, starting one column left of the vector.
            const float *runs[3];
            float copy[3][GC_VL + 2];
            for (int u = 0; u < 3; u++) {
                const ptrdiff_t q0 = p0 + (u - 1) * w - 1;
                if (interior[v]) {
                    runs[u] = xi + q0;
                } else {
                    for (int j = 0; j < GC_VL + 2; j++) copy[u][j] = q0 + j >= 0 && q0 + j < h * w ? xi[q0 + j] : 0.0f;
                    runs[u] = copy[u];
                }
            }
            GC_HELPER(_vec) acc = (GC_HELPER(_vec)){0} + b;
            for (int u = 0; u < 3; u++) {
                const GC_HELPER(_vec) l = (GC_HELPER(_vec))(*(const GC_HELPER(_uivec) *)runs[u] & left[v]);
                const GC_HELPER(_vec) m = *(const GC_HELPER(_uvec) *)(runs[u] + 1);
                const GC_HELPER(_vec) r = (GC_HELPER(_vec))(*(const GC_HELPER(_uivec) *)(runs[u] + 2) & right[v]);
                acc += wv[3 * u] * l;
                acc += wv[3 * u + 1] * m;
                acc += wv[3 * u + 2] * r;
            }
            *(GC_HELPER(_vec) *)(row + v * GC_VL) = acc;
        }
        GC_HELPER(_stencil_row_finish)(row, cnt, in->stencil_activation);
    }
}

#else
// The stencil for AVX-512 (the form above is the other levels'), without an unaligned load per tap: in
// that form each of a vector's nine samples is its own unaligned load, which straddles two cache lines
// whenever it starts off a 64-byte boundary (all of them but one row's centre at most), and those split
// loads — not the products — set the pace on AVX-512: ~20 cycles per vector of 16 outputs on a 56×56
// map, 55 on 14×14 (where the first and last rows take the copying path). Here tap row u of the strip
// is read as the vectors M_−1 … M_NV of samples [b + 16j, b + 16j + 16), b = n + (u − 1)·w, each a
// masked load whose mask keeps the lanes inside the plane (zero padding above and below, and no access
// outside it; M_−1 keeps its last lane, M_NV its first); the left and right neighbours of vector j are
// valignd of M_j−1:M_j and M_j:M_j+1, zero-masked at columns 0 and w − 1.
// Per vector: 4.5 loads (instead of 9) and 6 in-register shifts. The samples, their zeros, the products
// and their order (bias, then u-major, left–centre–right, fused) are exactly those of the generic form
// above and of the direct path, so are the bits.
GC_TARGET static void GC_HELPER(_pack_stencil)(const float *x, ptrdiff_t ldx, ptrdiff_t k, ptrdiff_t n, ptrdiff_t cnt,
                                            const gc_pw_input *in, float *P) {
    const ptrdiff_t h = in->stencil_height, w = in->stencil_width, hw = h * w;
    __mmask16 load[3][GC_NV + 2];  // load[u][j + 1]: the lanes of M_j inside the plane
    __mmask16 left[GC_NV], right[GC_NV];
    ptrdiff_t base[3];
    for (int u = 0; u < 3; u++) {
        base[u] = n + (u - 1) * w;
        for (int j = -1; j <= GC_NV; j++) {
            unsigned m = 0;
            for (int lane = 0; lane < GC_VL; lane++) {
                const ptrdiff_t q = base[u] + j * GC_VL + lane;
                const int needed = j == -1 ? lane == GC_VL - 1 : j == GC_NV ? lane == 0 : 1;
                if (needed && q >= 0 && q < hw) m |= 1u << lane;
            }
            load[u][j + 1] = (__mmask16)m;
        }
    }
    for (int v = 0; v < GC_NV; v++) {
        unsigned l = 0, r = 0;
        for (int lane = 0; lane < GC_VL; lane++) {
            const ptrdiff_t c = (n + v * GC_VL + lane) % w;
            if (c > 0) l |= 1u << lane;
            if (c < w - 1) r |= 1u << lane;
        }
        left[v] = (__mmask16)l;
        right[v] = (__mmask16)r;
    }
    for (ptrdiff_t i = 0; i < k; i++) {
        const uintptr_t xi = (uintptr_t)(x + i * ldx);
        // The samples below the strip that the strip before did not read, two channels ahead (a prefetch
        // never faults: past the last channel it is harmless). 56×56 with GELU, 256 channels: 374 → 340 µs.
        for (int q = 0; q < GC_NR + GC_VL; q += GC_VL)
            __builtin_prefetch((const void *)(xi + (uintptr_t)(2 * ldx + base[2] + q) * 4), 0, 3);
        const float *wi = in->stencil_weight + 9 * i;
        const __m512 b = _mm512_set1_ps(in->stencil_bias ? in->stencil_bias[i] : 0.0f);
        __m512 acc[GC_NV];
        for (int v = 0; v < GC_NV; v++) acc[v] = b;
        for (int u = 0; u < 3; u++) {
            __m512i M[GC_NV + 2];
            for (int j = -1; j <= GC_NV; j++)
                M[j + 1] = _mm512_castps_si512(_mm512_maskz_loadu_ps(load[u][j + 1],
                                                                    (const void *)(xi + (uintptr_t)(base[u] + j * GC_VL) * 4)));
            const __m512 w0 = _mm512_set1_ps(wi[3 * u]), w1 = _mm512_set1_ps(wi[3 * u + 1]), w2 = _mm512_set1_ps(wi[3 * u + 2]);
            for (int v = 0; v < GC_NV; v++) {
                const __m512 l = _mm512_castsi512_ps(_mm512_maskz_alignr_epi32(left[v], M[v + 1], M[v], 15));
                const __m512 r = _mm512_castsi512_ps(_mm512_maskz_alignr_epi32(right[v], M[v + 2], M[v + 1], 1));
                acc[v] = _mm512_fmadd_ps(w0, l, acc[v]);
                acc[v] = _mm512_fmadd_ps(w1, _mm512_castsi512_ps(M[v + 1]), acc[v]);
                acc[v] = _mm512_fmadd_ps(w2, r, acc[v]);
            }
        }
        float *restrict row = P + i * GC_NR;
        for (int v = 0; v < GC_NV; v++) _mm512_store_ps(row + v * GC_VL, acc[v]);
        GC_HELPER(_stencil_row_finish)(row, cnt, in->stencil_activation);
    }
}
#endif

// P[i][0..GC_NR) = x[window_offset[i] + (p / W)·ld + p % W] for the pixels p of [n, n + cnt), columns past
// cnt zero (Pointwise.h's window source). The strip is cut once into runs that stay on one output row; each
// row of P is then those runs copied in turn (a run of a 7-wide map is one masked vector at GC_VL 16).
GC_TARGET static void GC_HELPER(_pack_windows)(const float *x, ptrdiff_t k, ptrdiff_t n, ptrdiff_t cnt,
                                            const gc_pw_input *in, float *P) {
    const ptrdiff_t w = in->window_width, ld = in->window_ld;
    ptrdiff_t run_source[GC_NR], run_length[GC_NR], runs = 0;  // a run's offset in x and its pixels
    for (ptrdiff_t q = 0; q < cnt; runs++) {
        const ptrdiff_t row = (n + q) / w, col = (n + q) - row * w;
        run_source[runs] = row * ld + col;
        run_length[runs] = w - col < cnt - q ? w - col : cnt - q;
        q += run_length[runs];
    }
    for (ptrdiff_t i = 0; i < k; i++) {
        const float *src = x + in->window_offset[i];
        float *dst = P + i * GC_NR;
        for (ptrdiff_t r = 0; r < runs; r++) {
            const float *s = src + run_source[r];
            const ptrdiff_t len = run_length[r];
#if GC_VL == 16
            ptrdiff_t j = 0;
            for (; j + 16 <= len; j += 16) _mm512_storeu_ps(dst + j, _mm512_loadu_ps(s + j));
            if (j < len) {
                const __mmask16 m = (__mmask16)((1u << (len - j)) - 1u);
                _mm512_mask_storeu_ps(dst + j, m, _mm512_maskz_loadu_ps(m, s + j));
            }
#else
            for (ptrdiff_t j = 0; j < len; j++) dst[j] = s[j];
#endif
            dst += len;
        }
        for (ptrdiff_t j = cnt; j < GC_NR; j++) P[i * GC_NR + j] = 0.0f;
    }
}

// P[i][0..GC_NR) = transform(source(x)[i][n .. n+cnt)), columns past cnt zero; the source is x itself, its
// 3×3 stencil or its windows.
GC_TARGET static void GC_HELPER(_pack)(const float *x, ptrdiff_t ldx, ptrdiff_t k, ptrdiff_t n, ptrdiff_t cnt,
                                    const gc_pw_input *in, float *P) {
    if (in->stencil_weight) {
        GC_HELPER(_pack_stencil)(x, ldx, k, n, cnt, in, P);
    } else if (in->window_offset) {
        GC_HELPER(_pack_windows)(x, k, n, cnt, in, P);
    } else if (cnt == GC_NR) {
        for (ptrdiff_t i = 0; i < k; i++) {
            const float *src = x + i * ldx + n;
            for (int v = 0; v < GC_NV; v++)
                *(GC_HELPER(_vec) *)(P + i * GC_NR + v * GC_VL) = *(const GC_HELPER(_uvec) *)(src + v * GC_VL);
        }
    } else {
#if GC_VL == 16
        // A partial strip (a lone-pixel strip's 49 pixels, a map's last strip): whole vectors, then one
        // masked vector, then zeros — no access past the strip's last pixel.
        const ptrdiff_t whole = cnt / GC_VL;
        const __mmask16 tail = (__mmask16)((1u << (cnt % GC_VL)) - 1u);
        for (ptrdiff_t i = 0; i < k; i++) {
            const float *src = x + i * ldx + n;
            float *dst = P + i * GC_NR;
            ptrdiff_t v = 0;
            for (; v < whole; v++) _mm512_store_ps(dst + v * GC_VL, _mm512_loadu_ps(src + v * GC_VL));
            if (v < GC_NV) _mm512_store_ps(dst + v * GC_VL, _mm512_maskz_loadu_ps(tail, src + v * GC_VL));
            for (v++; v < GC_NV; v++) _mm512_store_ps(dst + v * GC_VL, _mm512_setzero_ps());
        }
#else
        for (ptrdiff_t i = 0; i < k; i++) {
            const float *src = x + i * ldx + n;
            float *dst = P + i * GC_NR;
            for (ptrdiff_t j = 0; j < cnt; j++) dst[j] = src[j];
            for (ptrdiff_t j = cnt; j < GC_NR; j++) dst[j] = 0.0f;
        }
#endif
    }
    if (in->mode == GC_PW_INPUT_AFFINE) {
        for (ptrdiff_t i = 0; i < k; i++) {
            const float s = in->scale[i], t = in->shift[i];
            for (int v = 0; v < GC_NV; v++) {
                GC_HELPER(_vec) *p = (GC_HELPER(_vec) *)(P + i * GC_NR + v * GC_VL);
                *p = *p * s + t;
            }
        }
    } else if (in->mode == GC_PW_INPUT_LAYERNORM) {
        const float inv_k = 1.0f / (float)k;
        GC_HELPER(_vec) mean[GC_NV], var[GC_NV];
        for (int v = 0; v < GC_NV; v++) { mean[v] = (GC_HELPER(_vec)){0}; var[v] = (GC_HELPER(_vec)){0}; }
        for (ptrdiff_t i = 0; i < k; i++)
            for (int v = 0; v < GC_NV; v++) mean[v] += *(const GC_HELPER(_vec) *)(P + i * GC_NR + v * GC_VL);
        for (int v = 0; v < GC_NV; v++) mean[v] *= inv_k;
        for (ptrdiff_t i = 0; i < k; i++)
            for (int v = 0; v < GC_NV; v++) {
                const GC_HELPER(_vec) d = *(const GC_HELPER(_vec) *)(P + i * GC_NR + v * GC_VL) - mean[v];
                var[v] += d * d;
            }
        GC_HELPER(_vec) inv[GC_NV];
        for (int v = 0; v < GC_NV; v++)
            for (int j = 0; j < GC_VL; j++) inv[v][j] = 1.0f / __builtin_sqrtf(var[v][j] * inv_k + in->eps);
        for (ptrdiff_t i = 0; i < k; i++) {
            const float g = in->scale[i], b = in->shift[i];
            for (int v = 0; v < GC_NV; v++) {
                GC_HELPER(_vec) *p = (GC_HELPER(_vec) *)(P + i * GC_NR + v * GC_VL);
                *p = (*p - mean[v]) * inv[v] * g + b;
            }
        }
    } else if (in->mode == GC_PW_INPUT_DECOMPOSE) {
        GC_HELPER(_vec) acc[GC_NV];
        for (int v = 0; v < GC_NV; v++) acc[v] = (GC_HELPER(_vec)){0};
        for (ptrdiff_t i = 0; i < k; i++) {
            const float w = in->weight[i];
            for (int v = 0; v < GC_NV; v++) acc[v] += *(const GC_HELPER(_vec) *)(P + i * GC_NR + v * GC_VL) * w;
        }
        float d[GC_NR] __attribute__((aligned(64)));
        for (int v = 0; v < GC_NV; v++) *(GC_HELPER(_vec) *)(d + v * GC_VL) = acc[v] + in->bias;
        GC_GELU_TO(d, d, GC_NR);
        for (ptrdiff_t i = 0; i < k; i++) {
            const float s = in->scale[i];
            for (int v = 0; v < GC_NV; v++) {
                GC_HELPER(_vec) *p = (GC_HELPER(_vec) *)(P + i * GC_NR + v * GC_VL);
                *p = *p + s * (*p - *(const GC_HELPER(_vec) *)(d + v * GC_VL));
            }
        }
    }
}

// T[r][0..nv·GC_VL) = Σ_i w[i][r] · P[i][0..nv·GC_VL) for r < mr (w: one packed panel, k-major): the
// tile's first nv vectors of pixels only, so a strip's short tail (the last strip of a 14×14 map holds
// 4 of 64 pixels) costs a fraction of a full tile.
GC_TARGET static inline __attribute__((always_inline)) void GC_HELPER(_tile)(const float *w, const float *P, ptrdiff_t k,
                                                                           float *T, const int mr, const int nv) {
    GC_HELPER(_vec) acc[GC_MR][GC_NV];
    for (int r = 0; r < GC_MR; r++)
        for (int v = 0; v < GC_NV; v++) acc[r][v] = (GC_HELPER(_vec)){0};
    for (ptrdiff_t i = 0; i < k; i++) {
        GC_HELPER(_vec) xv[GC_NV];
        GC_PW_PREFETCH_WEIGHTS(w, i);
        for (int v = 0; v < GC_NV; v++)
            if (v < nv) xv[v] = *(const GC_HELPER(_vec) *)(P + i * GC_NR + v * GC_VL);
        for (int r = 0; r < GC_MR; r++) {
            if (r < mr) {
                const float a = w[i * GC_MR + r];
                for (int v = 0; v < GC_NV; v++)
                    if (v < nv) acc[r][v] += xv[v] * a;
            }
        }
    }
    for (int r = 0; r < GC_MR; r++)
        if (r < mr)
            for (int v = 0; v < GC_NV; v++)
                if (v < nv) *(GC_HELPER(_vec) *)(T + r * GC_NR + v * GC_VL) = acc[r][v];
}

#if GC_VL >= 8
// _tile for the strip's first GC_NV − 1 vectors, and pixel q (the strip's last, alone in the last vector:
// a 7×7 map is 48 + 1 pixels) as one more accumulator of the panel's 6 weights (8 lanes, the last two
// unused): per i 6·(GC_NV − 1) + 1 products instead of 6·GC_NV. Lane r of the pixel's accumulator sums
// the same products in the same order as _tile (i ascending, fused), so the bits are the same.
typedef float GC_HELPER(_v8) __attribute__((vector_size(32), aligned(4)));
GC_TARGET static inline __attribute__((always_inline)) void GC_HELPER(_tile_pixel)(const float *w, const float *P,
                                                                                 ptrdiff_t k, float *T, const int mr,
                                                                                 ptrdiff_t q) {
    enum { NV = GC_NV - 1 };
    GC_HELPER(_vec) acc[GC_MR][NV];
    GC_HELPER(_v8) px = {0};
    for (int r = 0; r < GC_MR; r++)
        for (int v = 0; v < NV; v++) acc[r][v] = (GC_HELPER(_vec)){0};
    for (ptrdiff_t i = 0; i < k; i++) {
        GC_HELPER(_vec) xv[NV];
        GC_PW_PREFETCH_WEIGHTS(w, i);
        for (int v = 0; v < NV; v++) xv[v] = *(const GC_HELPER(_vec) *)(P + i * GC_NR + v * GC_VL);
        for (int r = 0; r < GC_MR; r++) {
            if (r < mr) {
                const float a = w[i * GC_MR + r];
                for (int v = 0; v < NV; v++) acc[r][v] += xv[v] * a;
            }
        }
        // Eight weights from w + 6i: the last two are the next i's, or past the panel for the last i.
        if (i + 1 < k) px += *(const GC_HELPER(_v8) *)(w + i * GC_MR) * P[i * GC_NR + q];
        else for (int r = 0; r < GC_MR; r++) px[r] += w[i * GC_MR + r] * P[i * GC_NR + q];
    }
    for (int r = 0; r < GC_MR; r++)
        if (r < mr) {
            for (int v = 0; v < NV; v++) *(GC_HELPER(_vec) *)(T + r * GC_NR + v * GC_VL) = acc[r][v];
            T[r * GC_NR + q] = px[r];
        }
}

GC_TARGET static void GC_HELPER(_tile_pixel_any)(const float *w, const float *P, ptrdiff_t k, float *T, int mr, ptrdiff_t q) {
    switch (mr) {
    case 6: GC_HELPER(_tile_pixel)(w, P, k, T, 6, q); break;
    case 5: GC_HELPER(_tile_pixel)(w, P, k, T, 5, q); break;
    case 4: GC_HELPER(_tile_pixel)(w, P, k, T, 4, q); break;
    case 3: GC_HELPER(_tile_pixel)(w, P, k, T, 3, q); break;
    case 2: GC_HELPER(_tile_pixel)(w, P, k, T, 2, q); break;
    default: GC_HELPER(_tile_pixel)(w, P, k, T, 1, q); break;
    }
}
#endif

// _tile with mr and nv as compile-time constants (each combination its own register allocation).
#define GC_TILE_NV(MR)                                                             \
    switch (nv) {                                                                  \
    case GC_NV: GC_HELPER(_tile)(w, P, k, T, MR, GC_NV); break;                    \
    case GC_NV > 1 ? 1 : -1: GC_HELPER(_tile)(w, P, k, T, MR, 1); break;           \
    case GC_NV > 2 ? 2 : -2: GC_HELPER(_tile)(w, P, k, T, MR, 2); break;           \
    case GC_NV > 3 ? 3 : -3: GC_HELPER(_tile)(w, P, k, T, MR, 3); break;           \
    default: GC_HELPER(_tile)(w, P, k, T, MR, GC_NV); break;                       \
    }
GC_TARGET static void GC_HELPER(_tile_any)(const float *w, const float *P, ptrdiff_t k, float *T, int mr, int nv) {
    switch (mr) {
    case 6: GC_TILE_NV(6) break;
    case 5: GC_TILE_NV(5) break;
    case 4: GC_TILE_NV(4) break;
    case 3: GC_TILE_NV(3) break;
    case 2: GC_TILE_NV(2) break;
    default: GC_TILE_NV(1) break;
    }
}
#undef GC_TILE_NV

// The epilogue of output channel o on one tile row t (cnt pixels starting at image pixel p) into dst.
// The common step combinations of the blocks run as one loop over the row (each is the general order
// below with absent steps left out, so the rounding is the same); anything else runs step by step.
#define GC_EPI_LOOP(EXPR) do { for (ptrdiff_t j = 0; j < cnt; j++) { const float v = t[j]; dst[j] = (EXPR); } } while (0)
GC_TARGET static void GC_HELPER(_epilogue)(const gc_pw_layer *L, ptrdiff_t o, float *restrict t, ptrdiff_t p,
                                        ptrdiff_t cnt, float *restrict dst) {
    const float b = L->bias ? L->bias[o] : 0.0f;
    const float *restrict g = L->mul ? L->mul + o * L->ld_mul + p : 0;
    const float *restrict a = L->add ? L->add + o * L->ld_add + p : 0;
    const float *restrict res = L->residual ? L->residual + o * L->ld_residual + p : 0;
    const float rs = L->residual_scale ? L->residual_scale[o] : 1.0f;
    const float as = L->add_scale ? L->add_scale[o] : 1.0f, ah = L->add_shift ? L->add_shift[o] : 0.0f;
    const float sc = L->scale ? L->scale[o] : 1.0f, sh = L->scale ? L->shift[o] : 0.0f;
    enum { B = 1, S = 2, M = 4, A = 8, AA = 16, R = 32, RS = 64 };
    const int f = (L->bias ? B : 0) | (L->scale ? S : 0) | (g ? M : 0) | (a ? A : 0) | (L->add_scale ? AA : 0)
                | (res ? R : 0) | (L->residual_scale ? RS : 0);
    if (L->activation == GC_PW_ACT_NONE) {
        switch (f) {
        case 0: GC_EPI_LOOP(v); return;
        case B: GC_EPI_LOOP(v + b); return;
        case B | M: GC_EPI_LOOP((v + b) * g[j]); return;
        case B | R | RS: GC_EPI_LOOP(res[j] + rs * (v + b)); return;
        case B | R: GC_EPI_LOOP(res[j] + (v + b)); return;
        case B | A | R | RS: GC_EPI_LOOP(res[j] + rs * ((v + b) + a[j])); return;
        case B | A | AA | R | RS: GC_EPI_LOOP(res[j] + rs * ((v + b) + (a[j] * as + ah))); return;
        case S | R: GC_EPI_LOOP(res[j] + (v * sc + sh)); return;
        default: break;
        }
    } else if (L->activation == GC_PW_ACT_GELU && (f & ~(B | S)) == 0) {
        if (f & B) for (ptrdiff_t j = 0; j < cnt; j++) t[j] = t[j] + b;
        if (f & S) for (ptrdiff_t j = 0; j < cnt; j++) t[j] = t[j] * sc + sh;
        GC_GELU_TO(t, dst, cnt);
        return;
    }
    // Step by step.
    if (L->bias) for (ptrdiff_t j = 0; j < cnt; j++) t[j] = t[j] + b;
    if (L->scale) for (ptrdiff_t j = 0; j < cnt; j++) t[j] = t[j] * sc + sh;
    switch (L->activation) {
    case GC_PW_ACT_RELU: for (ptrdiff_t j = 0; j < cnt; j++) t[j] = gc_relu(t[j]); break;
    case GC_PW_ACT_GELU: GC_GELU_TO(t, t, cnt); break;
    case GC_PW_ACT_SILU: for (ptrdiff_t j = 0; j < cnt; j++) t[j] = gc_silu(t[j]); break;
    default: break;
    }
    if (g) for (ptrdiff_t j = 0; j < cnt; j++) t[j] = t[j] * g[j];
    if (a) {
        if (L->add_scale) for (ptrdiff_t j = 0; j < cnt; j++) t[j] = t[j] + (a[j] * as + ah);
        else for (ptrdiff_t j = 0; j < cnt; j++) t[j] = t[j] + a[j];
    }
    if (res) {
        if (L->residual_scale) for (ptrdiff_t j = 0; j < cnt; j++) dst[j] = res[j] + rs * t[j];
        else for (ptrdiff_t j = 0; j < cnt; j++) dst[j] = res[j] + t[j];
    } else {
        for (ptrdiff_t j = 0; j < cnt; j++) dst[j] = t[j];
    }
}
#undef GC_EPI_LOOP

// Rows [m0, m0 + mr) (one panel, mr ≤ GC_MR) of layer L on the strip of cnt pixels at image pixel n whose
// input rows are src (row stride GC_NR): the register tile, then each row's epilogue into y (last layer)
// or the hidden rows H.
GC_TARGET static void GC_HELPER(_panel)(const gc_pw_layer *L, int last, ptrdiff_t m0, int mr, const float *src, ptrdiff_t n,
                                     ptrdiff_t cnt, float *y, ptrdiff_t ldy, float *H, float *T) {
    const int nv = (int)((cnt + GC_VL - 1) / GC_VL);  // vectors holding the strip's pixels
    // Bias (or nothing) only, on a whole strip: stored here, without the general epilogue's call.
    const int plain = cnt == GC_NR && !L->scale && L->activation == GC_PW_ACT_NONE && !L->mul && !L->add && !L->residual;
#if GC_VL >= 8
    if (nv == GC_NV && cnt % GC_VL == 1)  // the last vector holds one pixel (see _tile_pixel)
        GC_HELPER(_tile_pixel_any)(L->packed_weight + m0 * L->k, src, L->k, T, mr, cnt - 1);
    else
#endif
    GC_HELPER(_tile_any)(L->packed_weight + m0 * L->k, src, L->k, T, mr, nv);
    for (int r = 0; r < mr; r++) {
        const ptrdiff_t o = m0 + r;
        float *dst = last ? y + o * ldy + n : H + o * GC_NR;
        if (plain) {
            const GC_HELPER(_vec) *t = (const GC_HELPER(_vec) *)(T + r * GC_NR);
            if (L->bias) {
                const float b = L->bias[o];
                for (int v = 0; v < GC_NV; v++) *(GC_HELPER(_uvec) *)(dst + v * GC_VL) = t[v] + b;
            } else {
                for (int v = 0; v < GC_NV; v++) *(GC_HELPER(_uvec) *)(dst + v * GC_VL) = t[v];
            }
        } else {
            // A hidden row needs the strip's nv vectors only (the next layer reads no more).
            GC_HELPER(_epilogue)(L, o, T + r * GC_NR, n, last ? cnt : nv * GC_VL, dst);
        }
    }
}

#if GC_VL == 16
// A strip of at most GC_PW_NARROW pixels (the last 4 of a 14×14 map's 196) against up to four panels at
// once, vectorised over output channels instead of pixels: vector A holds panel 0's six rows in lanes 0–5
// and panel 1's in lanes 8–13, vector B panels 2 and 3 likewise; each pixel j has one accumulator per
// vector, fed per input channel i by one broadcast of P[i][j]. Per i that is 2·CNT fused products for up to
// 24 rows, where _tile with one vector of pixels needs 24 products and 24 broadcasts (it was a tenth of a
// ConvFFN's time at 14×14 for 2 % of its products); 2·CNT independent sums keep the FMA units busy.
// Lane r of pixel j's accumulator sums w[i][r]·P[i][j] over ascending i, fused, from zero — the same
// products in the same order as _tile, so the same bits. P's rows are GC_VL floats apart here
// (_compact_narrow: 64 apart, each i's broadcasts came from a line of their own). T gets row r (r < 24,
// panel r/6) with row stride GC_VL: columns < CNT the sums, columns CNT…GC_VL − 1 zero.
#define GC_PW_NARROW GC_PW_NARROW_TAIL
// The six weights of input channel i of panel w (null: none) in one half of a vector, 0 in lanes 6 and 7.
#define GC_NARROW_HALF(w, i) ((w) ? _mm256_castps_pd(_mm256_maskz_loadu_ps(0x3F, (w) + (i) * GC_MR)) : _mm256_setzero_pd())
GC_TARGET static inline __attribute__((always_inline)) void GC_HELPER(_tile_narrow)(const float *w0, int panels,
                                                                                  ptrdiff_t k, const float *P, float *T,
                                                                                  const int cnt, const int quad) {
    const ptrdiff_t stride = GC_MR * k;  // floats from one panel to the next
    const float *w[4];
    for (int p = 0; p < 4; p++) w[p] = p < panels ? w0 + p * stride : 0;
    __m512 a[GC_PW_NARROW], b[GC_PW_NARROW];
    for (int j = 0; j < GC_PW_NARROW; j++) a[j] = b[j] = _mm512_setzero_ps();
    for (ptrdiff_t i = 0; i < k; i++) {
        for (int p = 0; p < (quad ? 4 : 2); p++)
            if (w[p]) GC_PW_PREFETCH_WEIGHTS(w[p], i);
        // Upper halves by a 64-bit-lane insert (AVX-512F; the 32-bit form needs AVX-512DQ).
        const __m512 wa = _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castpd256_pd512(GC_NARROW_HALF(w[0], i)),
                                                              GC_NARROW_HALF(w[1], i), 1));
        const __m512 wb = quad ? _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castpd256_pd512(GC_NARROW_HALF(w[2], i)),
                                                                     GC_NARROW_HALF(w[3], i), 1))
                               : _mm512_setzero_ps();
        const float *x = P + i * GC_VL;
        for (int j = 0; j < GC_PW_NARROW; j++)
            if (j < cnt) {
                const __m512 xj = _mm512_set1_ps(x[j]);
                a[j] = _mm512_fmadd_ps(wa, xj, a[j]);
                if (quad) b[j] = _mm512_fmadd_ps(wb, xj, b[j]);
            }
    }
    float lanes[2][GC_PW_NARROW][16] __attribute__((aligned(64)));
    for (int j = 0; j < GC_PW_NARROW; j++) {
        _mm512_store_ps(lanes[0][j], a[j]);
        _mm512_store_ps(lanes[1][j], b[j]);
    }
    for (int r = 0; r < panels * GC_MR; r++) {
        const int p = r / GC_MR, lane = (p & 1) * 8 + r % GC_MR;
        for (int j = 0; j < GC_VL; j++) T[r * GC_VL + j] = j < cnt ? lanes[p >> 1][j][lane] : 0.0f;
    }
}
#undef GC_NARROW_HALF

// P's k rows from GC_NR floats apart (as _pack writes them) to GC_VL apart, the first GC_VL columns of each
// (a narrow strip's; in place: row i moves down, never onto a row not yet moved).
GC_TARGET static void GC_HELPER(_compact_narrow)(float *P, ptrdiff_t k) {
    for (ptrdiff_t i = 1; i < k; i++) _mm512_store_ps(P + i * GC_VL, _mm512_load_ps(P + i * GC_NR));
}

#define GC_NARROW_CASE(C)                                                                                    \
    case C:                                                                                                  \
        if (panels > 2) GC_HELPER(_tile_narrow)(w0, panels, k, P, T, C, 1);                                  \
        else GC_HELPER(_tile_narrow)(w0, panels, k, P, T, C, 0);                                             \
        break;
GC_TARGET static void GC_HELPER(_tile_narrow_any)(const float *w0, int panels, ptrdiff_t k, const float *P, float *T, int cnt) {
    switch (cnt) {
    GC_NARROW_CASE(8) GC_NARROW_CASE(7) GC_NARROW_CASE(6) GC_NARROW_CASE(5)
    GC_NARROW_CASE(4) GC_NARROW_CASE(3) GC_NARROW_CASE(2)
    default: GC_NARROW_CASE(1)
    }
}
#undef GC_NARROW_CASE

// Rows [m0, m0 + mr) (up to four panels, mr ≤ 4·GC_MR) of layer L on a narrow strip (cnt ≤ GC_PW_NARROW
// pixels at image pixel n, input rows src GC_VL floats apart): _tile_narrow, then each row's epilogue (T
// rows GC_VL apart) into y (last layer) or the hidden rows H (GC_VL floats apart, for the next layer's
// _tile_narrow).
GC_TARGET static void GC_HELPER(_panels_narrow)(const gc_pw_layer *L, int last, ptrdiff_t m0, int mr, const float *src,
                                             ptrdiff_t n, ptrdiff_t cnt, float *y, ptrdiff_t ldy, float *H, float *T) {
    GC_HELPER(_tile_narrow_any)(L->packed_weight + m0 * L->k, (mr + GC_MR - 1) / GC_MR, L->k, src, T, (int)cnt);
    for (int r = 0; r < mr; r++) {
        const ptrdiff_t o = m0 + r;
        float *dst = last ? y + o * ldy + n : H + o * GC_VL;
        GC_HELPER(_epilogue)(L, o, T + r * GC_VL, n, last ? cnt : GC_VL, dst);
    }
}
#endif

GC_TARGET static void GC_KERNEL(const float *x, ptrdiff_t ldx, const gc_pw_input *input, const gc_pw_layer *layers,
                                   int count, float *y, ptrdiff_t ldy, ptrdiff_t n_begin, ptrdiff_t n_end,
                                   ptrdiff_t m_begin, ptrdiff_t m_end, int packed_ready, float *scratch) {
    const ptrdiff_t k0 = layers[0].k, hidden = count > 1 ? layers[0].m : 0;
    float *P = scratch;
    float *H = P + k0 * GC_NR;
    float *T = H + hidden * GC_NR;
#if GC_VL == 16
    float *Pt = T + GC_MR * GC_NR;  // a narrow tail's packed input and hidden rows (gc_pw_scratch_count)
    float *Ht = Pt + k0 * GC_NR;
#endif
    for (ptrdiff_t n = n_begin; n < n_end; n += GC_NR) {
        const ptrdiff_t cnt = n_end - n < GC_NR ? n_end - n : GC_NR;
        ptrdiff_t tail = 0;  // pixels of a narrow tail computed with this strip
#if GC_VL == 16
        // A tail of at most GC_PW_NARROW pixels after a full strip (14×14: 3·64 + 4) runs with it, four panels
        // at a time (_panels_narrow after the strip's four _panel calls): it reads each weight panel soon after
        // the strip did, from L1 or L2, instead of streaming all of the layer's weights again for a few pixels.
        if (cnt == GC_NR && n_end - n - GC_NR <= GC_PW_NARROW) tail = n_end - n - GC_NR;
#endif
        if (!packed_ready) {
            GC_HELPER(_pack)(x, ldx, k0, n, cnt, input, P);
#if GC_VL == 16
            if (cnt <= GC_PW_NARROW) GC_HELPER(_compact_narrow)(P, k0);
            if (tail > 0) {
                GC_HELPER(_pack)(x, ldx, k0, n + GC_NR, tail, input, Pt);
                GC_HELPER(_compact_narrow)(Pt, k0);
            }
#endif
        }
        const float *src = P;
#if GC_VL == 16
        const float *srcTail = Pt;
#endif
        for (int l = 0; l < count; l++) {
            const gc_pw_layer *L = &layers[l];
            const int last = l == count - 1;
            const ptrdiff_t m_lo = last ? m_begin : 0, m_hi = last ? m_end : L->m;
#if GC_VL == 16
            if (cnt <= GC_PW_NARROW || tail > 0) {  // four panels at a time
                for (ptrdiff_t m0 = m_lo; m0 < m_hi; m0 += 4 * GC_MR) {
                    const int mr = (int)(m_hi - m0 < 4 * GC_MR ? m_hi - m0 : 4 * GC_MR);
                    if (cnt <= GC_PW_NARROW) {
                        GC_HELPER(_panels_narrow)(L, last, m0, mr, src, n, cnt, y, ldy, H, T);
                        continue;
                    }
                    for (int r0 = 0; r0 < mr; r0 += GC_MR)
                        GC_HELPER(_panel)(L, last, m0 + r0, mr - r0 < GC_MR ? mr - r0 : GC_MR, src, n, cnt, y, ldy, H, T);
                    GC_HELPER(_panels_narrow)(L, last, m0, mr, srcTail, n + GC_NR, tail, y, ldy, Ht, T);
                }
                src = H;
                srcTail = Ht;
                continue;
            }
#endif
            for (ptrdiff_t m0 = m_lo; m0 < m_hi; m0 += GC_MR)
                GC_HELPER(_panel)(L, last, m0, (int)(m_hi - m0 < GC_MR ? m_hi - m0 : GC_MR), src, n, cnt, y, ldy, H, T);
            src = H;
        }
        if (tail > 0) break;  // the tail was the range's end
    }
}

#undef GC_PW_NARROW
#undef GC_NR
#undef GC_MR
#undef GC_KERNEL
#undef GC_TARGET
#undef GC_VL
#undef GC_NV
#undef GC_GELU_TO
