// The AVX-512 single-precision row-reuse kernels (included by direct_kernel.c), one per kernel width KW
// and dilation D (the same both ways), defined by GC_DEFINE_RR: gc_f32_dw_rows2_avx512 …
// gc_f32_dw_rows16_avx512 for dilation 1 (the GC_DIRECT_ROWS_KERNELS list of direct_kernels.h), and
// gc_f32_dw_rows7d3_avx512, gc_f32_dw_rows5d2_avx512 for the models' dilated kernels (VAN's LKA 7×7 with
// dilation 3, MogaNet's 5×5 with 2 and 7×7 with 3; GC_DIRECT_DILATED_KERNELS).
//
// Each reuses every source row across the output rows that read it. The output rows of one residue class
// c mod D read only that class of source rows — kernel row u of output row c + D·t is source row
// c + D·(t + u) — so on each class (all rows, for dilation 1) a tile of R output rows walks its
// R + kh − 1 source rows once per 16-column group: NV aligned vectors cover the group's D·(KW − 1) + 16
// samples, each of the KW windows (tap v starts D·v samples in) is one valign of two of them (or one of
// them as it is), and each window is multiplied into the output rows whose kernel row reads that source
// row. The general kernel instead loads every product's samples unaligned — a load straddling two cache
// lines for 15 of 16 starting columns: one load or shuffle per product, half the FMA rate (7×7 on 128
// planes of 56×56: 0.37 → 0.34 ms; 13×13 1.19 → 0.96 ms; 3×3 on 512 planes 0.43 → 0.29 ms; 7×7 with
// dilation 3, 60 → 44 cycles per 16 outputs; 5×5 with dilation 2, 34.5 → 25.7). (A first dilated form
// that walked every source row and tested each output row against the dilation was 2.3× slower than the
// general kernel.)
//
// A square kernel (kernel_h == KW, the models' case) runs with its height a constant: the tile's loops
// over source rows and output rows then unroll completely (128 planes of 56×56: 3×3 18.8 → 10.5 cycles
// per 16 outputs, 5×5 25.8 → 20.4, 7×7 42.3 → 37.8, 7×7 dilation 3 44 → 39); other heights keep the loops.
//
// Products are added to the bias in the same (u, then v) order as the other kernels. Source rows in the
// zero padding are skipped (their products are zero); zero padding columns are multiplied (a zero product
// leaves a sum unchanged; non-finite weights are handled above this level).
//
// Sources: the aligned layout of the aligned kernel (64-byte aligned rows, stride a multiple of 16), with
// the dilated extent D·(KW − 1) + 1 as the kernel width (gc_direct_source_stride), so the NV vectors of
// the last column group are readable.

#define GC_RR_WIN(V)                                                                                      \
    if ((V) < KW) {                                                                                       \
        enum { O = D * (V), Q = O / 16, T = O % 16 };                                                     \
        win[(V)] = T == 0 ? a[Q] : _mm512_castsi512_ps(_mm512_alignr_epi32(                               \
                               _mm512_castps_si512(a[Q + 1 < NV ? Q + 1 : Q]), _mm512_castps_si512(a[Q]), T)); \
    }

// Output rows c + D·(t + r), r < R, of column group j.
#define GC_RR_TILE(R)                                                                                     \
    do {                                                                                                  \
        __m512 acc[R];                                                                                    \
        _Pragma("unroll") for (int r = 0; r < (R); ++r) acc[r] = _mm512_set1_ps(bias);                    \
        for (ptrdiff_t s = 0; s < (R) + kh - 1; ++s) {                                                    \
            const ptrdiff_t row = c + D * (t + s);                                                        \
            if (row < p->data_row_begin || row >= p->data_row_end) continue;                              \
            const float *sp = src + row * stride + j;                                                     \
            __m512 a[NV], win[KW];                                                                        \
            _Pragma("unroll") for (int q = 0; q < NV; ++q) a[q] = _mm512_load_ps(sp + 16 * q);            \
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
            float *o = out + (c + D * (t + r)) * p->out_w + j;                                            \
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

// Every row tile of the plane, class by class (tiles of 8 rows, then 4 or 1; a short remainder overlaps
// the tile before it).
#define GC_RR_ROWS                                                                                        \
        for (ptrdiff_t c = 0; c < D && c < p->out_h; ++c) {                                               \
            const ptrdiff_t n = (p->out_h - c + D - 1) / D;  /* output rows of class c */                  \
            for (ptrdiff_t t0 = 0; t0 < n;) {                                                             \
                const ptrdiff_t left = n - t0;                                                            \
                const ptrdiff_t rows = left >= 8 ? 8 : (left >= 4 || n >= 4) ? 4 : 1;                     \
                const ptrdiff_t t = left >= rows ? t0 : n - rows;                                         \
                if (rows == 8) GC_RR_ROW_TILE(8);                                                         \
                else if (rows == 4) GC_RR_ROW_TILE(4);                                                    \
                else GC_RR_ROW_TILE(1);                                                                   \
                t0 = t + rows;                                                                            \
            }                                                                                             \
        }

#define GC_DEFINE_RR(NAME, KW_, D_)                                                                       \
    GC_TARGET_AVX512 static void NAME(const gc_direct_plane *p, const float *src, const float *w, float bias, \
                                      float *out) {                                                       \
        enum { KW = KW_, D = D_, NV = (D_ * (KW_ - 1) + 15) / 16 + 1 };                                   \
        _Static_assert(KW_ >= 2 && KW_ <= 16, "GC_RR_WIN covers 2 to 16 windows");                        \
        const ptrdiff_t stride = p->src_stride;                                                           \
        if (p->kernel_h == KW) {                                                                          \
            const ptrdiff_t kh = KW;                                                                      \
            GC_RR_ROWS                                                                                    \
        } else {                                                                                          \
            const ptrdiff_t kh = p->kernel_h;                                                             \
            GC_RR_ROWS                                                                                    \
        }                                                                                                 \
    }

#define GC_DEFINE_RR1(NAME, KW_) GC_DEFINE_RR(NAME, KW_, 1)
GC_DIRECT_ROWS_KERNELS(GC_DEFINE_RR1)
GC_DIRECT_DILATED_KERNELS(GC_DEFINE_RR)

#undef GC_RR_WIN
#undef GC_RR_TILE
#undef GC_RR_ROW_TILE
#undef GC_RR_ROWS
#undef GC_DEFINE_RR
#undef GC_DEFINE_RR1
