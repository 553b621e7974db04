#!/usr/bin/env python3
"""Side-by-side block timings: GlobalConv (`globalconv bench`) against ONNX Runtime, interleaved.

The five blocks of the performance issue (the same builds as block_bench.py) are timed in rounds: in
each round every block runs in ONNX Runtime (one session per block, made once) and in GlobalConv (one
`globalconv bench` process per block and round), one after the other, so a busy spell of a shared
machine hits both sides alike. Each side reports the median of `--repeats` runs per round; the table
gives, per block, the median and the minimum over the rounds of those medians, and the ratio of the
medians (ONNX Runtime / GlobalConv: above 1, GlobalConv is faster). PyTorch eager with `--pytorch`.

Example (release build first: swift build -c release):
  python3 Fixtures/block_compare.py --threads 2 --rounds 5 --repeats 21 --effort measure
Prints a Markdown table; the raw rows go to --json FILE when given.
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

CONFIGS = {
    "van.block": {"dim": 64, "mlp_ratio": 8},
    "replknet.block": {"in_channels": 128, "dw_channels": 128, "block_lk_size": 31, "small_kernel": 5,
                       "reparameterized": True},
    "moganet.block": {"dim": 64, "ffn_ratio": 8},
    "parc.convnext_block": {"dim": 96, "kernel_size": 56},
    "convnext.block": {"dim": 96},
}


def ours(binary, block, threads, repeats, effort):
    out = subprocess.run([binary, "bench", "--block", block, "--config", json.dumps(CONFIGS[block]), "--size",
                          str(BB.SIZE), "--path", "auto", "--threads", str(threads), "--repeats", str(repeats),
                          "--effort", effort, "--format", "json"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)["median_ms"]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--repeats", type=int, default=21)
    p.add_argument("--effort", default="estimate", help="FFTW planning effort for GlobalConv's FFT paths")
    p.add_argument("--blocks", default=",".join(CONFIGS))
    p.add_argument("--binary", default=os.path.join(HERE, "..", ".build", "release", "globalconv"))
    p.add_argument("--pytorch", action="store_true", help="also time PyTorch eager")
    p.add_argument("--json", help="write every round's medians here")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    blocks = a.blocks.split(",")
    sessions = {}
    for b in blocks:
        m, x = BB.make(b)
        sessions[b] = (m, x, BB.ort_session(m, x, a.threads), x.numpy())
    rows = {b: {"onnxruntime": [], "globalconv": [], "pytorch": []} for b in blocks}
    for r in range(a.rounds):
        load = open("/proc/loadavg").read().split()[:3]
        print(f"# round {r + 1}/{a.rounds}, load average {load}", file=sys.stderr, flush=True)
        for b in blocks:
            m, x, s, xn = sessions[b]
            rows[b]["onnxruntime"].append(BB.timed(lambda: s.run(None, {"x": xn}), a.repeats, 3)[0])
            rows[b]["globalconv"].append(ours(a.binary, b, a.threads, a.repeats, a.effort))
            if a.pytorch:
                with torch.no_grad():
                    rows[b]["pytorch"].append(BB.timed(lambda: m(x), a.repeats, 3)[0])
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f, indent=1)
    cols = ["globalconv", "onnxruntime"] + (["pytorch"] if a.pytorch else [])
    print("| block | " + " | ".join(f"{c} median (min) ms" for c in cols) + " | ORT / ours |")
    print("|---" * (len(cols) + 2) + "|")
    for b in blocks:
        cells = [f"{statistics.median(rows[b][c]):.3f} ({min(rows[b][c]):.3f})" for c in cols]
        ratio = statistics.median(rows[b]["onnxruntime"]) / statistics.median(rows[b]["globalconv"])
        print(f"| `{b}` | " + " | ".join(cells) + f" | {ratio:.2f}× |")


if __name__ == "__main__":
    main()
