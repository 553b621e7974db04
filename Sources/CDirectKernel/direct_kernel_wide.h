// The AVX-512 single-precision kernel for kernels wider than the map's data (dilation 1), included once by
// direct_kernel.c as gc_f32_dw_wide_avx512 (GC_DIRECT_WIDE_KERNELS, direct_kernels.h): RepLKNet's 27×27
// on 14×14 maps, 13×13 on 7×7. The other kernels vectorise over output columns and walk the taps; when
// the kernel is wider than the data, most taps of a vector read zero padding (27 taps over 14 data
// columns: 27 products formed where 14 count). This one walks the data instead: each sample x = src[s][c]
// of a data row s and column c is broadcast into every output vector (columns j0…j0+15) of every output
// row i it reaches, times kernel row u = s − i read backwards — the 16 lanes' weights w[u][c − j] are
// consecutive in the reversed row — under a mask of the lanes whose tap c − j lies in the kernel; masked
// lanes keep their sum (a non-finite sample never reaches an output it is not a tap of). Every output
// gets the same products in the same order (u, then v) as from the other kernels; the zero padding's
// products are never formed. Register tiles of GC_WIDE_ROWS output rows × one vector (a 14-row map in one
// tile: each broadcast sample serves all its rows); the weights are plain loads from the reversed rows
// padded by a vector's margin, the FMA masked. Against 8-row tiles of masked loads: 512 planes of 14×14
// under 27×27, one thread, 0.74 → 0.58 ms (2-vCPU AMD EPYC).

#define GC_WIDE_ROWS 16

GC_TARGET_AVX512 static void gc_f32_dw_wide_avx512(const gc_direct_plane *p, const float *src, const float *w, float bias,
                                                   float *out) {
    const ptrdiff_t kh = p->kernel_h, kw = p->kernel_w, stride = p->src_stride;
    // The reversed rows with a vector's margin before and after, so every weight vector is one plain load
    // (lanes outside the FMA's mask read the margin or a neighbouring row and are ignored). For a column c
    // with a live lane, the lanes' offsets in row u lie in [u·kw − 15, u·kw + kw + 14].
    enum { MARGIN = 16 };
    float *buffer = malloc((size_t)(kh * kw + 2 * MARGIN) * sizeof(float));
    if (!buffer) {  // no memory for the reversed rows: the general kernel computes the same sums
        gc_f32_dw_avx512(p, src, w, bias, out);
        return;
    }
    float *rev = buffer + MARGIN;
    for (ptrdiff_t t = 0; t < MARGIN; ++t) buffer[t] = rev[kh * kw + t] = 0.0f;
    for (ptrdiff_t u = 0; u < kh; ++u)
        for (ptrdiff_t t = 0; t < kw; ++t) rev[u * kw + t] = w[u * kw + kw - 1 - t];
    const ptrdiff_t c0 = p->data_col_begin, c1 = p->data_col_end;
    for (ptrdiff_t i0 = 0; i0 < p->out_h; i0 += GC_WIDE_ROWS) {
        const ptrdiff_t rows = p->out_h - i0 < GC_WIDE_ROWS ? p->out_h - i0 : GC_WIDE_ROWS;
        // The data rows any of the tile's rows reads.
        const ptrdiff_t s0 = p->data_row_begin > i0 ? p->data_row_begin : i0;
        const ptrdiff_t s1 = p->data_row_end < i0 + rows - 1 + kh ? p->data_row_end : i0 + rows - 1 + kh;
        for (ptrdiff_t j0 = 0; j0 < p->out_w; j0 += 16) {
            const ptrdiff_t lanes = p->out_w - j0 < 16 ? p->out_w - j0 : 16;
            __m512 acc[GC_WIDE_ROWS];
            _Pragma("unroll") for (int r = 0; r < GC_WIDE_ROWS; ++r) acc[r] = _mm512_set1_ps(bias);
            for (ptrdiff_t s = s0; s < s1; ++s) {
                const float *row = src + s * stride;
                // Tile row r reads kernel row u = s − i0 − r: the rows r_lo … r_hi are inside the kernel.
                const ptrdiff_t r_lo = s - i0 - kh + 1 > 0 ? s - i0 - kh + 1 : 0;
                const ptrdiff_t r_hi = s - i0 < rows - 1 ? s - i0 : rows - 1;
                const unsigned live = (0xFFFFu >> (15 - r_hi)) & (0xFFFFu << r_lo);
                for (ptrdiff_t c = c0; c < c1; ++c) {
                    // Lanes jj with 0 ≤ c − (j0 + jj) < kw, among the block's lanes.
                    const ptrdiff_t lo = c - kw + 1 - j0 > 0 ? c - kw + 1 - j0 : 0;
                    const ptrdiff_t hi = c - j0 < lanes - 1 ? c - j0 : lanes - 1;
                    if (lo > hi) continue;
                    const __mmask16 m = (__mmask16)((0xFFFFu >> (15 - hi)) & (0xFFFFu << lo));
                    const __m512 x = _mm512_set1_ps(row[c]);
                    // Lane jj of tile row r reads rev[u·kw + kw − 1 − c + j0 + jj], u = s − i0 − r.
                    const float *wc = rev + (s - i0) * kw + (kw - 1 - c + j0);
                    _Pragma("unroll") for (int r = 0; r < GC_WIDE_ROWS; ++r) {
                        if ((live >> r) & 1) acc[r] = _mm512_mask3_fmadd_ps(x, _mm512_loadu_ps(wc - r * kw), acc[r], m);
                    }
                }
            }
            const __mmask16 store = (__mmask16)(0xFFFFu >> (16 - lanes));
            for (ptrdiff_t r = 0; r < rows; ++r) _mm512_mask_storeu_ps(out + (i0 + r) * p->out_w + j0, store, acc[r]);
        }
    }
    free(buffer);
}

#undef GC_WIDE_ROWS
