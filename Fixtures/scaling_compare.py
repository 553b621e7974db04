#!/usr/bin/env python3
"""Two cores against one, and steadiness: GlobalConv's own medians at 1 and 2 threads, interleaved.

For the five blocks of the performance tables (block_compare.py's configs), depthwise K×K on
1×128×56×56 (`globalconv sweep --paths auto`) and ParC's two circular halves (`bench --block parc.pair`)
at each map size, every round runs each item at one thread and then at two (one `globalconv` process
each), so a busy spell hits both alike. Reported per item: the median over rounds of the per-run medians
at 1 and 2 threads, their ratio (target: two-thread ≤ 0.6 × one-thread), and steadiness — the two-thread
run's median over its minimum among `--repeats` runs (target: within 15 %), worst over the rounds.
The table starts with the CPU (Fixtures/cpuinfo.py).

Example (release build first: swift build -c release):
  python3 Fixtures/scaling_compare.py --rounds 3 --repeats 21
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cpuinfo  # noqa: E402
from block_compare import CONFIGS  # noqa: E402


def run(binary, args):
    out = subprocess.run([binary] + args, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def block(binary, name, config, threads, repeats, effort, size=56, warmup=3):
    r = run(binary, ["bench", "--block", name, "--config", json.dumps(config), "--size", str(size), "--path", "auto",
                     "--threads", str(threads), "--repeats", str(repeats), "--warmup", str(warmup), "--effort", effort,
                     "--format", "json"])
    return r["median_ms"], r["min_ms"]


def depthwise(binary, k, threads, repeats, effort):
    r = run(binary, ["sweep", "--kernels", str(k), "--paths", "auto", "--threads", str(threads), "--repeats",
                     str(repeats), "--effort", effort, "--format", "json"])
    row = r["rows"][0]
    return row["median_ms"], row["min_ms"]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--repeats", type=int, default=21)
    p.add_argument("--effort", default="measure")
    p.add_argument("--warmup", type=int, default=3, help="untimed runs before the timed ones (blocks and ParC)")
    p.add_argument("--kernels", default="7,13,21,31,41,51,63")
    p.add_argument("--parc-sizes", default="56,112,224")
    p.add_argument("--blocks", default=",".join(CONFIGS))
    p.add_argument("--binary", default=os.environ.get("GLOBALCONV_BINARY",
                                                      os.path.join(HERE, "..", ".build", "release", "globalconv")))
    a = p.parse_args()
    items = [(b, lambda t, b=b: block(a.binary, b, CONFIGS[b], t, a.repeats, a.effort, warmup=a.warmup))
             for b in a.blocks.split(",") if b]
    items += [(f"depthwise K={k}", lambda t, k=k: depthwise(a.binary, int(k), t, a.repeats, a.effort))
              for k in a.kernels.split(",") if k]
    items += [(f"parc.pair {s}×{s}", lambda t, s=s: block(a.binary, "parc.pair", {"channels": 128}, t, a.repeats, a.effort,
                                                          size=int(s), warmup=a.warmup))
              for s in a.parc_sizes.split(",") if s]
    res = {name: {1: [], 2: []} for name, _ in items}
    for r in range(a.rounds):
        load = open("/proc/loadavg").read().split()[:3]
        print(f"# round {r + 1}/{a.rounds}, load average {load}", file=sys.stderr, flush=True)
        for name, fn in items:
            for t in (1, 2):
                res[name][t].append(fn(t))
    print(f"GlobalConv alone, Float32, batch 1, effort {a.effort}; per item the median over {a.rounds} rounds of the "
          f"median of {a.repeats} runs, ms")
    print(cpuinfo.table_line(2))
    print()
    print("| item | 1 thread | 2 threads | 2T / 1T (≤ 0.60) | 2T median / min, worst round (≤ 1.15) |")
    print("|---|---|---|---|---|")
    for name, _ in items:
        m1 = statistics.median(x[0] for x in res[name][1])
        m2 = statistics.median(x[0] for x in res[name][2])
        steady = max(x[0] / x[1] for x in res[name][2])
        print(f"| {name} | {m1:.3f} | {m2:.3f} | {m2 / m1:.2f} | {steady:.2f} |")


if __name__ == "__main__":
    main()
