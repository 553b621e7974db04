// GlobalConv's parallel runtime (see CThreadPool.h for the contract).
//
// Protocol (all atomics sequentially consistent where two threads must agree, acquire/release otherwise):
//
//   publish (caller, owning the pool through `busy`):
//     epoch := odd                    -- closes the job slot: no worker may start reading it now
//     wait until inside == 0          -- workers still reading the previous job have left
//     write job fields, each participant's block := its share of the chunks, pending := 0
//     epoch := even (release)         -- publishes the job
//     if sleepers > 0: lock; broadcast; unlock
//   worker:
//     see an even epoch v != last (acquire); inside += 1; if epoch != v: inside -= 1, retry
//       (Dekker pair with the caller's `epoch := odd; load inside`: either the caller waits for this
//       worker or the worker sees the slot closed)
//     if it is a participant: pending += 1; claim a chunk; if one was claimed run the body;
//       pending -= 1 (release)
//     inside -= 1 (release)
//   caller: runs the body as participant 0, which claims until every block is empty, then waits for pending == 0.
//     A worker that joins after that finds no chunk left and never calls the body, so the caller's
//     context is not touched once gc_pool_run has returned.
//   parking (worker, after the spin budget): lock; sleepers += 1; while epoch == last: wait; sleepers -= 1
//     (Dekker pair with the caller's `epoch := even; load sleepers`: no lost wake-up).

#define _GNU_SOURCE
#include "CThreadPool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#ifdef GC_POOL_TRACE
#include <stdio.h>
#endif

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
static inline void cpu_relax(void) { _mm_pause(); }
#elif defined(__aarch64__)
static inline void cpu_relax(void) { __asm__ __volatile__("yield"); }
#else
static inline void cpu_relax(void) {}
#endif

#define CACHE_LINE 64
#define MAX_WORKERS 255

/// One participant's block of a region's chunks: [front, back) in chunk indices, packed as
/// front | back << 32. The owner claims at the front; the others steal at the back.
typedef struct block {
    _Alignas(CACHE_LINE) _Atomic uint64_t ends;
} block;

typedef struct region {
    _Alignas(CACHE_LINE) _Atomic long next;  // the shared counter when `blocks` is NULL (inline, or over 2³² chunks)
    _Alignas(CACHE_LINE) long count;
    long chunk;
    block *blocks;                           // one per participant, or NULL
    int participants;                        // participants the region is offered to
} region;

typedef struct pool {
    _Alignas(CACHE_LINE) _Atomic unsigned long epoch;
    _Alignas(CACHE_LINE) _Atomic int inside;
    _Alignas(CACHE_LINE) _Atomic long pending;
    _Alignas(CACHE_LINE) _Atomic int busy;
    _Alignas(CACHE_LINE) _Atomic int sleepers;
    // The job, written only between `epoch := odd` and `epoch := even`.
    _Alignas(CACHE_LINE) gc_region_body body;
    void *context;
    region work;
    block blocks[MAX_WORKERS + 1];  // the pooled region's blocks (region.blocks points here)
    // Fixed after start-up: the workers the affinity mask asks for (size_pool), and those that started.
    int workers;
    _Atomic int started_workers;
    long spin_ns;
    pthread_mutex_t mutex;
    pthread_cond_t wake;
    // Counters (relaxed).
    _Atomic uint64_t regions, inline_regions, worker_joins, region_ns, wakeups;
} pool;

#ifdef GC_POOL_TRACE
// The region trace (Docs/performance.md, "Reading a region trace"): compiled only with
// `swift build -c release -Xcc -DGC_POOL_TRACE`, and then active when GLOBALCONV_POOL_TRACE names a file.
// Per region started by a caller outside any region, one line at exit: start, end of the caller's share,
// first and last moment a worker spent in the body (0 if none ran it), end (ns, CLOCK_MONOTONIC), item
// count, chunk size, participants, chunks the caller ran, chunks the workers ran.
typedef struct trace_record {
    long start, caller_end, worker_start, worker_end, end, count, chunk, caller_chunks, worker_chunks;
    int participants;
} trace_record;
enum { TRACE_CAPACITY = 1 << 21 };
static trace_record *trace_records;
static _Atomic long trace_length;
static _Atomic long trace_worker_start, trace_worker_end, trace_worker_chunks;
static _Thread_local long trace_chunks;  // successful claims of this thread in the current region
static pthread_once_t trace_once = PTHREAD_ONCE_INIT;

static void trace_write(void) {
    FILE *f = fopen(getenv("GLOBALCONV_POOL_TRACE"), "w");
    if (!f) return;
    long n = atomic_load(&trace_length);
    if (n > TRACE_CAPACITY) n = TRACE_CAPACITY;
    for (long i = 0; i < n; i++) {
        const trace_record *r = &trace_records[i];
        fprintf(f, "%ld %ld %ld %ld %ld %ld %ld %d %ld %ld\n", r->start, r->caller_end, r->worker_start, r->worker_end,
                r->end, r->count, r->chunk, r->participants, r->caller_chunks, r->worker_chunks);
    }
    fclose(f);
}

static void trace_open(void) {
    if (!getenv("GLOBALCONV_POOL_TRACE")) return;
    trace_records = malloc(sizeof(trace_record) * TRACE_CAPACITY);
    if (trace_records) atexit(trace_write);
}

static void trace_add(trace_record r) {
    const long i = atomic_fetch_add(&trace_length, 1);
    if (i < TRACE_CAPACITY) trace_records[i] = r;
}
#define TRACE(statement) statement
#else
#define TRACE(statement)
#endif

static pool the_pool = {
    .mutex = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
};
static pthread_once_t sized = PTHREAD_ONCE_INIT;
/// Set in a child process after fork(): the pool's threads did not survive, and its state may be
/// mid-region, so every region there runs inline on its caller.
static _Atomic int forked_child = 0;

static void mark_forked_child(void) { atomic_store(&forked_child, 1); }
static pthread_once_t started = PTHREAD_ONCE_INIT;
static _Thread_local int in_region = 0;

static long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000000000L + t.tv_nsec;
}

/// The environment variable `name` as a whole decimal number in [lo, hi], or `fallback` (unset or not such).
static long env_long(const char *name, long lo, long hi, long fallback) {
    const char *env = getenv(name);
    if (!env) return fallback;
    char *end = 0;
    const long v = strtol(env, &end, 10);
    return end != env && *end == 0 && v >= lo && v <= hi ? v : fallback;
}

static void size_pool(void) {
    int cpus = 1;
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) cpus = CPU_COUNT(&set);
    if (cpus < 1) cpus = 1;
    if (cpus - 1 > MAX_WORKERS) cpus = MAX_WORKERS + 1;
    the_pool.workers = (int)env_long("GLOBALCONV_POOL_WORKERS", 0, MAX_WORKERS, cpus - 1);
    // See CThreadPool.h: a parked worker may take over 1 ms to wake on a VM.
    the_pool.spin_ns = env_long("GLOBALCONV_SPIN_US", 0, 1000000, 1000) * 1000;
    pthread_atfork(NULL, NULL, mark_forked_child);
}

int gc_pool_participants(void) {
    pthread_once(&sized, size_pool);
    return the_pool.workers + 1;
}

/// Chunk `c` of region r as items.
static int chunk_items(const region *r, long c, long *begin, long *end) {
    TRACE(trace_chunks++;)
    *begin = c * r->chunk;
    *end = *begin + r->chunk < r->count ? *begin + r->chunk : r->count;
    return 1;
}

/// Claims a chunk for `participant`: the front of its own block, else the back of another's (the next
/// participants' first, wrapping). Fronts only grow and backs only shrink, so a block found empty stays
/// empty, and a participant that finds every block empty has seen the last chunk claimed.
static int claim(region *r, int participant, long *begin, long *end) {
    if (!r->blocks) {
        const long b = atomic_fetch_add_explicit(&r->next, r->chunk, memory_order_relaxed);
        if (b >= r->count) return 0;
        return chunk_items(r, b / r->chunk, begin, end);
    }
    const int n = r->participants;
    for (int i = 0; i < n; i++) {
        const int owner = (participant + i) % n;
        _Atomic uint64_t *ends = &r->blocks[owner].ends;
        uint64_t v = atomic_load_explicit(ends, memory_order_relaxed);
        for (;;) {
            const uint64_t front = v & 0xFFFFFFFFu, back = v >> 32;
            if (front >= back) break;
            const int own = i == 0;
            const uint64_t next = own ? (front + 1) | (back << 32) : front | ((back - 1) << 32);
            if (atomic_compare_exchange_weak_explicit(ends, &v, next, memory_order_relaxed, memory_order_relaxed))
                return chunk_items(r, (long)(own ? front : back - 1), begin, end);
        }
    }
    return 0;
}

int gc_region_next(gc_region_claims *claims, long *begin, long *end) {
    if (claims->first_begin >= 0) {
        *begin = claims->first_begin;
        *end = claims->first_end;
        claims->first_begin = -1;
        return 1;
    }
    return claim((region *)claims->region, claims->participant, begin, end);
}

/// Waits for an even epoch other than `last`: spins for the budget, then parks.
static unsigned long await_job(unsigned long last) {
    pool *p = &the_pool;
    long deadline = -1;
    for (unsigned spins = 0;; spins++) {
        unsigned long e = atomic_load_explicit(&p->epoch, memory_order_acquire);
        if (e != last && (e & 1) == 0) return e;
        cpu_relax();
        if ((spins & 255) != 255) continue;
        long t = now_ns();
        if (deadline < 0) deadline = t + p->spin_ns;
        if (t < deadline) continue;
        pthread_mutex_lock(&p->mutex);
        atomic_fetch_add(&p->sleepers, 1);
        while (atomic_load(&p->epoch) == last) pthread_cond_wait(&p->wake, &p->mutex);
        atomic_fetch_sub(&p->sleepers, 1);
        pthread_mutex_unlock(&p->mutex);
        deadline = -1;
    }
}

static void *worker_main(void *arg) {
    pool *p = &the_pool;
    const int id = (int)(long)arg;  // participant index, 1…workers
    in_region = 1;                  // a region started inside a body runs inline
    unsigned long last = 0;  // epoch 0 is "no job yet"; a worker started late still joins the current region
    for (;;) {
        unsigned long e = await_job(last);
        last = e;
        atomic_fetch_add(&p->inside, 1);
        if (atomic_load(&p->epoch) != e) { atomic_fetch_sub(&p->inside, 1); continue; }
        if (id < p->work.participants) {
            atomic_fetch_add(&p->pending, 1);
            gc_region_claims claims = { .region = &p->work, .first_begin = -1, .first_end = -1, .participant = id };
            TRACE(trace_chunks = 0;)
            if (claim(&p->work, id, &claims.first_begin, &claims.first_end)) {
                atomic_fetch_add_explicit(&p->worker_joins, 1, memory_order_relaxed);
                TRACE(const long started = now_ns();)
                p->body(p->context, &claims, id);
                TRACE({
                    long expected = 0;
                    atomic_compare_exchange_strong(&trace_worker_start, &expected, started);
                    atomic_store(&trace_worker_end, now_ns());
                    atomic_fetch_add(&trace_worker_chunks, trace_chunks);
                })
            }
            atomic_fetch_sub_explicit(&p->pending, 1, memory_order_release);
        }
        atomic_fetch_sub_explicit(&p->inside, 1, memory_order_release);
    }
    return 0;
}

static void start_workers(void) {
    pool *p = &the_pool;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int made = 0;
    for (int i = 1; i <= p->workers; i++) {
        pthread_t t;
        if (pthread_create(&t, &attr, worker_main, (void *)(long)i) != 0) break;
        made++;
    }
    pthread_attr_destroy(&attr);
    atomic_store(&p->started_workers, made);  // fewer than asked if the system refused some; regions still complete
}

static void run_inline(long count, long chunk, gc_region_body body, void *context) {
    region r = { .count = count, .chunk = chunk, .blocks = NULL, .participants = 1 };
    atomic_init(&r.next, 0);
    gc_region_claims claims = { .region = &r, .first_begin = -1, .first_end = -1, .participant = 0 };
    int was = in_region;
    in_region = 1;
    body(context, &claims, 0);
    in_region = was;
}

int gc_pool_run(long count, long chunk, int threads, gc_region_body body, void *context) {
    if (count <= 0) return 0;
    if (chunk < 1) chunk = 1;
    pool *p = &the_pool;
    pthread_once(&sized, size_pool);
    atomic_fetch_add_explicit(&p->regions, 1, memory_order_relaxed);
    TRACE(pthread_once(&trace_once, trace_open);)
    const long t0 = now_ns();
    long chunks = (count + chunk - 1) / chunk;
    long want = threads < chunks ? threads : chunks;
    if (want > p->workers + 1) want = p->workers + 1;
    int expected = 0;
    if (want <= 1 || in_region || atomic_load_explicit(&forked_child, memory_order_relaxed)
        || !atomic_compare_exchange_strong(&p->busy, &expected, 1)) {
        atomic_fetch_add_explicit(&p->inline_regions, 1, memory_order_relaxed);
        // A region nested in a body counts its claims apart: the enclosing region's count is restored after.
        TRACE(const int outermost = !in_region; const long enclosing_chunks = trace_chunks; trace_chunks = 0;)
        run_inline(count, chunk, body, context);
        TRACE(if (trace_records && outermost) {
            const long end = now_ns();
            trace_add((trace_record){ .start = t0, .caller_end = end, .end = end, .count = count, .chunk = chunk,
                                      .participants = 1, .caller_chunks = trace_chunks });
        }
        trace_chunks = enclosing_chunks;)
        atomic_fetch_add_explicit(&p->region_ns, (uint64_t)(now_ns() - t0), memory_order_relaxed);
        return 1;
    }
    pthread_once(&started, start_workers);
    const int started_workers = atomic_load(&p->started_workers);
    if (want > started_workers + 1) want = started_workers + 1;

    // Publish.
    unsigned long e = atomic_load_explicit(&p->epoch, memory_order_relaxed);
    atomic_store(&p->epoch, e + 1);
    while (atomic_load(&p->inside) != 0) cpu_relax();
    p->body = body;
    p->context = context;
    p->work.count = count;
    p->work.chunk = chunk;
    p->work.participants = (int)want;
    if (chunks <= 0xFFFFFFFFL) {
        // Participant q's block: chunks [⌊q·chunks/want⌋, ⌊(q+1)·chunks/want⌋).
        p->work.blocks = p->blocks;
        for (long q = 0; q < want; q++) {
            const uint64_t front = (uint64_t)(q * chunks / want), back = (uint64_t)((q + 1) * chunks / want);
            atomic_store_explicit(&p->blocks[q].ends, front | (back << 32), memory_order_relaxed);
        }
    } else {
        p->work.blocks = NULL;
    }
    atomic_store_explicit(&p->work.next, 0, memory_order_relaxed);
    atomic_store_explicit(&p->pending, 0, memory_order_relaxed);
    atomic_store(&p->epoch, e + 2);
    if (atomic_load(&p->sleepers) > 0) {
        atomic_fetch_add_explicit(&p->wakeups, 1, memory_order_relaxed);
        pthread_mutex_lock(&p->mutex);
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->mutex);
    }

    // Take part, then wait for the workers that are running the body.
    in_region = 1;
    gc_region_claims claims = { .region = &p->work, .first_begin = -1, .first_end = -1, .participant = 0 };
    TRACE(trace_chunks = 0;)
    body(context, &claims, 0);
    TRACE(const long caller_end = now_ns(); const long caller_chunks = trace_chunks;)
    in_region = 0;
    for (unsigned spins = 0; atomic_load_explicit(&p->pending, memory_order_acquire) != 0; spins++) {
        if (spins < 4096) cpu_relax(); else sched_yield();
    }
    TRACE(if (trace_records) {
        const long end = now_ns();
        trace_add((trace_record){ .start = t0, .caller_end = caller_end, .worker_start = atomic_exchange(&trace_worker_start, 0),
                                  .worker_end = atomic_exchange(&trace_worker_end, 0), .end = end, .count = count, .chunk = chunk,
                                  .participants = (int)want, .caller_chunks = caller_chunks,
                                  .worker_chunks = atomic_exchange(&trace_worker_chunks, 0) });
    })
    atomic_store_explicit(&p->busy, 0, memory_order_release);
    atomic_fetch_add_explicit(&p->region_ns, (uint64_t)(now_ns() - t0), memory_order_relaxed);
    return (int)want;
}

gc_pool_statistics gc_pool_stats(void) {
    pool *p = &the_pool;
    gc_pool_statistics s = {
        .regions = atomic_load_explicit(&p->regions, memory_order_relaxed),
        .inline_regions = atomic_load_explicit(&p->inline_regions, memory_order_relaxed),
        .worker_joins = atomic_load_explicit(&p->worker_joins, memory_order_relaxed),
        .region_ns = atomic_load_explicit(&p->region_ns, memory_order_relaxed),
        .wakeups = atomic_load_explicit(&p->wakeups, memory_order_relaxed),
    };
    return s;
}
