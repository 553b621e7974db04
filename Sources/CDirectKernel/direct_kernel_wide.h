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
// products are never formed. Register tiles of GC_WIDE_ROWS output rows × one vector.

#define GC_WIDE_ROWS 8

GC_TARGET_AVX512 static void gc_f32_dw_wide_avx512(const gc_direct_plane *p, const float *src, const float *w, float bias,
                                                   float *out) {
    const ptrdiff_t kh = p->kernel_h, kw = p->kernel_w, stride = p->src_stride;
    float *rev = malloc((size_t)(kh * kw) * sizeof(float));
    if (!rev) {  // no memory for the reversed rows: the general kernel computes the same sums
        gc_f32_dw_avx512(p, src, w, bias, out);
        return;
    }
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
                for (ptrdiff_t c = c0; c < c1; ++c) {
                    // Lanes jj with 0 ≤ c − (j0 + jj) < kw, among the block's lanes.
                    const ptrdiff_t lo = c - kw + 1 - j0 > 0 ? c - kw + 1 - j0 : 0;
                    const ptrdiff_t hi = c - j0 < lanes - 1 ? c - j0 : lanes - 1;
                    if (lo > hi) continue;
                    const __mmask16 m = (__mmask16)((0xFFFFu >> (15 - hi)) & (0xFFFFu << lo));
                    const __m512 x = _mm512_set1_ps(row[c]);
                    const float *wc = rev + (kw - 1 - c + j0);  // lane jj reads rev[u·kw + kw − 1 − c + j0 + jj]
                    _Pragma("unroll") for (int r = 0; r < GC_WIDE_ROWS; ++r) {
                        const ptrdiff_t u = s - i0 - r;
                        if (r >= rows || u < 0 || u >= kh) continue;
                        acc[r] = _mm512_mask3_fmadd_ps(x, _mm512_maskz_loadu_ps(m, wc + u * kw), acc[r], m);
                    }
                }
            }
            const __mmask16 store = (__mmask16)(0xFFFFu >> (16 - lanes));
            for (ptrdiff_t r = 0; r < rows; ++r) _mm512_mask_storeu_ps(out + (i0 + r) * p->out_w + j0, store, acc[r]);
        }
    }
    free(rev);
}

#undef GC_WIDE_ROWS
