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
            _Pragma("unroll") for (int r = 0; r < GC_WIDE_ROWS; ++r) acc[r] = _mm512_set1_ps(bias);
            // Kernel row u outer, data column c inner: the weight vector of (u, c) serves every tile row r whose
            // data row s = i0 + r + u holds data, each product a masked FMA with the sample as an embedded
            // broadcast (one 4-byte load; the weights are loaded once per (u, c), not once per product).
            // Output row i0 + r still sums u ascending, then c ascending: the order above.
            for (ptrdiff_t u = s0 - i0 - (rows - 1) > 0 ? s0 - i0 - (rows - 1) : 0; u < kh && u <= s1 - 1 - i0; ++u) {
                // Tile rows r_lo … r_hi read data rows (s0 ≤ i0 + r + u < s1).
                const ptrdiff_t r_lo = s0 - i0 - u > 0 ? s0 - i0 - u : 0;
                const ptrdiff_t r_hi = s1 - 1 - i0 - u < rows - 1 ? s1 - 1 - i0 - u : rows - 1;
                if (r_lo > r_hi) continue;
                const unsigned live = (0xFFFFu >> (15 - r_hi)) & (0xFFFFu << r_lo);
                const float *rows_u = xt + (i0 + u - d0);  // tile row r, column c: rows_u[(c − c0)·data_rows + r]
                for (ptrdiff_t c = c_lo; c < c_hi; ++c) {
                    const __mmask16 m = masks[c - c0];
                    // Lane jj reads rev[u·kw + kw − 1 − c + j0 + jj].
                    const __m512 wv = _mm512_loadu_ps(rev + u * kw + (kw - 1 - c + j0));
                    const float *x = rows_u + (c - c0) * data_rows;
#define GC_WIDE_FMA(R) acc[R] = _mm512_mask3_fmadd_ps(_mm512_set1_ps(x[R]), wv, acc[R], m)
                    // The live rows are r_lo … r_hi. On a whole tile one end is the tile's own (the kernel reaches
                    // past the data on that side): a jump into a straight run of FMAs instead of a test and branch
                    // per row. A last, shorter tile whose run starts past its first row takes the tested loop.
                    if (r_hi == GC_WIDE_ROWS - 1) {
                        switch (r_lo) {  // rows r_lo … 13
                        case 0: GC_WIDE_FMA(0); /* fallthrough */
                        case 1: GC_WIDE_FMA(1); /* fallthrough */
                        case 2: GC_WIDE_FMA(2); /* fallthrough */
                        case 3: GC_WIDE_FMA(3); /* fallthrough */
                        case 4: GC_WIDE_FMA(4); /* fallthrough */
                        case 5: GC_WIDE_FMA(5); /* fallthrough */
                        case 6: GC_WIDE_FMA(6); /* fallthrough */
                        case 7: GC_WIDE_FMA(7); /* fallthrough */
                        case 8: GC_WIDE_FMA(8); /* fallthrough */
                        case 9: GC_WIDE_FMA(9); /* fallthrough */
                        case 10: GC_WIDE_FMA(10); /* fallthrough */
                        case 11: GC_WIDE_FMA(11); /* fallthrough */
                        case 12: GC_WIDE_FMA(12); /* fallthrough */
                        default: GC_WIDE_FMA(13);
                        }
                    } else if (r_lo == 0) {
                        switch (r_hi) {  // rows 0 … r_hi
                        case 13: GC_WIDE_FMA(13); /* fallthrough */
                        case 12: GC_WIDE_FMA(12); /* fallthrough */
                        case 11: GC_WIDE_FMA(11); /* fallthrough */
                        case 10: GC_WIDE_FMA(10); /* fallthrough */
                        case 9: GC_WIDE_FMA(9); /* fallthrough */
                        case 8: GC_WIDE_FMA(8); /* fallthrough */
                        case 7: GC_WIDE_FMA(7); /* fallthrough */
                        case 6: GC_WIDE_FMA(6); /* fallthrough */
                        case 5: GC_WIDE_FMA(5); /* fallthrough */
                        case 4: GC_WIDE_FMA(4); /* fallthrough */
                        case 3: GC_WIDE_FMA(3); /* fallthrough */
                        case 2: GC_WIDE_FMA(2); /* fallthrough */
                        case 1: GC_WIDE_FMA(1); /* fallthrough */
                        default: GC_WIDE_FMA(0);
                        }
                    } else {
                        _Pragma("unroll") for (int r = 0; r < GC_WIDE_ROWS; ++r) {
                            if ((live >> r) & 1) GC_WIDE_FMA(r);
                        }
                    }
#undef GC_WIDE_FMA
                }
            }
            const __mmask16 store = (__mmask16)(0xFFFFu >> (16 - lanes));
            for (ptrdiff_t r = 0; r < rows; ++r) _mm512_mask_storeu_ps(out + (i0 + r) * p->out_w + j0, store, acc[r]);
        }
    }
    free(buffer);
}

#undef GC_WIDE_ROWS
