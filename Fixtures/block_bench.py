#!/usr/bin/env python3
"""Block timings on CPU: PyTorch eager and ONNX Runtime, for the performance issue.

Builds the same nn.Modules as Fixtures/generate.py (Fixtures/blocks_torch.py), float32, eval mode,
seeded order-one random weights, on one 1 x C x 56 x 56 input:
  van.block            dim 64, mlp_ratio 8 (LKA 21/3)
  replknet.block       in 128, dw 128, K=31, small 5, merged (re-parameterised) large kernel
  moganet.block        dim 64, ffn_ratio 8, dilations [1,2,3], split [1,3,4]
  parc.convnext_block  dim 96, K=56 (global circular conv, concat-then-conv as ParC does)
  convnext.block       dim 96, K=7
ONNX Runtime runs the graph exported with torch.onnx.export(dynamo=False, opset 17) on the
CPUExecutionProvider, intra_op threads = --threads, inter_op threads = 1; its output must agree with
PyTorch to 1e-3 (max abs difference relative to max(1, max|y|)) or the script stops.

Prints one JSON line per (block, runtime):
  {"block": id, "runtime": "pytorch"|"onnxruntime", "size": [56,56], "batch": 1, "threads": T,
   "median_ms": ..., "min_ms": ...}
Agreement and export notes go to stderr.
Example: python3 Fixtures/block_bench.py --threads 2 --repeats 30
"""
import argparse
import io
import json
import os
import statistics
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import blocks_torch as B  # noqa: E402

SIZE = 56
BLOCKS = {
    "van.block": (64, lambda: B.VANBlock(64, mlp_ratio=8, kernel_size=21, dilation=3)),
    "replknet.block": (128, lambda: B.RepLKBlock(128, 128, 31, 5, reparameterized=False)),
    "moganet.block": (64, lambda: B.MogaBlock(64, ffn_ratio=8, attn_dw_dilation=[1, 2, 3],
                                              attn_channel_split=[1, 3, 4], attn_force_fp32=False)),
    "parc.convnext_block": (96, lambda: B.ParCConvNeXtBlock(96, kernel_size=SIZE, use_pe=True)),
    "convnext.block": (96, lambda: B.ConvNeXtBlock(96, kernel_size=7)),
}


def make(block_id, seed=0):
    channels, ctor = BLOCKS[block_id]
    gen = torch.Generator().manual_seed(seed)
    m = ctor().double()
    B.randomize_(m, gen)
    m.eval()
    if block_id == "replknet.block":
        m = m.merged()  # benchmark the deployed (re-parameterised) form
    x = torch.randn(1, channels, SIZE, SIZE, generator=gen, dtype=torch.float64)
    return m.float().eval(), x.float()


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
                      "threads": threads, "median_ms": round(med, 4), "min_ms": round(mn, 4)}), flush=True)


def ort_session(module, x, threads):
    import onnxruntime as ort
    f = io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(module, (x,), f, input_names=["x"], output_names=["y"], opset_version=17,
                          dynamo=False)
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    return ort.InferenceSession(f.getvalue(), so, providers=["CPUExecutionProvider"])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--blocks", default=",".join(BLOCKS),
                   help="comma-separated block ids (default: all of " + ", ".join(BLOCKS) + ")")
    p.add_argument("--runtimes", default="pytorch,onnxruntime")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    try:
        print(f"# load average at start: {open('/proc/loadavg').read().split()[:3]} on {os.cpu_count()} cores "
              "(timings are only meaningful on an otherwise idle machine)", file=sys.stderr, flush=True)
    except OSError:
        pass
    runtimes = a.runtimes.split(",")
    for block_id in a.blocks.split(","):
        if block_id not in BLOCKS:
            p.error(f"unknown block {block_id!r}; known: {', '.join(BLOCKS)}")
        m, x = make(block_id)
        with torch.no_grad():
            y = m(x)
            if "pytorch" in runtimes:
                med, mn = timed(lambda: m(x), a.repeats, a.warmup)
                row(block_id, "pytorch", med, mn, a.threads)
        if "onnxruntime" in runtimes:
            s = ort_session(m, x, a.threads)
            xn = x.numpy()
            yo = s.run(None, {"x": xn})[0]
            scale = max(1.0, y.abs().max().item())
            diff = float(abs(yo - y.numpy()).max())
            print(f"# {block_id}: onnxruntime vs pytorch max abs diff {diff:.3e} (max|y| {scale:.3f})",
                  file=sys.stderr, flush=True)
            assert diff <= 1e-3 * scale, f"{block_id}: onnxruntime disagrees with PyTorch by {diff}"
            med, mn = timed(lambda: s.run(None, {"x": xn}), a.repeats, a.warmup)
            row(block_id, "onnxruntime", med, mn, a.threads)


if __name__ == "__main__":
    main()
