#!/usr/bin/env python3
"""Block timings on CPU: PyTorch eager, ONNX Runtime and OpenVINO, for the performance issue.

Builds the same nn.Modules as Fixtures/generate.py (Fixtures/blocks_torch.py), float32, eval mode,
seeded order-one random weights, on one 1 x C x 56 x 56 input:
  van.block            dim 64, mlp_ratio 8 (LKA 21/3)
  replknet.block       in 128, dw 128, K=31, small 5, merged (re-parameterised) large kernel
  moganet.block        dim 64, ffn_ratio 8, dilations [1,2,3], split [1,3,4]
  parc.convnext_block  dim 96, K=56 (global circular conv, concat-then-conv as ParC does)
  convnext.block       dim 96, K=7
and times one forward pass per runtime (median and minimum of --repeats after --warmup):
  pytorch      eager, torch.set_num_threads(--threads), no_grad
  onnxruntime  the graph exported with torch.onnx.export(dynamo=False, opset 17), CPUExecutionProvider,
               intra-op threads = --threads, inter-op threads = 1
  openvino     the same ONNX compiled by OpenVINO's CPU plugin: INFERENCE_NUM_THREADS = --threads,
               NUM_STREAMS 1, PERFORMANCE_HINT LATENCY, INFERENCE_PRECISION_HINT f32
Each exported runtime's output must agree with PyTorch to 1e-3 (max abs difference relative to
max(1, max|y|)) or the script stops (Fixtures/peer_runtimes.py).

Prints one JSON line per (block, runtime), the format `globalconv bench --baseline` reads:
  {"block": id, "runtime": "pytorch"|"onnxruntime"|"openvino", "size": [56,56], "batch": 1, "threads": T,
   "median_ms": ..., "min_ms": ..., "cpu": "AMD EPYC (AuthenticAMD family 26 model 2)", "cpus": 2}
(`cpu`, `cpus`: Fixtures/cpuinfo.py). Agreement notes and the load average go to stderr.
Example: python3 Fixtures/block_bench.py --threads 2 --repeats 30
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import blocks_torch as B  # noqa: E402
import cpuinfo  # noqa: E402
import peer_runtimes  # noqa: E402

SIZE = 56
BLOCKS = {
    "van.block": (64, lambda: B.VANBlock(64, mlp_ratio=8, kernel_size=21, dilation=3)),
    "replknet.block": (128, lambda: B.RepLKBlock(128, 128, 31, 5, reparameterized=False)),
    "moganet.block": (64, lambda: B.MogaBlock(64, ffn_ratio=8, attn_dw_dilation=[1, 2, 3],
                                              attn_channel_split=[1, 3, 4], attn_force_fp32=False)),
    "parc.convnext_block": (96, lambda: B.ParCConvNeXtBlock(96, kernel_size=SIZE, use_pe=True)),
    "convnext.block": (96, lambda: B.ConvNeXtBlock(96, kernel_size=7)),
}
RUNTIMES = ("pytorch",) + peer_runtimes.NAMES


def build(ctor, channels, size, seed=0, deploy=False):
    """The PyTorch block `ctor()` with randomised parameters (blocks_torch.randomize_) and a random input
    `1×channels×size×size`, both Float32; `deploy`: the block's re-parameterised form (`merged()`)."""
    gen = torch.Generator().manual_seed(seed)
    m = ctor().double()
    B.randomize_(m, gen)
    m.eval()
    if deploy:
        m = m.merged()
    x = torch.randn(1, channels, size, size, generator=gen, dtype=torch.float64)
    return m.float().eval(), x.float()


def make(block_id, seed=0):
    channels, ctor = BLOCKS[block_id]
    # RepLKNet's block is benchmarked in its deployed (re-parameterised) form.
    return build(ctor, channels, SIZE, seed, deploy=block_id == "replknet.block")


def timed(fn, repeats, warmup):
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t) * 1e3)
    return statistics.median(ts), min(ts)


def row(block_id, runtime, med, mn, threads):
    print(json.dumps({"block": block_id, "runtime": runtime, "size": [SIZE, SIZE], "batch": 1,
                      "threads": threads, "median_ms": round(med, 4), "min_ms": round(mn, 4),
                      **cpuinfo.record(threads)}), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--blocks", default=",".join(BLOCKS),
                   help="comma-separated block ids (default: all of " + ", ".join(BLOCKS) + ")")
    p.add_argument("--runtimes", default=",".join(RUNTIMES), help="comma-separated subset of " + ", ".join(RUNTIMES))
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    try:
        print(f"# load average at start: {open('/proc/loadavg').read().split()[:3]} on {os.cpu_count()} cores "
              "(timings are only meaningful on an otherwise idle machine)", file=sys.stderr, flush=True)
    except OSError:
        pass
    print(f"# {cpuinfo.table_line(a.threads)}", file=sys.stderr, flush=True)
    runtimes = a.runtimes.split(",")
    if any(r not in RUNTIMES for r in runtimes):
        p.error(f"unknown runtime in {a.runtimes!r}; known: {', '.join(RUNTIMES)}")
    for block_id in a.blocks.split(","):
        if block_id not in BLOCKS:
            p.error(f"unknown block {block_id!r}; known: {', '.join(BLOCKS)}")
        m, x = make(block_id)
        if "pytorch" in runtimes:
            with torch.no_grad():
                med, mn = timed(lambda: m(x), a.repeats, a.warmup)
            row(block_id, "pytorch", med, mn, a.threads)
        exported = [r for r in runtimes if r != "pytorch"]
        for runtime, run in peer_runtimes.runners(m, x, a.threads, exported, label=block_id).items():
            med, mn = timed(run, a.repeats, a.warmup)
            row(block_id, runtime, med, mn, a.threads)


if __name__ == "__main__":
    main()
