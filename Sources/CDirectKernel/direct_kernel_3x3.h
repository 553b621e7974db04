// The AVX-512 single-precision kernel for 3×3, dilation-1 planes on an aligned source (included by
// direct_kernel.c; chosen where the aligned kernel would run). A tile of R output rows reads its R + 2
// source rows once per 16-column group: two aligned loads per row, the three shifted windows built in
// registers (valign), and each window multiplied into the (up to three) output rows that use it — 9
// multiply-adds per output vector against the general aligned kernel's reloads of every source row
// for every kernel row. Products are added to the bias in the same (u, then v) order as the other
// kernels. No tap is skipped: the aligned source holds its zero padding explicitly, and a product with
// a zero sample leaves a sum unchanged (non-finite weights are handled above this level).

#define GC_3X3_TILE(R)                                                                                    \
    do {                                                                                                  \
        __m512 acc[R];                                                                                    \
        _Pragma("unroll") for (int r = 0; r < (R); ++r) acc[r] = _mm512_set1_ps(bias);                    \
        _Pragma("unroll") for (int rr = 0; rr < (R) + 2; ++rr) {                                          \
            const float *s = src + (i + rr) * stride + j;                                                 \
            const __m512 a = _mm512_load_ps(s), b = _mm512_load_ps(s + 16);                               \
            const __m512 x1 = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(b), _mm512_castps_si512(a), 1)); \
            const __m512 x2 = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(b), _mm512_castps_si512(a), 2)); \
            _Pragma("unroll") for (int u = 0; u < 3; ++u) {                                               \
                const int r = rr - u;                                                                     \
                if (r < 0 || r >= (R)) continue;                                                          \
                acc[r] = _mm512_fmadd_ps(wv[3 * u], a, acc[r]);                                           \
                acc[r] = _mm512_fmadd_ps(wv[3 * u + 1], x1, acc[r]);                                      \
                acc[r] = _mm512_fmadd_ps(wv[3 * u + 2], x2, acc[r]);                                      \
            }                                                                                             \
        }                                                                                                 \
        _Pragma("unroll") for (int r = 0; r < (R); ++r) {                                                 \
            float *o = out + (i + r) * p->out_w + j;                                                      \
            if (lanes == 16) _mm512_storeu_ps(o, acc[r]);                                                 \
            else _mm512_mask_storeu_ps(o, (__mmask16)mask, acc[r]);                                       \
        }                                                                                                 \
    } while (0)

#define GC_3X3_ROW_TILE(R)                                                                                \
    do {                                                                                                  \
        for (ptrdiff_t j = 0; j < p->out_w; j += 16) {                                                    \
            const ptrdiff_t lanes = p->out_w - j < 16 ? p->out_w - j : 16;                                \
            const unsigned mask = (unsigned)((1u << lanes) - 1u);                                         \
            GC_3X3_TILE(R);                                                                               \
        }                                                                                                 \
    } while (0)

__attribute__((target("avx512f,avx512vl,avx2,fma")))
static void gc_f32_avx512_3x3_plane(const gc_direct_plane *p, const float *src, const float *w, float bias, float *out) {
    const ptrdiff_t stride = p->src_stride;
    __m512 wv[9];
    for (int k = 0; k < 9; ++k) wv[k] = _mm512_set1_ps(w[k]);
    for (ptrdiff_t i0 = 0; i0 < p->out_h;) {
        const ptrdiff_t left = p->out_h - i0;
        const ptrdiff_t rows = left >= 8 ? 8 : (left >= 4 || p->out_h >= 4) ? 4 : 1;
        const ptrdiff_t i = left >= rows ? i0 : p->out_h - rows;   // a short remainder reuses an overlapping tile
        if (rows == 8) GC_3X3_ROW_TILE(8);
        else if (rows == 4) GC_3X3_ROW_TILE(4);
        else GC_3X3_ROW_TILE(1);
        i0 = i + rows;
    }
}

#undef GC_3X3_TILE
#undef GC_3X3_ROW_TILE
