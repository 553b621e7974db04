// The AVX-512 kernel for dilation_w == 1 on an aligned source, instantiated by direct_kernel.c once per
// precision as the function GC_KERNEL (gc_f32_dw_aligned_avx512, gc_f64_dw_aligned_avx512 of the
// GC_DIRECT_KERNELS list, direct_kernels.h). Instead of one unaligned vector load per product (which splits a cache line for 15 of 16
// offsets and halves the load throughput), it loads two aligned vectors A = src[c..c+L), B = src[c+L..c+2L)
// per row and builds the window src[c+t..c+t+L) with one in-register shift (valign, t an immediate),
// for every tap t of that 16- (or 8-) wide column group. Output blocks start at multiples of L; the last
// one is stored with a lane mask. Same products, same order (u, then v) as the portable kernel.
//
// Parameters: GC_KERNEL, GC_T, GC_LANES, GC_VEC (__m512/__m512d), and the intrinsics GC_LOAD,
// GC_STOREU, GC_MASK_STOREU, GC_SET1, GC_FMADD, GC_ALIGNR.

// Taps t0 <= t < t1 of one column group, entered through a jump table at t0 (t0 < t1 <= GC_LANES).
#define GC_A_STEP(T, R)                                                                                   \
    case (T): {                                                                                           \
        const GC_VEC wv = GC_SET1(wq[(T)]);                                                               \
        for (int r = 0; r < (R); ++r) acc[r] = GC_FMADD(wv, GC_ALIGNR(b[r], a[r], (T)), acc[r]);         \
        if ((T) + 1 >= t1) break;                                                                         \
    }

#if GC_LANES == 16
#define GC_A_STEPS(R)                                                                                     \
    switch (t0) {                                                                                         \
        GC_A_STEP(0, R) GC_A_STEP(1, R) GC_A_STEP(2, R) GC_A_STEP(3, R) GC_A_STEP(4, R) GC_A_STEP(5, R)   \
        GC_A_STEP(6, R) GC_A_STEP(7, R) GC_A_STEP(8, R) GC_A_STEP(9, R) GC_A_STEP(10, R) GC_A_STEP(11, R) \
        GC_A_STEP(12, R) GC_A_STEP(13, R) GC_A_STEP(14, R) GC_A_STEP(15, R)                               \
        default: break;                                                                                   \
    }
#else
#define GC_A_STEPS(R)                                                                                     \
    switch (t0) {                                                                                         \
        GC_A_STEP(0, R) GC_A_STEP(1, R) GC_A_STEP(2, R) GC_A_STEP(3, R) GC_A_STEP(4, R) GC_A_STEP(5, R)   \
        GC_A_STEP(6, R) GC_A_STEP(7, R)                                                                   \
        default: break;                                                                                   \
    }
#endif

#define GC_A_TILE(R)                                                                                      \
    do {                                                                                                  \
        GC_VEC acc[R];                                                                                    \
        for (int r = 0; r < (R); ++r) acc[r] = GC_SET1(bias);                                             \
        for (ptrdiff_t u = u_lo; u < u_hi; ++u) {                                                         \
            const GC_T *s = src + (i + p->dilation_h * u) * stride + j;                                   \
            const GC_T *wu = w + u * p->kernel_w;                                                         \
            for (ptrdiff_t q = v_lo / GC_LANES; q * GC_LANES < v_hi; ++q) {                               \
                GC_VEC a[R], b[R];                                                                        \
                for (int r = 0; r < (R); ++r) {                                                           \
                    a[r] = GC_LOAD(s + r * stride + q * GC_LANES);                                        \
                    b[r] = GC_LOAD(s + r * stride + q * GC_LANES + GC_LANES);                             \
                }                                                                                         \
                const GC_T *wq = wu + q * GC_LANES;                                                       \
                const ptrdiff_t t0 = v_lo > q * GC_LANES ? v_lo - q * GC_LANES : 0;                       \
                const ptrdiff_t t1 = v_hi - q * GC_LANES;                                                 \
                if (t0 < t1) GC_A_STEPS(R)                                                                \
            }                                                                                             \
        }                                                                                                 \
        for (int r = 0; r < (R); ++r) {                                                                   \
            GC_T *o = out + (i + r) * p->out_w + j;                                                       \
            if (lanes == GC_LANES) GC_STOREU(o, acc[r]);                                                  \
            else GC_MASK_STOREU(o, mask, acc[r]);                                                         \
        }                                                                                                 \
    } while (0)

#define GC_A_ROW_TILE(R)                                                                                  \
    do {                                                                                                  \
        for (ptrdiff_t j = 0; j < p->out_w; j += GC_LANES) {                                              \
            const ptrdiff_t lanes = p->out_w - j < GC_LANES ? p->out_w - j : GC_LANES;                    \
            const unsigned mask = (unsigned)((1u << lanes) - 1u);                                         \
            ptrdiff_t v_lo, v_hi;                                                                         \
            gc_tap_range(j, lanes, 1, p->kernel_w, p->data_col_begin, p->data_col_end, &v_lo, &v_hi);     \
            GC_A_TILE(R);                                                                                 \
        }                                                                                                 \
    } while (0)

GC_TARGET_AVX512 static void GC_KERNEL(const gc_direct_plane *p, const GC_T *src, const GC_T *w, GC_T bias, GC_T *out) {
    const ptrdiff_t stride = p->src_stride;
    GC_FOR_ROW_TILES(GC_A_ROW_TILE);
}

#undef GC_A_STEP
#undef GC_A_STEPS
#undef GC_A_TILE
#undef GC_A_ROW_TILE
#undef GC_KERNEL
#undef GC_T
#undef GC_LANES
#undef GC_VEC
#undef GC_LOAD
#undef GC_STOREU
#undef GC_MASK_STOREU
#undef GC_SET1
#undef GC_FMADD
#undef GC_ALIGNR
