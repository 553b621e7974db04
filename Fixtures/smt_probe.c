// Whether two logical CPUs currently share one core's floating-point units (SMT), measured, not read from
// the topology the guest is told: on a VM the hypervisor may run two vCPUs that the guest sees as separate
// cores on one core's two hyperthreads for a while (the "busy spells" of Docs/performance.md).
//
// An FMA loop with enough independent accumulators to fill both FMA ports (AVX2, 20 chains of 8 floats)
// runs pinned to CPU a alone, to CPU b alone, then on both at once. On separate cores the together rates
// equal the alone rates; on one core's two hyperthreads each gets about half. Prints one JSON object:
//   {"cpus": [a, b], "alone": [ga, gb], "together": [ta, tb], "shared": true|false}   (GFLOP/s)
// with "shared" true when the together rates are below 3/4 of the alone ones.
// Build and run (Fixtures/smt_probe.py does both): cc -O2 -pthread smt_probe.c -o smt_probe && ./smt_probe 0 1
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define ITERATIONS 20000000L

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

#define CHAINS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15) X(16) X(17) X(18) X(19)

// 20 independent FMA chains per iteration: 20 · 8 · 2 flops.
__attribute__((target("avx2,fma"))) static float fma_loop(long n) {
#define DECLARE(i) __m256 a##i = _mm256_set1_ps(0.001f * (i));
    CHAINS(DECLARE)
    const __m256 b = _mm256_set1_ps(0.9999f), c = _mm256_set1_ps(1e-6f);
    for (long k = 0; k < n; k++) {
#define STEP(i) a##i = _mm256_fmadd_ps(a##i, b, c);
        CHAINS(STEP)
    }
    __m256 s = _mm256_setzero_ps();
#define SUM(i) s = _mm256_add_ps(s, a##i);
    CHAINS(SUM)
    float out[8];
    _mm256_storeu_ps(out, s);
    return out[0];
}

typedef struct { int cpu; double gflops; } job;

static void *run(void *arg) {
    job *j = arg;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(j->cpu, &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0) { j->gflops = -1; return NULL; }
    const double t = seconds();
    volatile float sink = fma_loop(ITERATIONS);
    (void)sink;
    j->gflops = (double)ITERATIONS * 20 * 8 * 2 / (seconds() - t) * 1e-9;
    return NULL;
}

int main(int argc, char **argv) {
    const int a = argc > 1 ? atoi(argv[1]) : 0, b = argc > 2 ? atoi(argv[2]) : 1;
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
        printf("{\"cpus\": [%d, %d], \"supported\": false}\n", a, b);
        return 0;
    }
    job alone[2] = {{a, 0}, {b, 0}}, together[2] = {{a, 0}, {b, 0}};
    run(&alone[0]);
    run(&alone[1]);
    pthread_t t[2];
    for (int i = 0; i < 2; i++) pthread_create(&t[i], NULL, run, &together[i]);
    for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
    if (alone[0].gflops < 0 || alone[1].gflops < 0) {
        fprintf(stderr, "smt_probe: cannot pin to CPUs %d and %d\n", a, b);
        return 1;
    }
    const int shared = together[0].gflops < 0.75 * alone[0].gflops && together[1].gflops < 0.75 * alone[1].gflops;
    printf("{\"cpus\": [%d, %d], \"alone\": [%.1f, %.1f], \"together\": [%.1f, %.1f], \"shared\": %s}\n", a, b,
           alone[0].gflops, alone[1].gflops, together[0].gflops, together[1].gflops, shared ? "true" : "false");
    return 0;
}
#else
int main(int argc, char **argv) {
    printf("{\"cpus\": [%s, %s], \"supported\": false}\n", argc > 1 ? argv[1] : "0", argc > 2 ? argv[2] : "1");
    return 0;
}
#endif
