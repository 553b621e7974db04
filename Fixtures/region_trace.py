#!/usr/bin/env python3
"""Where a forward's time goes between the parallel runtime's regions, from two region traces.

The traces come from a build of the pool with its region trace compiled in (off by default; see
Docs/performance.md, "Reading a region trace"):

  swift build -c release --product globalconv -Xcc -DGC_POOL_TRACE --scratch-path .build-trace
  GLOBALCONV_POOL_TRACE=/tmp/t1.txt .build-trace/release/globalconv bench --model van_b0 --threads 1 --repeats 60 --warmup 3
  GLOBALCONV_POOL_TRACE=/tmp/t2.txt .build-trace/release/globalconv bench --model van_b0 --threads 2 --repeats 60 --warmup 3
  python3 Fixtures/region_trace.py /tmp/t1.txt /tmp/t2.txt --forwards 60

Each trace line is one region started outside any other: start, end of the caller's share, first and last
moment a worker ran the body (0: none did), end (ns), item count, chunk size, participants, chunks the caller
ran, chunks the workers ran. The last `--forwards` forwards of each trace are taken (planning runs come
first): the regions per forward are the shortest period whose last `--forwards` repetitions have the same
item counts, so the number must be the forwards the run timed. The
two runs' region sequences are aligned by their item counts (a thread count may split a layer differently,
e.g. a stencil computed apart): each aligned pair, or run of unaligned ones, is one row. Printed: time inside
regions and between them (the main thread alone) per forward for both runs and for perfect halving, the time
participants spent waiting at region ends, and the rows that lose most against perfect scaling, with the
share of chunks the caller ran.
"""
import argparse
import difflib
import statistics


def forwards(path, count):
    """The last `count` forwards of a trace: lists of per-region tuples (ints)."""
    rows = [tuple(int(v) for v in line.split()) for line in open(path) if line.strip()]
    if len(rows) < count:
        raise SystemExit(f"region_trace: {path}: {len(rows)} regions, fewer than {count} forwards")
    # Regions per forward: the planning forwards before the timed ones may differ, so use the smallest period
    # that makes the last `count` forwards repeat the same item counts.
    for per in range(1, len(rows) // count + 1):
        tail = rows[len(rows) - per * count:]
        fw = [tail[i * per:(i + 1) * per] for i in range(count)]
        if all([r[5] for r in f] == [r[5] for r in fw[0]] for f in fw):
            return fw
    raise SystemExit(f"region_trace: {path}: the last {count} forwards do not repeat one region sequence")


def summary(fw):
    """Per region position: item count, median duration, median gap after it, median time the participants
    waited at its end (thread time), and the caller's share of its chunks over all forwards."""
    out = []
    per = len(fw[0])
    for i in range(per):
        dur = statistics.median(f[i][4] - f[i][0] for f in fw)
        gap = statistics.median(f[i + 1][0] - f[i][4] for f in fw) if i + 1 < per else 0
        wait = statistics.median((f[i][4] - f[i][1]) + ((f[i][4] - f[i][3]) + (f[i][2] - f[i][0]) if f[i][2] else 0)
                                 if f[i][7] > 1 else 0 for f in fw)
        chunks = sum(f[i][8] + f[i][9] for f in fw)
        share = sum(f[i][8] for f in fw) / chunks if chunks else 1.0
        out.append(dict(count=fw[0][i][5], dur=dur, gap=gap, wait=wait, caller_share=share))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("one", help="trace of the one-thread run")
    p.add_argument("two", help="trace of the T-thread run")
    p.add_argument("--forwards", type=int, required=True, help="timed forwards at the end of each trace")
    p.add_argument("--threads", type=int, default=2, help="threads of the second run (default 2)")
    p.add_argument("--rows", type=int, default=25, help="rows to list (default 25)")
    a = p.parse_args()
    one, two = summary(forwards(a.one, a.forwards)), summary(forwards(a.two, a.forwards))
    ms = lambda ns: f"{ns / 1e6:.3f} ms"
    r1, g1 = sum(r["dur"] for r in one), sum(r["gap"] for r in one)
    r2, g2 = sum(r["dur"] for r in two), sum(r["gap"] for r in two)
    print(f"regions per forward: {len(one)} (1 thread), {len(two)} ({a.threads} threads)")
    print(f"inside regions: {ms(r1)} / {ms(r2)} (perfect: {ms(r1 / a.threads)}); between regions: {ms(g1)} / {ms(g2)}")
    print(f"forward: {ms(r1 + g1)} / {ms(r2 + g2)} (perfect: {ms(r1 / a.threads + g1)}); "
          f"participants waiting at region ends: {ms(sum(r['wait'] for r in two))} of thread time")
    matcher = difflib.SequenceMatcher(a=[r["count"] for r in one], b=[r["count"] for r in two], autojunk=False)
    rows = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        pairs = zip(range(i1, i2), range(j1, j2)) if tag == "equal" else [((i1, i2), (j1, j2))]
        for i, j in pairs:
            if tag == "equal":
                rows.append((f"{i}/{j}", one[i]["count"], one[i]["dur"], two[j]["dur"], two[j]["wait"], two[j]["caller_share"]))
            else:
                rows.append((f"{i1}-{i2}/{j1}-{j2}", "*", sum(r["dur"] for r in one[i1:i2]), sum(r["dur"] for r in two[j1:j2]),
                             sum(r["wait"] for r in two[j1:j2]), float("nan")))
    print(f"\n{'regions':>14} {'items':>6} {'1 thread':>10} {f'{a.threads} threads':>10} {'scaling':>8} {'lost':>9} {'waiting':>9} {'caller':>7}")
    for name, items, d1, d2, wait, share in sorted(rows, key=lambda r: -(r[3] - r[2] / a.threads))[:a.rows]:
        print(f"{name:>14} {items!s:>6} {d1 / 1e3:8.1f}µs {d2 / 1e3:8.1f}µs {d1 / a.threads / max(d2, 1):8.2f} "
              f"{(d2 - d1 / a.threads) / 1e3:7.1f}µs {wait / 1e3:7.1f}µs {'—' if share != share else f'{share:.0%}':>7}")


if __name__ == "__main__":
    main()
