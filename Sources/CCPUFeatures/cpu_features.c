// CPU detection for GlobalConv's C kernels (CCPUFeatures.h): the level is computed once per process.
// __builtin_cpu_supports reads the CPUID data libgcc/compiler-rt caches in __cpu_model; no ifunc is
// involved, so this runs unchanged under the thread and address sanitizers.

#include "CCPUFeatures.h"
#include <pthread.h>

static pthread_once_t gc_cpu_once = PTHREAD_ONCE_INIT;
static gc_isa gc_cpu_level = GC_ISA_PORTABLE;

static void gc_cpu_detect(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) {
        gc_cpu_level = GC_ISA_AVX512;
        return;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        gc_cpu_level = GC_ISA_AVX2;
        return;
    }
#endif
    gc_cpu_level = GC_ISA_PORTABLE;
}

gc_isa gc_cpu_best_isa(void) {
    pthread_once(&gc_cpu_once, gc_cpu_detect);
    return gc_cpu_level;
}
