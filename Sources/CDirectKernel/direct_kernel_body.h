// The general direct kernel, instantiated by direct_kernel.c once per precision and level: each
// inclusion defines the function GC_KERNEL, one name of the GC_DIRECT_KERNELS list (direct_kernels.h),
// e.g. gc_f32_dw_avx512 (helpers: GC_KERNEL followed by _vec, _half, _quarter, _scalar_rows).
// Parameters: GC_KERNEL (the function's name), GC_T (float/double), GC_LANES (lanes of the main vector),
// GC_TARGET (GC_TARGET_AVX512, GC_TARGET_AVX2 or GC_TARGET_PORTABLE of CCPUFeatures.h). Vectorised over output columns (main vector, a half- or quarter-width one for narrow
// maps, scalars below), register-blocked over GC_ROWS output rows; tiles at the right and bottom edges
// overlap the previous tile instead of masking (outputs are stored, so recomputing one is harmless).

typedef GC_T GC_HELPER(_vec) __attribute__((vector_size(GC_LANES * sizeof(GC_T)), aligned(sizeof(GC_T))));
typedef GC_T GC_HELPER(_half) __attribute__((vector_size(GC_LANES / 2 * sizeof(GC_T)), aligned(sizeof(GC_T))));
#if GC_LANES >= 8
// A quarter vector (4 floats or 2 doubles under AVX-512, 2 floats under AVX2) for maps narrower than half
// a vector: a 7-wide map (the last stage of most backbones) runs as two overlapping 4-lane tiles instead
// of seven scalar columns.
typedef GC_T GC_HELPER(_quarter) __attribute__((vector_size(GC_LANES / 4 * sizeof(GC_T)), aligned(sizeof(GC_T))));
#define GC_NARROW_COLUMNS(R)                                                                             \
    do {                                                                                                 \
        if (p->out_w >= GC_LANES / 4) GC_COLUMNS(GC_HELPER(_quarter), R);                                   \
        else GC_HELPER(_scalar_rows)(p, src, w, bias, out, i, R);                                           \
    } while (0)
#else
#define GC_NARROW_COLUMNS(R) GC_HELPER(_scalar_rows)(p, src, w, bias, out, i, R)
#endif

// A tile of R rows (R a constant after inlining) × one vector of type VT at (i, j).
#define GC_TILE(VT, R)                                                                                   \
    do {                                                                                                 \
        VT acc[R];                                                                                       \
        for (int r = 0; r < (R); ++r) acc[r] = (VT){} + bias;                                           \
        for (ptrdiff_t u = u_lo; u < u_hi; ++u) {                                                        \
            const GC_T *s = src + (i + p->dilation_h * u) * stride + j;                                  \
            const GC_T *wu = w + u * p->kernel_w;                                                        \
            for (ptrdiff_t v = v_lo; v < v_hi; ++v) {                                                    \
                const VT wv = (VT){} + wu[v];                                                            \
                const GC_T *sv = s + p->dilation_w * v;                                                  \
                for (int r = 0; r < (R); ++r) acc[r] += wv * *(const VT *)(sv + r * stride);            \
            }                                                                                            \
        }                                                                                                \
        for (int r = 0; r < (R); ++r) *(VT *)(out + (i + r) * p->out_w + j) = acc[r];                   \
    } while (0)

// All column blocks of one row tile, with vectors of type VT.
#define GC_COLUMNS(VT, R)                                                                                \
    do {                                                                                                 \
        const ptrdiff_t lanes = (ptrdiff_t)(sizeof(VT) / sizeof(GC_T));                                  \
        for (ptrdiff_t j0 = 0; j0 < p->out_w; j0 += lanes) {                                             \
            const ptrdiff_t j = j0 < p->out_w - lanes ? j0 : p->out_w - lanes;                           \
            ptrdiff_t v_lo, v_hi;                                                                        \
            gc_tap_range(j, lanes, p->dilation_w, p->kernel_w, p->data_col_begin, p->data_col_end,      \
                         &v_lo, &v_hi);                                                                  \
            GC_TILE(VT, R);                                                                              \
        }                                                                                                \
    } while (0)

#define GC_ROW_TILE(R)                                                                                   \
    do {                                                                                                 \
        if (p->out_w >= GC_LANES) GC_COLUMNS(GC_HELPER(_vec), R);                                           \
        else if (p->out_w >= GC_LANES / 2) GC_COLUMNS(GC_HELPER(_half), R);                                 \
        else GC_NARROW_COLUMNS(R);                                                                       \
    } while (0)

GC_TARGET static void GC_HELPER(_scalar_rows)(const gc_direct_plane *p, const GC_T *src, const GC_T *w, GC_T bias,
                                           GC_T *out, ptrdiff_t i0, ptrdiff_t rows) {
    const ptrdiff_t stride = p->src_stride;
    for (ptrdiff_t i = i0; i < i0 + rows; ++i) {
        ptrdiff_t u_lo, u_hi;
        gc_tap_range(i, 1, p->dilation_h, p->kernel_h, p->data_row_begin, p->data_row_end, &u_lo, &u_hi);
        for (ptrdiff_t j = 0; j < p->out_w; ++j) {
            ptrdiff_t v_lo, v_hi;
            gc_tap_range(j, 1, p->dilation_w, p->kernel_w, p->data_col_begin, p->data_col_end, &v_lo, &v_hi);
            GC_T a = bias;
            for (ptrdiff_t u = u_lo; u < u_hi; ++u) {
                const GC_T *s = src + (i + p->dilation_h * u) * stride + j;
                for (ptrdiff_t v = v_lo; v < v_hi; ++v) a += w[u * p->kernel_w + v] * s[p->dilation_w * v];
            }
            out[i * p->out_w + j] = a;
        }
    }
}

GC_TARGET static void GC_KERNEL(const gc_direct_plane *p, const GC_T *src, const GC_T *w, GC_T bias, GC_T *out) {
    const ptrdiff_t stride = p->src_stride;
    GC_FOR_ROW_TILES(GC_ROW_TILE);
}

#undef GC_TILE
#undef GC_COLUMNS
#undef GC_ROW_TILE
#undef GC_NARROW_COLUMNS
#undef GC_KERNEL
#undef GC_T
#undef GC_LANES
#undef GC_TARGET
