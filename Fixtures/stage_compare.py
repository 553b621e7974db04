#!/usr/bin/env python3
"""Blocks at the shapes the whole models run them: GlobalConv (`globalconv bench --block`) against ONNX Runtime
and OpenVINO, interleaved.

block_compare.py times five blocks at 56×56 with fixed widths; a model runs its blocks at every stage's
width and map size (VAN-b0: 32 channels at 56×56 down to 256 at 7×7), and the late, small-map stages are
where the kernels' choices differ (channel-block splits, a 7×7 strip of 49 pixels, kernels larger than the
map). This harness times, per stage:

  van     VAN-b0's blocks: (dim, mlp_ratio, map) = (32, 8, 56), (64, 8, 28), (160, 4, 14), (256, 4, 7)
  replknet RepLKNet-31B's RepLK block (deploy form) and ConvFFN at its four stage shapes (C, K, map) = (128, 31,
          56), (256, 29, 28), (512, 27, 14), (1024, 13, 7)
  convffn RepLKNet's ConvFFN (C → 4C → C with BN and GELU) at (C, map) = (32, 56), (96, 56), (64, 28),
          (160, 14), (384, 14), (256, 7), (768, 7) — the 1×1 work of ConvNeXt-, RepLKNet-, UniRepLKNet- and
          VAN-style MLPs at their stage shapes

In each of `--rounds` rounds every shape runs in every peer (the exported PyTorch block, made once and
checked against PyTorch by peer_runtimes.py) and in GlobalConv (one `globalconv bench` process), one after
the other, so a busy spell of a shared machine hits all sides alike; each reports the median of
`--repeats` runs after 5 untimed. The table gives the median over the rounds of those medians and best
peer / ours (above 1, GlobalConv is faster).

Example (release build first: swift build -c release):
  python3 Fixtures/stage_compare.py --sets van,convffn --rounds 3 --repeats 51
"""
import argparse
import json
import os
import statistics
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import block_bench as BB  # noqa: E402
import block_compare as BC  # noqa: E402
import blocks_torch as B  # noqa: E402
import cpuinfo  # noqa: E402
import peer_runtimes  # noqa: E402

SETS = {
    "van": [("van.block", {"dim": d, "mlp_ratio": r}, size, d,
             lambda d=d, r=r: B.VANBlock(d, mlp_ratio=r, kernel_size=21, dilation=3))
            for d, r, size in [(32, 8, 56), (64, 8, 28), (160, 4, 14), (256, 4, 7)]],
    "convffn": [("replknet.convffn", {"in_channels": c, "internal_channels": 4 * c, "out_channels": c}, size, c,
                 lambda c=c: B.ConvFFN(c, 4 * c, c))
                for c, size in [(32, 56), (96, 56), (64, 28), (160, 14), (384, 14), (256, 7), (768, 7)]],
    # RepLKNet-31B's two blocks of each stage, the large kernel in its deploy form (one merged K×K conv).
    "replknet": [(name, cfg, size, c, ctor)
                 for c, k, size in [(128, 31, 56), (256, 29, 28), (512, 27, 14), (1024, 13, 7)]
                 for name, cfg, ctor in [
                     ("replknet.block", {"in_channels": c, "dw_channels": c, "block_lk_size": k, "small_kernel": 5,
                                         "reparameterized": True},
                      lambda c=c, k=k: B.RepLKBlock(c, c, k, 5, reparameterized=True)),
                     ("replknet.convffn", {"in_channels": c, "internal_channels": 4 * c, "out_channels": c},
                      lambda c=c: B.ConvFFN(c, 4 * c, c))]],
}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sets", default=",".join(SETS), help="comma-separated: " + ", ".join(SETS))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--repeats", type=int, default=51)
    p.add_argument("--effort", default="estimate", help="FFTW planning effort for GlobalConv's FFT paths")
    p.add_argument("--peers", default=",".join(peer_runtimes.NAMES))
    p.add_argument("--binary", default=os.environ.get("GLOBALCONV_BINARY",
                                                      os.path.join(HERE, "..", ".build", "release", "globalconv")))
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    peers = [r for r in a.peers.split(",") if r]
    shapes = [s for name in a.sets.split(",") for s in SETS[name]]
    runs = []
    for block, config, size, channels, ctor in shapes:
        m, x = BB.build(ctor, channels, size)
        runs.append(peer_runtimes.runners(m, x, a.threads, peers, label=f"{block} {config} {size}"))
    medians = [{c: [] for c in ["globalconv"] + peers} for _ in shapes]
    for r in range(a.rounds):
        load = open("/proc/loadavg").read().split()[:3]
        print(f"# round {r + 1}/{a.rounds}, load average {load}", file=sys.stderr, flush=True)
        for i, (block, config, size, _, _) in enumerate(shapes):
            medians[i]["globalconv"].append(BC.ours(a.binary, block, a.threads, a.repeats, a.effort, config, size))
            for peer in peers:
                medians[i][peer].append(BB.timed(runs[i][peer], a.repeats, 5)[0])
    print(f"Float32, batch 1, median over {a.rounds} rounds of medians of {a.repeats} runs, ms")
    print(cpuinfo.table_line(a.threads))
    print()
    cols = ["globalconv"] + peers
    print("| block | config | map | " + " | ".join(cols) + " | best peer / ours |")
    print("|---" * (len(cols) + 4) + "|")
    for i, (block, config, size, _, _) in enumerate(shapes):
        med = {c: statistics.median(medians[i][c]) for c in cols}
        best = min(peers, key=med.get) if peers else None
        ratio = f"{med[best] / med['globalconv']:.2f}× ({best})" if best else "—"
        print(f"| `{block}` | `{json.dumps(config)}` | {size}×{size} | " + " | ".join(f"{med[c]:.3f}" for c in cols)
              + f" | {ratio} |")


if __name__ == "__main__":
    main()
