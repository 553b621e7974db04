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
        switch (in->stencil_activation) {
        case GC_PW_ACT_GELU: GC_GELU_TO(row, row, GC_NR); break;
        case GC_PW_ACT_RELU: for (int j = 0; j < GC_NR; j++) row[j] = gc_relu(row[j]); break;
        case GC_PW_ACT_SILU: for (int j = 0; j < GC_NR; j++) row[j] = gc_silu(row[j]); break;
        default: break;
        }
        for (ptrdiff_t j = cnt; j < GC_NR; j++) row[j] = 0.0f;  // act(0) need not be 0 (it is for these three)
    }
}

// P[i][0..GC_NR) = transform(source(x)[i][n .. n+cnt)), columns past cnt zero; the source is x itself or its
// 3×3 stencil.
GC_TARGET static void GC_HELPER(_pack)(const float *x, ptrdiff_t ldx, ptrdiff_t k, ptrdiff_t n, ptrdiff_t cnt,
                                    const gc_pw_input *in, float *P) {
    if (in->stencil_weight) {
        GC_HELPER(_pack_stencil)(x, ldx, k, n, cnt, in, P);
    } else if (cnt == GC_NR) {
        for (ptrdiff_t i = 0; i < k; i++) {
            const float *src = x + i * ldx + n;
            for (int v = 0; v < GC_NV; v++)
                *(GC_HELPER(_vec) *)(P + i * GC_NR + v * GC_VL) = *(const GC_HELPER(_uvec) *)(src + v * GC_VL);
        }
    } else {
        for (ptrdiff_t i = 0; i < k; i++) {
            const float *src = x + i * ldx + n;
            float *dst = P + i * GC_NR;
            for (ptrdiff_t j = 0; j < cnt; j++) dst[j] = src[j];
            for (ptrdiff_t j = cnt; j < GC_NR; j++) dst[j] = 0.0f;
        }
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

GC_TARGET static void GC_KERNEL(const float *x, ptrdiff_t ldx, const gc_pw_input *input, const gc_pw_layer *layers,
                                   int count, float *y, ptrdiff_t ldy, ptrdiff_t n_begin, ptrdiff_t n_end,
                                   ptrdiff_t m_begin, ptrdiff_t m_end, int packed_ready, float *scratch) {
    const ptrdiff_t k0 = layers[0].k, hidden = count > 1 ? layers[0].m : 0;
    float *P = scratch;
    float *H = P + k0 * GC_NR;
    float *T = H + hidden * GC_NR;
    for (ptrdiff_t n = n_begin; n < n_end; n += GC_NR) {
        const ptrdiff_t cnt = n_end - n < GC_NR ? n_end - n : GC_NR;
        const int nv = (int)((cnt + GC_VL - 1) / GC_VL);  // vectors holding the strip's pixels
        if (!packed_ready) GC_HELPER(_pack)(x, ldx, k0, n, cnt, input, P);
        const float *src = P;
        for (int l = 0; l < count; l++) {
            const gc_pw_layer *L = &layers[l];
            const int last = l == count - 1;
            // Bias (or nothing) only, on a whole strip: stored here, without the general epilogue's call.
            const int plain = cnt == GC_NR && !L->scale && L->activation == GC_PW_ACT_NONE && !L->mul && !L->add && !L->residual;
            const ptrdiff_t m_lo = last ? m_begin : 0, m_hi = last ? m_end : L->m;
            for (ptrdiff_t m0 = m_lo; m0 < m_hi; m0 += GC_MR) {
                const int mr = (int)(m_hi - m0 < GC_MR ? m_hi - m0 : GC_MR);
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
            src = H;
        }
    }
}

#undef GC_NR
#undef GC_MR
#undef GC_KERNEL
#undef GC_TARGET
#undef GC_VL
#undef GC_NV
#undef GC_GELU_TO
