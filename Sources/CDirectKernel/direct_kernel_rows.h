// The AVX-512 single-precision kernels for dilation-1 planes whose kernel is 2 to 16 columns wide
// (included by direct_kernel.c): gc_f32_dw_rows2_avx512 … gc_f32_dw_rows16_avx512, one per kernel
// width, defined by GC_DEFINE_RR over the GC_DIRECT_ROWS_KERNELS list (direct_kernels.h).
// Each reuses every source row across the output rows that read it: a tile of R output rows walks its
// R + kh − 1 source rows once per 16-column group, builds the row's kw shifted windows in registers
// (one valign each), and multiplies each window into the (up to R) output rows whose kernel row reads
// that source row. The general kernels rebuild or reload every window for every output row: one
// shuffle or load per product, half the FMA rate.
// Products are added to the bias in the same (u, then v) order as the other kernels. Source rows in
// the zero padding are skipped (their products are zero); zero padding columns are multiplied (a zero
// product leaves a sum unchanged; non-finite weights are handled above this level). Measured at one
// thread on 128 planes of 56×56: K = 7 0.37 → 0.34 ms, K = 13 1.19 → 0.96 ms, 3×3 on 512 planes
// 0.43 → 0.29 ms. (The weight broadcasts, one per product, now share the load ports with the windows.)
//
// Sources: the aligned layout of the aligned kernel (64-byte aligned rows, stride a multiple of 16 with
// two vectors readable past the last output block). (The KW == 1 branch of GC_RR_TILE, masked loads that
// read any layout, has no instantiation: a one-column kernel runs the general kernel, see direct_kernel.c.)

#define GC_RR_WIN(V)                                                                                      \
    if ((V) < KW) win[(V)] = (V) == 0 ? a : _mm512_castsi512_ps(_mm512_alignr_epi32(                     \
                                                _mm512_castps_si512(b), _mm512_castps_si512(a), (V) & 15));

#define GC_RR_TILE(R)                                                                                     \
    do {                                                                                                  \
        __m512 acc[R];                                                                                    \
        _Pragma("unroll") for (int r = 0; r < (R); ++r) acc[r] = _mm512_set1_ps(bias);                    \
        for (ptrdiff_t s = 0; s < (R) + kh - 1; ++s) {                                                    \
            const ptrdiff_t row = i + s;                                                                  \
            if (row < p->data_row_begin || row >= p->data_row_end) continue;                              \
            const float *sp = src + row * stride + j;                                                     \
            __m512 a, b, win[KW];                                                                         \
            if (KW == 1) {                                                                                \
                a = lanes == 16 ? _mm512_loadu_ps(sp) : _mm512_maskz_loadu_ps((__mmask16)mask, sp);       \
                b = a;                                                                                    \
            } else {                                                                                      \
                a = _mm512_load_ps(sp);                                                                   \
                b = _mm512_load_ps(sp + 16);                                                              \
            }                                                                                             \
            GC_RR_WIN(0) GC_RR_WIN(1) GC_RR_WIN(2) GC_RR_WIN(3) GC_RR_WIN(4) GC_RR_WIN(5) GC_RR_WIN(6)    \
            GC_RR_WIN(7) GC_RR_WIN(8) GC_RR_WIN(9) GC_RR_WIN(10) GC_RR_WIN(11) GC_RR_WIN(12)              \
            GC_RR_WIN(13) GC_RR_WIN(14) GC_RR_WIN(15)                                                     \
            _Pragma("unroll") for (int r = 0; r < (R); ++r) {                                             \
                const ptrdiff_t u = s - r;                                                                \
                if (u < 0 || u >= kh) continue;                                                           \
                const float *wu = w + u * KW;                                                             \
                _Pragma("unroll") for (int v = 0; v < KW; ++v)                                            \
                    acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(wu[v]), win[v], acc[r]);                      \
            }                                                                                             \
        }                                                                                                 \
        _Pragma("unroll") for (int r = 0; r < (R); ++r) {                                                 \
            float *o = out + (i + r) * p->out_w + j;                                                      \
            if (lanes == 16) _mm512_storeu_ps(o, acc[r]);                                                 \
            else _mm512_mask_storeu_ps(o, (__mmask16)mask, acc[r]);                                       \
        }                                                                                                 \
    } while (0)

#define GC_RR_ROW_TILE(R)                                                                                 \
    do {                                                                                                  \
        for (ptrdiff_t j = 0; j < p->out_w; j += 16) {                                                    \
            const ptrdiff_t lanes = p->out_w - j < 16 ? p->out_w - j : 16;                                \
            const unsigned mask = (unsigned)((1u << lanes) - 1u);                                         \
            GC_RR_TILE(R);                                                                                \
        }                                                                                                 \
    } while (0)

// Every row tile of the plane. GC_DEFINE_RR runs it with the kernel height a constant for a square kernel
// (kernel_h == KW, the models' case): the tile's loops over source rows and output rows then unroll
// completely (3×3 on 56×56 planes: 18.8 → 10.5 cycles per 16 outputs; 5×5 25.8 → 20.4; 7×7 42.3 → 37.8);
// other heights keep the loops.
#define GC_RR_ROWS                                                                                        \
        for (ptrdiff_t i0 = 0; i0 < p->out_h;) {                                                          \
            const ptrdiff_t left = p->out_h - i0;                                                         \
            const ptrdiff_t rows = left >= 8 ? 8 : (left >= 4 || p->out_h >= 4) ? 4 : 1;                  \
            const ptrdiff_t i = left >= rows ? i0 : p->out_h - rows;  /* a short remainder overlaps */     \
            if (rows == 8) GC_RR_ROW_TILE(8);                                                             \
            else if (rows == 4) GC_RR_ROW_TILE(4);                                                        \
            else GC_RR_ROW_TILE(1);                                                                       \
            i0 = i + rows;                                                                                \
        }

#define GC_DEFINE_RR(NAME, KW_)                                                                           \
    GC_TARGET_AVX512 static void NAME(const gc_direct_plane *p, const float *src, const float *w, float bias, \
                                      float *out) {                                                       \
        enum { KW = KW_ };                                                                                \
        const ptrdiff_t stride = p->src_stride;                                                           \
        if (p->kernel_h == KW) {                                                                          \
            const ptrdiff_t kh = KW;                                                                      \
            GC_RR_ROWS                                                                                    \
        } else {                                                                                          \
            const ptrdiff_t kh = p->kernel_h;                                                             \
            GC_RR_ROWS                                                                                    \
        }                                                                                                 \
    }

GC_DIRECT_ROWS_KERNELS(GC_DEFINE_RR)

#undef GC_RR_WIN
#undef GC_RR_TILE
#undef GC_RR_ROW_TILE
#undef GC_RR_ROWS
#undef GC_DEFINE_RR

// The row-reuse kernels for dilated kernels (VAN's LKA 7×7 with dilation 3, MogaNet's 5×5 with dilation 2
// and 7×7 with dilation 3), one per (kernel width KW, dilation D in both directions), defined by
// GC_DEFINE_RRD over GC_DIRECT_DILATED_KERNELS (direct_kernels.h). The general kernel they replace loads
// every product's samples unaligned — a load straddling two cache lines for 15 of 16 starting columns —
// at about 60 cycles per 16 outputs of a 7×7 kernel (49 products). The output rows of one residue class
// c mod D read only the source rows of that class, and among them kernel row u of output row c + D·t is
// source row c + D·(t + u): on each class the row reuse above applies unchanged (a tile of R class rows
// walks R + kh − 1 class source rows). Along a row, NV aligned vectors cover a 16-column group's
// D·(KW − 1) + 16 samples and each of the KW windows (tap v starts D·v samples in) is one valign of two of
// them (or one of them as it is). Products are added to the bias in (u, then v) order, as the other
// kernels; source rows in the zero padding are skipped, zero padding columns are multiplied (a zero
// product leaves a sum unchanged). Source: the aligned layout with the dilated extent D·(KW − 1) + 1 as
// the kernel width (gc_direct_source_stride), so the NV vectors of the last column group are readable.
#define GC_RRD_WIN(V)                                                                                     \
    if ((V) < KW) {                                                                                       \
        enum { O = D * (V), Q = O / 16, T = O % 16 };                                                     \
        win[(V)] = T == 0 ? a[Q] : _mm512_castsi512_ps(_mm512_alignr_epi32(                               \
                               _mm512_castps_si512(a[Q + 1 < NV ? Q + 1 : Q]), _mm512_castps_si512(a[Q]), T)); \
    }

// Output rows c + D·(t + r), r < R, of column group j.
#define GC_RRD_TILE(R)                                                                                    \
    do {                                                                                                  \
        __m512 acc[R];                                                                                    \
        _Pragma("unroll") for (int r = 0; r < (R); ++r) acc[r] = _mm512_set1_ps(bias);                    \
        for (ptrdiff_t s = 0; s < (R) + kh - 1; ++s) {                                                    \
            const ptrdiff_t row = c + D * (t + s);                                                        \
            if (row < p->data_row_begin || row >= p->data_row_end) continue;                              \
            const float *sp = src + row * stride + j;                                                     \
            __m512 a[NV], win[KW];                                                                        \
            _Pragma("unroll") for (int q = 0; q < NV; ++q) a[q] = _mm512_load_ps(sp + 16 * q);            \
            GC_RRD_WIN(0) GC_RRD_WIN(1) GC_RRD_WIN(2) GC_RRD_WIN(3) GC_RRD_WIN(4) GC_RRD_WIN(5)           \
            GC_RRD_WIN(6) GC_RRD_WIN(7) GC_RRD_WIN(8)                                                     \
            _Pragma("unroll") for (int r = 0; r < (R); ++r) {                                             \
                const ptrdiff_t u = s - r;                                                                \
                if (u < 0 || u >= kh) continue;                                                           \
                const float *wu = w + u * KW;                                                             \
                _Pragma("unroll") for (int v = 0; v < KW; ++v)                                            \
                    acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(wu[v]), win[v], acc[r]);                      \
            }                                                                                             \
        }                                                                                                 \
        _Pragma("unroll") for (int r = 0; r < (R); ++r) {                                                 \
            float *o = out + (c + D * (t + r)) * p->out_w + j;                                            \
            if (lanes == 16) _mm512_storeu_ps(o, acc[r]);                                                 \
            else _mm512_mask_storeu_ps(o, (__mmask16)mask, acc[r]);                                       \
        }                                                                                                 \
    } while (0)

#define GC_RRD_ROW_TILE(R)                                                                                \
    do {                                                                                                  \
        for (ptrdiff_t j = 0; j < p->out_w; j += 16) {                                                    \
            const ptrdiff_t lanes = p->out_w - j < 16 ? p->out_w - j : 16;                                \
            const unsigned mask = (unsigned)((1u << lanes) - 1u);                                         \
            GC_RRD_TILE(R);                                                                               \
        }                                                                                                 \
    } while (0)

// Every row tile of the plane, class by class.
#define GC_RRD_ROWS                                                                                       \
        for (ptrdiff_t c = 0; c < D && c < p->out_h; ++c) {                                               \
            const ptrdiff_t n = (p->out_h - c + D - 1) / D;  /* output rows of class c */                  \
            for (ptrdiff_t t0 = 0; t0 < n;) {                                                             \
                const ptrdiff_t left = n - t0;                                                            \
                const ptrdiff_t rows = left >= 8 ? 8 : (left >= 4 || n >= 4) ? 4 : 1;                     \
                const ptrdiff_t t = left >= rows ? t0 : n - rows;  /* a short remainder overlaps */        \
                if (rows == 8) GC_RRD_ROW_TILE(8);                                                        \
                else if (rows == 4) GC_RRD_ROW_TILE(4);                                                   \
                else GC_RRD_ROW_TILE(1);                                                                  \
                t0 = t + rows;                                                                            \
            }                                                                                             \
        }

// A square kernel runs with its height a constant, as in GC_DEFINE_RR.
#define GC_DEFINE_RRD(NAME, KW_, D_)                                                                      \
    GC_TARGET_AVX512 static void NAME(const gc_direct_plane *p, const float *src, const float *w, float bias, \
                                      float *out) {                                                       \
        enum { KW = KW_, D = D_, NV = (D_ * (KW_ - 1) + 15) / 16 + 1 };                                   \
        _Static_assert(KW_ <= 9, "GC_RRD_WIN covers nine windows");                                       \
        const ptrdiff_t stride = p->src_stride;                                                           \
        if (p->kernel_h == KW) {                                                                          \
            const ptrdiff_t kh = KW;                                                                      \
            GC_RRD_ROWS                                                                                   \
        } else {                                                                                          \
            const ptrdiff_t kh = p->kernel_h;                                                             \
            GC_RRD_ROWS                                                                                   \
        }                                                                                                 \
    }

GC_DIRECT_DILATED_KERNELS(GC_DEFINE_RRD)

#undef GC_RRD_WIN
#undef GC_RRD_TILE
#undef GC_RRD_ROW_TILE
#undef GC_RRD_ROWS
#undef GC_DEFINE_RRD
