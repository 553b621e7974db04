// The AVX-512 single-precision kernel for kernels wider than the map's data (dilation 1), included once by
// direct_kernel.c as gc_f32_dw_wide_avx512 (GC_DIRECT_WIDE_KERNELS, direct_kernels.h): RepLKNet's 27×27
// on 14×14 maps. The other kernels vectorise over output columns and walk the taps; when the kernel is
// wider than the data, most taps of a vector read zero padding (27 taps over 14 data columns: 27 products
// formed where 14 count). This one walks the data instead: each sample x = src[s][c] of a data row s and
// column c is broadcast into every output vector (columns j0…j0+15) of every output row i it reaches,
// times kernel row u = s − i read backwards — the 16 lanes' weights w[u][c − j] are consecutive in the
// reversed row — under a mask of the lanes whose tap c − j lies in the kernel; masked lanes keep their sum
// (a non-finite sample never reaches an output it is not a tap of). Every output gets the same products
// in the same order (u, then v) as from the other kernels; the zero padding's products are never formed.
//
// Register tiles of GC_WIDE_ROWS output rows × one vector (a 14-row map in one tile). Kernel row u outer,
// data column c inner: the weight vector of (u, c) is loaded once and serves every tile row whose data row
// i + u holds data — a contiguous run of rows that starts at the tile's first row or ends at its last
// whenever the kernel reaches past the data on that side, run as a straight line of masked FMAs entered by
// a jump; each sample is an embedded broadcast at a constant offset from one pointer into the data
// transposed column by column. 512 planes of 14×14 under 27×27 with BatchNorm (`bench --block
// replknet.large_kernel`, one thread, 2-vCPU AMD EPYC): 0.59 → 0.435 ms against the data-row-outer form
// with a weight load per product (0.74 before that, with 8-row tiles of masked loads).

#define GC_WIDE_ROWS 14
_Static_assert(GC_WIDE_ROWS == 14, "the straight runs of FMAs below are written out for 14 tile rows");

// The FMAs of live tile rows LO … HI for every data column of kernel row u (rows_u, wrow: that row's data
// and reversed weights), as one straight run per column; a run with constant ends is one block of code,
// with no test or jump between its products (an earlier form entered one shared run of 14 FMAs by a
// jump: the compiler laid the runs of both kinds out as one chain of FMAs and jumps, a taken jump per
// product: 512 planes of 14×14 under 27×27 with BatchNorm took 1.10 ms on one Zen 4 core, now 0.70; on
// two 0.555 → 0.354 ms).
#define GC_WIDE_RUN(LO, HI)                                                                                      \
    do {                                                                                                        \
        for (ptrdiff_t c = c_lo; c < c_hi; ++c) {                                                               \
            const __mmask16 m = masks[c - c0];                                                                  \
            /* Lane jj reads rev[u·kw + kw − 1 − c + j0 + jj]. */                                               \
            const __m512 wv = _mm512_loadu_ps(wrow - c);                                                        \
            const float *x = rows_u + (c - c0) * data_rows;                                                     \
            _Pragma("unroll") for (int r = (LO); r <= (HI); ++r)                                                 \
                acc[r] = _mm512_mask3_fmadd_ps(_mm512_set1_ps(x[r]), wv, acc[r], m);                           \
        }                                                                                                       \
    } while (0)
// Rows LO … HI, LO the switch's value.
#define GC_WIDE_FROM(HI)                                                                                        \
    switch (r_lo) {                                                                                             \
    case 0: GC_WIDE_RUN(0, HI); break;   case 1: GC_WIDE_RUN(1, HI); break;   case 2: GC_WIDE_RUN(2, HI); break; \
    case 3: GC_WIDE_RUN(3, HI); break;   case 4: GC_WIDE_RUN(4, HI); break;   case 5: GC_WIDE_RUN(5, HI); break; \
    case 6: GC_WIDE_RUN(6, HI); break;   case 7: GC_WIDE_RUN(7, HI); break;   case 8: GC_WIDE_RUN(8, HI); break; \
    case 9: GC_WIDE_RUN(9, HI); break;   case 10: GC_WIDE_RUN(10, HI); break; case 11: GC_WIDE_RUN(11, HI); break; \
    case 12: GC_WIDE_RUN(12, HI); break; default: GC_WIDE_RUN(13, HI); break;                                  \
    }
// Rows 0 … HI, HI the switch's value.
#define GC_WIDE_UPTO                                                                                            \
    switch (r_hi) {                                                                                             \
    case 0: GC_WIDE_RUN(0, 0); break;   case 1: GC_WIDE_RUN(0, 1); break;   case 2: GC_WIDE_RUN(0, 2); break;    \
    case 3: GC_WIDE_RUN(0, 3); break;   case 4: GC_WIDE_RUN(0, 4); break;   case 5: GC_WIDE_RUN(0, 5); break;    \
    case 6: GC_WIDE_RUN(0, 6); break;   case 7: GC_WIDE_RUN(0, 7); break;   case 8: GC_WIDE_RUN(0, 8); break;    \
    case 9: GC_WIDE_RUN(0, 9); break;   case 10: GC_WIDE_RUN(0, 10); break; case 11: GC_WIDE_RUN(0, 11); break;  \
    case 12: GC_WIDE_RUN(0, 12); break; default: GC_WIDE_RUN(0, 13); break;                                     \
    }

// One tile: `rows` output rows from i0 × the 16 output columns from j0, into acc (set to the bias first).
// Kernel row u outer, data column c inner: the weight vector of (u, c) serves every tile row r whose data
// row s = i0 + r + u holds data, each product a masked FMA with the sample as an embedded broadcast (one
// 4-byte load; the weights are loaded once per (u, c), not once per product). Output row i0 + r still
// sums u ascending, then c ascending: the order above. Inlined with `rows` a constant for whole tiles.
GC_TARGET_AVX512 static inline __attribute__((always_inline)) void gc_f32_dw_wide_tile(
    __m512 *acc, const int rows, ptrdiff_t i0, ptrdiff_t s0, ptrdiff_t s1, ptrdiff_t kh, ptrdiff_t kw, ptrdiff_t d0,
    ptrdiff_t data_rows, ptrdiff_t c0, ptrdiff_t c_lo, ptrdiff_t c_hi, const __mmask16 *masks, const float *rev,
    ptrdiff_t j0, const float *xt, float bias) {
    for (int r = 0; r < rows; ++r) acc[r] = _mm512_set1_ps(bias);
    for (ptrdiff_t u = s0 - i0 - (rows - 1) > 0 ? s0 - i0 - (rows - 1) : 0; u < kh && u <= s1 - 1 - i0; ++u) {
        // Tile rows r_lo … r_hi read data rows (s0 ≤ i0 + r + u < s1).
        const ptrdiff_t r_lo = s0 - i0 - u > 0 ? s0 - i0 - u : 0;
        const ptrdiff_t r_hi = s1 - 1 - i0 - u < rows - 1 ? s1 - 1 - i0 - u : rows - 1;
        if (r_lo > r_hi) continue;
        const float *rows_u = xt + (i0 + u - d0);  // tile row r, column c: rows_u[(c − c0)·data_rows + r]
        const float *wrow = rev + u * kw + kw - 1 + j0;
        // The live rows are r_lo … r_hi. On a whole tile one end is the tile's own (the kernel reaches past
        // the data on that side): a straight run. A run starting past a shorter last tile's first row takes
        // the tested loop.
        if (r_hi == rows - 1 && rows == GC_WIDE_ROWS) {
            GC_WIDE_FROM(GC_WIDE_ROWS - 1)
        } else if (r_lo == 0) {
            GC_WIDE_UPTO
        } else {
            for (ptrdiff_t c = c_lo; c < c_hi; ++c) {
                const __mmask16 m = masks[c - c0];
                const __m512 wv = _mm512_loadu_ps(wrow - c);
                const float *x = rows_u + (c - c0) * data_rows;
                for (ptrdiff_t r = r_lo; r <= r_hi; ++r) acc[r] = _mm512_mask3_fmadd_ps(_mm512_set1_ps(x[r]), wv, acc[r], m);
            }
        }
    }
}
#undef GC_WIDE_UPTO
#undef GC_WIDE_FROM
#undef GC_WIDE_RUN

GC_TARGET_AVX512 static void gc_f32_dw_wide_avx512(const gc_direct_plane *p, const float *src, const float *w, float bias,
                                                   float *out) {
    const ptrdiff_t kh = p->kernel_h, kw = p->kernel_w, stride = p->src_stride;
    // The reversed rows with a vector's margin before and after, so every weight vector is one plain load
    // (lanes outside the FMA's mask read the margin or a neighbouring row and are ignored). For a column c
    // with a live lane, the lanes' offsets in row u lie in [u·kw − 15, u·kw + kw + 14].
    enum { MARGIN = 16 };
    const ptrdiff_t c0 = p->data_col_begin, c1 = p->data_col_end;
    const ptrdiff_t d0 = p->data_row_begin, data_rows = p->data_row_end - p->data_row_begin;
    // The data transposed, column by column (xt[(c − c0)·data_rows + s − d0] = src[s][c]): a column's rows
    // are consecutive, so the tile's rows read one base pointer at constant offsets (rows a stride apart
    // took a pointer each, more than the registers hold).
    float *buffer = malloc((size_t)(kh * kw + 2 * MARGIN + (c1 - c0) * data_rows) * sizeof(float));
    if (!buffer) {  // no memory for the reversed rows: the general kernel computes the same sums
        gc_f32_dw_avx512(p, src, w, bias, out);
        return;
    }
    float *rev = buffer + MARGIN;
    for (ptrdiff_t t = 0; t < MARGIN; ++t) buffer[t] = rev[kh * kw + t] = 0.0f;
    for (ptrdiff_t u = 0; u < kh; ++u)
        for (ptrdiff_t t = 0; t < kw; ++t) rev[u * kw + t] = w[u * kw + kw - 1 - t];
    float *xt = buffer + kh * kw + 2 * MARGIN;
    for (ptrdiff_t c = c0; c < c1; ++c)
        for (ptrdiff_t r = 0; r < data_rows; ++r) xt[(c - c0) * data_rows + r] = src[(d0 + r) * stride + c];
    for (ptrdiff_t i0 = 0; i0 < p->out_h; i0 += GC_WIDE_ROWS) {
        const ptrdiff_t rows = p->out_h - i0 < GC_WIDE_ROWS ? p->out_h - i0 : GC_WIDE_ROWS;
        // The data rows any of the tile's rows reads.
        const ptrdiff_t s0 = p->data_row_begin > i0 ? p->data_row_begin : i0;
        const ptrdiff_t s1 = p->data_row_end < i0 + rows - 1 + kh ? p->data_row_end : i0 + rows - 1 + kh;
        for (ptrdiff_t j0 = 0; j0 < p->out_w; j0 += 16) {
            const ptrdiff_t lanes = p->out_w - j0 < 16 ? p->out_w - j0 : 16;
            // Per data column: the lanes jj with 0 ≤ c − (j0 + jj) < kw among the block's (a contiguous run of
            // columns has any).
            __mmask16 masks[c1 - c0 > 0 ? c1 - c0 : 1];
            ptrdiff_t c_lo = c1, c_hi = c0;
            for (ptrdiff_t c = c0; c < c1; ++c) {
                const ptrdiff_t lo = c - kw + 1 - j0 > 0 ? c - kw + 1 - j0 : 0;
                const ptrdiff_t hi = c - j0 < lanes - 1 ? c - j0 : lanes - 1;
                masks[c - c0] = lo > hi ? 0 : (__mmask16)((0xFFFFu >> (15 - hi)) & (0xFFFFu << lo));
                if (lo <= hi) {
                    if (c < c_lo) c_lo = c;
                    c_hi = c + 1;
                }
            }
            __m512 acc[GC_WIDE_ROWS];
            // Whole tiles (14 rows: a 14×14 map, RepLKNet's case) get their own copy, where every straight run
            // of FMAs has constant ends; a shorter last tile takes the general copy.
            if (rows == GC_WIDE_ROWS) gc_f32_dw_wide_tile(acc, GC_WIDE_ROWS, i0, s0, s1, kh, kw, d0, data_rows, c0, c_lo, c_hi, masks, rev, j0, xt, bias);
            else gc_f32_dw_wide_tile(acc, (int)rows, i0, s0, s1, kh, kw, d0, data_rows, c0, c_lo, c_hi, masks, rev, j0, xt, bias);
            const __mmask16 store = (__mmask16)(0xFFFFu >> (16 - lanes));
            for (ptrdiff_t r = 0; r < rows; ++r) _mm512_mask_storeu_ps(out + (i0 + r) * p->out_w + j0, store, acc[r]);
        }
    }
    free(buffer);
}

#undef GC_WIDE_ROWS
