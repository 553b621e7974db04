// The direct kernel of GlobalConv's depthwise and circular convolutions, compiled once per instruction
// set with function target attributes (no global compiler flags; the attributes and the CPU check are
// CCPUFeatures'): AVX-512 (16 floats / 8 doubles per vector, fused multiply-add; for dilation_w == 1 and
// kernel_w > 1 on a 64-byte aligned source the aligned-window kernel of direct_kernel_aligned.h, and for
// single precision with kernel_w 2…16 the row-reuse kernels of direct_kernel_rows.h), AVX2 + FMA (8 / 4),
// or a portable version (4 / 2, GCC vector extensions: SSE2 on x86-64, NEON on arm64). Every
// instantiated function is named in direct_kernels.h (gc_f32_dw_avx512, gc_f64_dw_portable,
// gc_f32_dw_rows7_avx512, …); gc_direct_tables holds them per level, and a call picks its table with
// gc_isa_clamp (the CPU is asked once per process).
//
// Each output is bias + a sum of products in u-major, then v, order; the ISA versions differ only in
// whether a product and its addition are fused (one rounding instead of two), which never increases
// the error bound gamma(T+1)·(|b| + sum|w||x|).

#include "CDirectKernel.h"
#include "direct_kernels.h"
#include <stdint.h>
#include <stdlib.h>

#ifdef GC_X86
#include <immintrin.h>
#endif

#pragma STDC FP_CONTRACT ON

#define GC_CAT_(a, b) a##b
#define GC_CAT(a, b) GC_CAT_(a, b)
// A helper of the kernel being instantiated: GC_HELPER(_vec) is gc_f32_dw_avx512_vec for GC_KERNEL
// gc_f32_dw_avx512.
#define GC_HELPER(suffix) GC_CAT(GC_KERNEL, suffix)

static inline ptrdiff_t gc_floor_div(ptrdiff_t a, ptrdiff_t b) {
    const ptrdiff_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

// The taps t < taps for which some position of [start, start+count), shifted by dilation·t, lands in
// [data_begin, data_end): contiguous because the shifted window moves monotonically. Empty → lo == hi.
static inline __attribute__((always_inline)) void gc_tap_range(ptrdiff_t start, ptrdiff_t count, ptrdiff_t dilation,
                                                               ptrdiff_t taps, ptrdiff_t data_begin, ptrdiff_t data_end,
                                                               ptrdiff_t *lo, ptrdiff_t *hi) {
    ptrdiff_t a = -gc_floor_div(-(data_begin - start - count + 1), dilation);
    ptrdiff_t b = gc_floor_div(data_end - 1 - start, dilation) + 1;
    if (a < 0) a = 0;
    if (b > taps) b = taps;
    *lo = a;
    *hi = a < b ? b : a;
}

#define GC_ROWS 8

// Runs ROW_TILE(R) for every row tile of the plane `p`, with `i` (first row), `u_lo`, `u_hi` (the kernel
// rows that reach data for the tile) in scope: tiles of GC_ROWS rows, then 4; a remainder below 4 reuses
// an overlapping 4-row tile when the plane has 4 rows, else goes row by row.
#define GC_FOR_ROW_TILES(ROW_TILE)                                                                        \
    for (ptrdiff_t i0 = 0; i0 < p->out_h;) {                                                              \
        const ptrdiff_t left = p->out_h - i0;                                                             \
        const ptrdiff_t rows = left >= GC_ROWS ? GC_ROWS : (left >= 4 || p->out_h >= 4) ? 4 : 1;          \
        const ptrdiff_t i = left >= rows ? i0 : p->out_h - rows;                                          \
        ptrdiff_t u_lo, u_hi;                                                                             \
        gc_tap_range(i, rows, p->dilation_h, p->kernel_h, p->data_row_begin, p->data_row_end, &u_lo, &u_hi); \
        if (rows == GC_ROWS) ROW_TILE(GC_ROWS);                                                           \
        else if (rows == 4) ROW_TILE(4);                                                                  \
        else ROW_TILE(1);                                                                                 \
        i0 = i + rows;                                                                                    \
    }

// The instantiations, one per entry of direct_kernels.h's lists (each inclusion #undefs its parameters).
#define GC_KERNEL gc_f32_dw_portable
#define GC_T float
#define GC_LANES 4
#define GC_TARGET GC_TARGET_PORTABLE
#include "direct_kernel_body.h"

#define GC_KERNEL gc_f64_dw_portable
#define GC_T double
#define GC_LANES 2
#define GC_TARGET GC_TARGET_PORTABLE
#include "direct_kernel_body.h"

#ifdef GC_X86
#define GC_KERNEL gc_f32_dw_avx2
#define GC_T float
#define GC_LANES 8
#define GC_TARGET GC_TARGET_AVX2
#include "direct_kernel_body.h"

#define GC_KERNEL gc_f64_dw_avx2
#define GC_T double
#define GC_LANES 4
#define GC_TARGET GC_TARGET_AVX2
#include "direct_kernel_body.h"

#define GC_KERNEL gc_f32_dw_avx512
#define GC_T float
#define GC_LANES 16
#define GC_TARGET GC_TARGET_AVX512
#include "direct_kernel_body.h"

#define GC_KERNEL gc_f64_dw_avx512
#define GC_T double
#define GC_LANES 8
#define GC_TARGET GC_TARGET_AVX512
#include "direct_kernel_body.h"

#include "direct_kernel_rows.h"

#define GC_KERNEL gc_f32_dw_aligned_avx512
#define GC_T float
#define GC_LANES 16
#define GC_VEC __m512
#define GC_LOAD _mm512_load_ps
#define GC_STOREU _mm512_storeu_ps
#define GC_MASK_STOREU(p, m, v) _mm512_mask_storeu_ps(p, (__mmask16)(m), v)
#define GC_SET1 _mm512_set1_ps
#define GC_FMADD _mm512_fmadd_ps
#define GC_ALIGNR(b, a, t) _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(b), _mm512_castps_si512(a), t))
#include "direct_kernel_aligned.h"

#define GC_KERNEL gc_f64_dw_aligned_avx512
#define GC_T double
#define GC_LANES 8
#define GC_VEC __m512d
#define GC_LOAD _mm512_load_pd
#define GC_STOREU _mm512_storeu_pd
#define GC_MASK_STOREU(p, m, v) _mm512_mask_storeu_pd(p, (__mmask8)(m), v)
#define GC_SET1 _mm512_set1_pd
#define GC_FMADD _mm512_fmadd_pd
#define GC_ALIGNR(b, a, t) _mm512_castsi512_pd(_mm512_alignr_epi64(_mm512_castpd_si512(b), _mm512_castpd_si512(a), t))
#include "direct_kernel_aligned.h"

#include "direct_kernel_wide.h"
#endif

// The row stride (in elements, a multiple of `lanes`) the aligned kernel needs: two aligned `lanes`-vectors
// per row past the start of the last output block and of the last tap group.
static ptrdiff_t gc_aligned_stride(ptrdiff_t out_w, ptrdiff_t kernel_w, ptrdiff_t lanes) {
    return lanes * ((out_w - 1) / lanes) + lanes * ((kernel_w - 1) / lanes) + 2 * lanes;
}

// Whether `src` has the aligned layout for this plane's kernel: 64-byte aligned, its row stride a multiple of
// `lanes` and at least gc_aligned_stride for the kernel's dilated extent dilation_w·(kernel_w − 1) + 1.
static int gc_aligned_source(const gc_direct_plane *p, const void *src, ptrdiff_t lanes) {
    return ((uintptr_t)src % 64) == 0 && p->src_stride % lanes == 0
        && p->src_stride >= gc_aligned_stride(p->out_w, p->dilation_w * (p->kernel_w - 1) + 1, lanes);
}

// The aligned-window and dilation-1 row-reuse kernels' condition: dilation 1 across, more than one column.
static int gc_use_aligned(const gc_direct_plane *p, const void *src, ptrdiff_t lanes) {
    return p->dilation_w == 1 && p->kernel_w > 1 && gc_aligned_source(p, src, lanes);
}

// Whether the wide-kernel kernel pays: dilation 1, a kernel wider than 16 columns (the row-reuse kernels
// take the narrower ones) and at least as large as the data both across and down — where the other
// kernels' register tiles read much padding in both directions (29×29 on 28×28: 45 % of the taps). With
// its kernel-row-outer form (direct_kernel_wide.h), on 2 threads (ms, `Fixtures/depthwise_compare.py`,
// direct column): 27×27 on 512 planes of 14×14 0.33 (the aligned kernel: 0.53), 29×29 on 256 planes of
// 28×28 1.21 → 0.875 (OpenVINO 1.06). Its earlier data-row-outer form lost there (1.17 → 2.05) and was
// kept to data under two thirds of the kernel. SLaK's 5×51 keeps the aligned kernel (5 rows against 14
// or 28: the live rows of a tile are an interior run, not a straight line).
static int gc_use_wide(const gc_direct_plane *p) {
    const ptrdiff_t columns = p->data_col_end - p->data_col_begin, rows = p->data_row_end - p->data_row_begin;
    return p->dilation_h == 1 && p->dilation_w == 1 && p->kernel_w > 16
        && columns <= p->kernel_w && rows <= p->kernel_h;
}

typedef void (*gc_dw_f32_fn)(const gc_direct_plane *, const float *, const float *, float, float *);
typedef void (*gc_dw_f64_fn)(const gc_direct_plane *, const double *, const double *, double, double *);

// One level's kernels; NULL where the level has none (no aligned or row-reuse kernels below AVX-512).
typedef struct {
    gc_dw_f32_fn plane_f32;
    gc_dw_f64_fn plane_f64;
    gc_dw_f32_fn aligned_f32;    // on sources gc_use_aligned(…, 16) accepts
    gc_dw_f64_fn aligned_f64;    // on sources gc_use_aligned(…, 8) accepts
    gc_dw_f32_fn rows_f32[17];   // by kernel_w (2…16), dilation 1, on sources gc_use_aligned(…, 16) accepts
    gc_dw_f32_fn wide_f32;       // dilation 1, kernel wider than the data columns, any source
} gc_direct_table;

// The dilated row-reuse kernels (AVX-512 only), by kernel width and dilation (equal in both directions),
// on sources gc_aligned_source accepts.
typedef struct {
    ptrdiff_t kernel_w, dilation;
    gc_dw_f32_fn fn;
} gc_direct_dilated;
#define GC_DILATED_ENTRY(NAME, KW, D) {KW, D, NAME},
static const gc_direct_dilated gc_direct_dilated_kernels[] = {GC_DIRECT_DILATED_KERNELS(GC_DILATED_ENTRY) {0, 0, 0}};
#undef GC_DILATED_ENTRY

// The dilated row-reuse kernel for this kernel width and dilation (at least 2, the same both ways), or null.
static gc_dw_f32_fn gc_dilated_kernel(ptrdiff_t kernel_w, ptrdiff_t dilation_w, ptrdiff_t dilation_h) {
    if (dilation_w < 2 || dilation_w != dilation_h) return 0;
    for (const gc_direct_dilated *d = gc_direct_dilated_kernels; d->fn; ++d)
        if (d->kernel_w == kernel_w && d->dilation == dilation_w) return d->fn;
    return 0;
}

#define GC_TABLE_SLOT(NAME, T, SLOT, ISA) [ISA].SLOT = NAME,
#define GC_TABLE_ROWS(NAME, KW) [GC_ISA_AVX512].rows_f32[KW] = NAME,
// The dispatch tables, one per level, filled from the lists at compile time.
static const gc_direct_table gc_direct_tables[GC_ISA_COUNT] = {
    GC_DIRECT_KERNELS(GC_TABLE_SLOT) GC_DIRECT_ROWS_KERNELS(GC_TABLE_ROWS)
};
#undef GC_TABLE_SLOT
#undef GC_TABLE_ROWS

// The kernel a plane runs at level `isa` (clamped to the CPU): the wide-kernel kernel for single-precision
// planes whose kernel covers their data (gc_use_wide: it forms only the products of data), the dilated
// row-reuse kernel for a listed (kernel_w, dilation) with the same dilation both ways on its aligned source
// (gc_aligned_source), the row-reuse kernel for dilation-1 planes with 2 ≤ kernel_w ≤ 16 on the
// aligned source (a one-column kernel needs no shifted windows: the general kernel's one load per product
// already runs at the FMA rate, and measured 2× faster than row reuse), else the aligned-window kernel on
// the aligned source, else the general kernel.
static gc_dw_f32_fn gc_direct_choose_f32(const gc_direct_plane *p, const void *src, int isa) {
    const gc_direct_table *t = &gc_direct_tables[gc_isa_clamp(isa)];
    if (t->wide_f32 && gc_use_wide(p)) return t->wide_f32;
    if (gc_isa_clamp(isa) == GC_ISA_AVX512) {
        const gc_dw_f32_fn dilated = gc_dilated_kernel(p->kernel_w, p->dilation_w, p->dilation_h);
        if (dilated && gc_aligned_source(p, src, 16)) return dilated;
    }
    if (p->dilation_h == 1 && p->kernel_w >= 2 && p->kernel_w <= 16 && t->rows_f32[p->kernel_w]
        && gc_use_aligned(p, src, 16))
        return t->rows_f32[p->kernel_w];
    if (t->aligned_f32 && gc_use_aligned(p, src, 16)) return t->aligned_f32;
    return t->plane_f32;
}

static gc_dw_f64_fn gc_direct_choose_f64(const gc_direct_plane *p, const void *src, int isa) {
    const gc_direct_table *t = &gc_direct_tables[gc_isa_clamp(isa)];
    if (t->aligned_f64 && gc_use_aligned(p, src, 8)) return t->aligned_f64;
    return t->plane_f64;
}

void gc_direct_correlate_f32(const gc_direct_plane *p, const float *src, const float *w, float bias, float *out,
                             int isa) {
    gc_direct_choose_f32(p, src, isa)(p, src, w, bias, out);
}

void gc_direct_correlate_f64(const gc_direct_plane *p, const double *src, const double *w, double bias, double *out,
                             int isa) {
    gc_direct_choose_f64(p, src, isa)(p, src, w, bias, out);
}

ptrdiff_t gc_direct_source_stride(ptrdiff_t out_w, ptrdiff_t kernel_w, ptrdiff_t dilation_w, ptrdiff_t element_size,
                                  int isa) {
    // A one-column kernel needs no shifted windows: the plain kernel's loads are all it does.
    const gc_direct_table *t = &gc_direct_tables[gc_isa_clamp(isa)];
    // A dilated kernel with a row-reuse kernel (single precision, AVX-512; the plane's dilation_h is checked
    // when the kernel is chosen) reads NV aligned vectors per column group.
    if (element_size == 4 && gc_isa_clamp(isa) == GC_ISA_AVX512 && gc_dilated_kernel(kernel_w, dilation_w, dilation_w))
        return gc_aligned_stride(out_w, dilation_w * (kernel_w - 1) + 1, 16);
    const int aligned = element_size == 4 ? t->aligned_f32 != 0 : t->aligned_f64 != 0;
    if (!aligned || dilation_w != 1 || kernel_w == 1) return 0;
    return gc_aligned_stride(out_w, kernel_w, 64 / element_size);
}

// The list of every kernel, in list order, with the function pointers to name a chosen one.
typedef struct {
    gc_kernel_info info;
    void (*fn)(void);
} gc_direct_entry;

#define GC_ENTRY(NAME, T, SLOT, ISA) {{#NAME, ISA, (int)sizeof(T)}, (void (*)(void))NAME},
#define GC_ENTRY_ROWS(NAME, KW) {{#NAME, GC_ISA_AVX512, 4}, (void (*)(void))NAME},
#define GC_ENTRY_LINE(NAME, SLOT, ISA) {{#NAME, ISA, 4}, 0},
#define GC_ENTRY_DILATED(NAME, KW, D) {{#NAME, GC_ISA_AVX512, 4}, (void (*)(void))NAME},
static const gc_direct_entry gc_direct_entries[] = {
    GC_DIRECT_KERNELS(GC_ENTRY) GC_DIRECT_ROWS_KERNELS(GC_ENTRY_ROWS) GC_DIRECT_DILATED_KERNELS(GC_ENTRY_DILATED)
    GC_LINE_KERNELS(GC_ENTRY_LINE)
};
#undef GC_ENTRY
#undef GC_ENTRY_ROWS
#undef GC_ENTRY_LINE
#undef GC_ENTRY_DILATED

ptrdiff_t gc_direct_kernel_count(void) {
    return (ptrdiff_t)(sizeof gc_direct_entries / sizeof gc_direct_entries[0]);
}

gc_kernel_info gc_direct_kernel_at(ptrdiff_t index) {
    return gc_direct_entries[index].info;
}

const char *gc_direct_kernel_name(const gc_direct_plane *p, const void *src, ptrdiff_t element_size, int isa) {
    void (*fn)(void) = element_size == 4 ? (void (*)(void))gc_direct_choose_f32(p, src, isa)
                                         : (void (*)(void))gc_direct_choose_f64(p, src, isa);
    for (ptrdiff_t i = 0; i < gc_direct_kernel_count(); ++i)
        if (gc_direct_entries[i].fn == fn) return gc_direct_entries[i].info.name;
    return "";
}
