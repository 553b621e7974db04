#ifndef GLOBALCONV_CCPUFEATURES_H
#define GLOBALCONV_CCPUFEATURES_H

/// CPU detection and the instruction-set macros of GlobalConv's C targets (CDirectKernel, CVectorMath):
/// the one home of the ISA levels, of the run-time check and of every `target` attribute string.
///
/// A kernel family is compiled once per level with function target attributes (no global compiler
/// flags); each family keeps a dispatch table per level and indexes it with `gc_isa_clamp(requested)`
/// (or `gc_cpu_best_isa()` where the caller requests no level) — the CPU is detected once per process,
/// and a call costs one load and one table lookup.

/// Instruction-set levels of the kernels, lowest first. A requested level above what the CPU runs
/// runs as the highest supported one (gc_isa_clamp).
typedef enum {
    GC_ISA_PORTABLE = 0,  ///< GCC vector extensions, 16-byte vectors (SSE2 on x86-64, NEON on arm64)
    GC_ISA_AVX2 = 1,      ///< AVX2 + FMA, 32-byte vectors
    GC_ISA_AVX512 = 2     ///< AVX-512F/VL (+ AVX2, FMA), 64-byte vectors
} gc_isa;

/// Number of levels (tables indexed by gc_isa have this many rows).
#define GC_ISA_COUNT 3

/// The highest level this CPU runs: AVX-512 when it has AVX-512F and AVX-512VL, else AVX2 when it has
/// AVX2 and FMA, else portable (always portable off x86-64). Detected on the first call (pthread_once),
/// then a plain load. Thread-safe.
gc_isa gc_cpu_best_isa(void);

/// `requested` limited to what this CPU runs: min(requested, gc_cpu_best_isa()), and portable for a
/// negative request. Thread-safe.
static inline gc_isa gc_isa_clamp(int requested) {
    const int best = (int)gc_cpu_best_isa();
    return (gc_isa)(requested < 0 ? 0 : requested < best ? requested : best);
}

/// One instantiated kernel of a C target (its X-macro list): tests run every one the CPU supports, and a
/// profile names them (grep the name in Sources to find the list entry and the definition).
typedef struct {
    const char *name;   ///< the C function's name, e.g. "gc_f32_dw_avx512"
    gc_isa isa;         ///< the level it is compiled for
    int element_size;   ///< 4 (single precision) or 8 (double)
} gc_kernel_info;

#if defined(__x86_64__)
/// Defined on x86-64, where the AVX2 and AVX-512 versions of the kernels exist.
#define GC_X86 1
/// Function attribute compiling one function for level GC_ISA_AVX512.
#define GC_TARGET_AVX512 __attribute__((target("avx512f,avx512vl,avx2,fma")))
/// Function attribute compiling one function for level GC_ISA_AVX2.
#define GC_TARGET_AVX2 __attribute__((target("avx2,fma")))
#endif
/// Function attribute of level GC_ISA_PORTABLE: none (the target's baseline).
#define GC_TARGET_PORTABLE

/// GC_CLONES: compile a whole-array loop for x86-64-v4 (AVX-512), x86-64-v3 (AVX2) and baseline x86-64
/// with target_clones, dispatched by an ifunc resolver at load time (CVectorMath's element-wise passes).
/// Not under a sanitizer (swift test --sanitize=thread/address, Docs/reliability.md "Sanitizers"): the
/// dynamic loader runs ifunc resolvers before the sanitizer runtime is up, and the instrumented resolver
/// crashes at start-up; sanitizer builds use the baseline version only (GC_NO_CLONES). Take GC_CLONES
/// from here, never write target_clones by hand.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define GC_NO_CLONES 1
#endif
#endif

#if defined(__x86_64__) && defined(__clang__) && !defined(GC_NO_CLONES)
#define GC_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define GC_CLONES
#endif

#endif
