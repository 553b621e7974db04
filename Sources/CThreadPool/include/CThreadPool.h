#ifndef GLOBALCONV_CTHREADPOOL_H
#define GLOBALCONV_CTHREADPOOL_H

/// GlobalConv's parallel runtime: one process-wide pool of persistent worker threads that runs
/// *parallel regions* — `count` items split into chunks, each participant owning a contiguous block of
/// them and taking over the others' when its own is done.
///
/// - The pool has `gc_pool_participants() - 1` workers, sized once from the CPU affinity mask of the
///   process (`sched_getaffinity`), created on the first region that asks for more than one thread.
///   `GLOBALCONV_POOL_WORKERS` (0…255) sets the worker count instead — for testing regions of many
///   participants on a small machine (.ci/sanitizers); more workers than CPUs oversubscribe them.
/// - The calling thread takes part (participant 0); workers are participants 1…; a region uses at most
///   `threads` participants.
/// - After a region a worker spins (checking the clock) for a bounded time (`GLOBALCONV_SPIN_US`,
///   default 1000 µs) before parking on a condition variable, so back-to-back regions do not pay a
///   wake-up and an idle process costs nothing after that. Measured on the 2-vCPU development VMs: waking
///   a parked worker took from 8 µs to over 1 ms (the idle vCPU is halted in the hypervisor), so with
///   200 µs of spinning 2 of 8 benchmark runs lost the worker for several regions after a planning pause;
///   with 1 ms, 0 of 8 (as 5 ms).
/// - Blocks with stealing: participant q of P owns the chunks [⌊q·C/P⌋, ⌊(q+1)·C/P⌋) of the region's C
///   chunks and claims them front to back; once its block is empty it takes chunks from the back of the
///   others' blocks (the next participants' first). So consecutive regions over the same items give each
///   participant the same items — a layer reads mostly what the same core wrote in the layer before —
///   while a participant that starts late or runs on a busy core simply runs fewer chunks. A worker that
///   arrives after every chunk is claimed never runs the body, and the region ends as soon as every
///   participant that ran the body has returned. (Measured against one shared counter on the 2-vCPU AMD
///   EPYC VM: VAN-b0 and MogaNet-T 4–5 % faster on two threads; when the two vCPUs share one core, VAN-b0
///   8.2 instead of 11.0 ms. Docs/performance.md, "Ninth session".)
/// - A region started while the pool is already running one (another thread's, or a nested region
///   inside a body) runs inline on the calling thread: same chunks, one participant.
/// - No allocation per region.
/// - In a child process made by fork() every region runs inline (the workers do not survive a fork).
///
/// Thread safety: every function may be called from any thread at any time.

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The chunks of one region as seen by one participant; lives on that participant's stack.
typedef struct gc_region_claims {
    void *region;       // the region's blocks and bounds (opaque)
    long first_begin;   // a chunk claimed before the body was entered, or -1
    long first_end;
    int participant;    // whose block the claims start from: 0 the caller, 1… the workers
} gc_region_claims;

/// A region's body, called once per participant that has work: claims chunks with
/// `gc_region_next` until it returns 0, then returns. It must drain the claims.
typedef void (*gc_region_body)(void *context, gc_region_claims *claims, int participant);

/// Runs a parallel region over `0..<count` in chunks of `chunk` items with at most `threads`
/// participants and returns when every claimed chunk's body has returned. Returns the number of
/// participants the region was offered to (1 when it ran inline).
int gc_pool_run(long count, long chunk, int threads, gc_region_body body, void *context);

/// Claims the next chunk: stores `[*begin, *end)` and returns 1, or returns 0 when none is left.
int gc_region_next(gc_region_claims *claims, long *begin, long *end);

/// Participants a region can have at most: workers + the calling thread (the affinity mask's CPU count).
int gc_pool_participants(void);

/// Debug counters since the process started (relaxed; for measurement only).
typedef struct gc_pool_statistics {
    uint64_t regions;          // regions started through gc_pool_run
    uint64_t inline_regions;   // of those, run inline (one thread asked, nested, or pool busy)
    uint64_t worker_joins;     // bodies run by workers (not the caller)
    uint64_t region_ns;        // wall time inside gc_pool_run, summed
    uint64_t wakeups;          // condition-variable broadcasts to parked workers
} gc_pool_statistics;

gc_pool_statistics gc_pool_stats(void);

#ifdef __cplusplus
}
#endif

#endif
