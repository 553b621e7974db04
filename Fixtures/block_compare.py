#!/usr/bin/env python3
"""Side-by-side block timings: GlobalConv (`globalconv bench`) against ONNX Runtime and OpenVINO, interleaved.

The five blocks of the performance issue (the same builds as block_bench.py) are timed in rounds: in
each round every block runs in each peer runtime (ONNX Runtime and OpenVINO on the exported PyTorch
block, one session / compiled model per block, made once and checked against PyTorch to 1e-3 by
peer_runtimes.py) and in GlobalConv (one `globalconv bench` process per block and round), one after the
other, so a busy spell of a shared machine hits both sides alike. Each side reports the median of
`--repeats` runs per round; the table gives, per block, the median and the minimum over the rounds of
those medians, and best peer / ours: the smallest peer median over the rounds' medians divided by ours
(above 1, GlobalConv is faster), naming that peer. PyTorch eager joins the peers with `--pytorch`.
The table starts with the problem, the CPU (Fixtures/cpuinfo.py) and the thread count.

Example (release build first: swift build -c release):
  python3 Fixtures/block_compare.py --threads 2 --rounds 5 --repeats 21 --effort measure
Prints a Markdown table; with --json FILE also writes {"cpu", "cpus", "threads", "rounds", "repeats",
"effort", "medians": {block: {runtime: [per-round median ms, ...]}}}.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import block_bench as BB  # noqa: E402
import cpuinfo  # noqa: E402
import peer_runtimes  # noqa: E402

CONFIGS = {
    "van.block": {"dim": 64, "mlp_ratio": 8},
    "replknet.block": {"in_channels": 128, "dw_channels": 128, "block_lk_size": 31, "small_kernel": 5,
                       "reparameterized": True},
    "moganet.block": {"dim": 64, "ffn_ratio": 8},
    "parc.convnext_block": {"dim": 96, "kernel_size": 56},
    "convnext.block": {"dim": 96},
}


def ours(binary, block, threads, repeats, effort, config=None, size=None):
    """GlobalConv's median (`globalconv bench --format json`) of `block` with `config` (default CONFIGS[block])
    at `size`×`size` (default block_bench.SIZE)."""
    config = CONFIGS[block] if config is None else config
    size = BB.SIZE if size is None else size
    out = subprocess.run([binary, "bench", "--block", block, "--config", json.dumps(config), "--size",
                          str(size), "--path", "auto", "--threads", str(threads), "--repeats", str(repeats),
                          "--effort", effort, "--format", "json"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)["median_ms"]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--repeats", type=int, default=21)
    p.add_argument("--effort", default="estimate", help="FFTW planning effort for GlobalConv's FFT paths")
    p.add_argument("--blocks", default=",".join(CONFIGS))
    p.add_argument("--peers", default=",".join(peer_runtimes.NAMES),
                   help="exported-graph runtimes to time (subset of " + ", ".join(peer_runtimes.NAMES) + ")")
    p.add_argument("--binary", default=os.environ.get("GLOBALCONV_BINARY",
                                                      os.path.join(HERE, "..", ".build", "release", "globalconv")),
                   help="the globalconv executable (default $GLOBALCONV_BINARY, else .build/release/globalconv)")
    p.add_argument("--pytorch", action="store_true", help="also time PyTorch eager (one more peer)")
    p.add_argument("--json", help="write every round's medians here")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    blocks = a.blocks.split(",")
    exported = [r for r in a.peers.split(",") if r]
    peers = exported + (["pytorch"] if a.pytorch else [])
    runs = {}
    for b in blocks:
        m, x = BB.make(b)
        runs[b] = peer_runtimes.runners(m, x, a.threads, exported, label=b)
        if a.pytorch:
            runs[b]["pytorch"] = lambda m=m, x=x: m(x)
    rows = {b: {c: [] for c in ["globalconv"] + peers} for b in blocks}
    for r in range(a.rounds):
        load = open("/proc/loadavg").read().split()[:3]
        print(f"# round {r + 1}/{a.rounds}, load average {load}", file=sys.stderr, flush=True)
        for b in blocks:
            for peer in exported:
                rows[b][peer].append(BB.timed(runs[b][peer], a.repeats, 3)[0])
            rows[b]["globalconv"].append(ours(a.binary, b, a.threads, a.repeats, a.effort))
            if a.pytorch:
                with torch.no_grad():
                    rows[b]["pytorch"].append(BB.timed(runs[b]["pytorch"], a.repeats, 3)[0])
    if a.json:
        with open(a.json, "w") as f:
            json.dump({**cpuinfo.record(a.threads), "rounds": a.rounds, "repeats": a.repeats, "effort": a.effort,
                       "medians": rows}, f, indent=1)
    cols = ["globalconv"] + peers
    print(f"1×C×{BB.SIZE}×{BB.SIZE} Float32, effort {a.effort}, median (min) over {a.rounds} rounds of medians of "
          f"{a.repeats} runs, ms")
    print(cpuinfo.table_line(a.threads))
    print()
    print("| block | " + " | ".join(f"{c} median (min) ms" for c in cols) + " | best peer / ours |")
    print("|---" * (len(cols) + 2) + "|")
    for b in blocks:
        med = {c: statistics.median(rows[b][c]) for c in cols}
        cells = [f"{med[c]:.3f} ({min(rows[b][c]):.3f})" for c in cols]
        best = min(peers, key=med.get) if peers else None
        ratio = f"{med[best] / med['globalconv']:.2f}× ({best})" if best else "—"
        print(f"| `{b}` | " + " | ".join(cells) + f" | {ratio} |")

if __name__ == "__main__":
    main()
