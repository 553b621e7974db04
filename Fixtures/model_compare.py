#!/usr/bin/env python3
"""Whole-model timings: GlobalConv (`globalconv bench --model`) against PyTorch eager, ONNX Runtime and OpenVINO, interleaved.

Each model is a preset of Fixtures/models_torch.py (this project's reference modules, official key
names) with seeded random weights (blocks_torch.randomize_, order one), built at the requested size
(GFNet and GFNet-H with `img_size` = size, ParC-ConvNeXt with `stages_rs` = the stage map sizes — the
same configs `globalconv bench --model` builds). ONNX Runtime and OpenVINO run the model exported once
to ONNX (opset 17) and checked against PyTorch to 1e-3 relative by peer_runtimes.py; GFNet's and
GFNet-H's `torch.fft.rfft2`/`irfft2` do not export to ONNX (opset 17 has no real FFT operator the
exporter maps them to), so those rows time PyTorch only and say so. GlobalConv runs one
`globalconv bench --model` process per model and round with its own random weights of the same layout
(timings do not depend on the values).

Rounds interleave the runtimes so a busy spell of a shared machine hits every side alike; each side
reports the median of `--repeats` runs per round; the table gives per model and runtime the median
(min) over the rounds of those medians, and best peer / ours (above 1, GlobalConv is faster).

Example (release build first: swift build -c release):
  python3 Fixtures/model_compare.py --models convnext_tiny,van_b0,moganet_xtiny --size 224 --threads 2 --rounds 3 --repeats 11
Deploy forms (RepLKNet and UniRepLKNet re-parameterised on every side; SLaK's branches stay unmerged):
  python3 Fixtures/model_compare.py --models replknet_31b,SLaK_tiny,unireplknet_t --merged
Quick check that it works (one small model, seconds):
  python3 Fixtures/model_compare.py --models van_b0 --size 64 --rounds 1 --repeats 2
Prints a Markdown table with the CPU line (Fixtures/cpuinfo.py) and how many of the SMT probes taken before the first
round and after each (Fixtures/smt_probe.py) found the two CPUs sharing one core (a VM's busy spell, in which a
two-thread timing measures two hyperthreads, not two cores); --json FILE also writes every round's medians and
the probes.
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
import blocks_torch as B  # noqa: E402
import cpuinfo  # noqa: E402
import models_torch as M  # noqa: E402
import peer_runtimes  # noqa: E402
import smt_probe  # noqa: E402

# Untimed runs before each side's timed ones: GlobalConv's planner re-measures a close per-layer
# decision on its next calls (up to three measurements), and the peers' first runs pay their own setup.
WARMUP = 3

NO_ONNX = {"gfnet": "rfft2 does not export to ONNX", "gfnet_h": "rfft2 does not export to ONNX"}


def _norm(name):
    return name.lower().replace("-", "_")


def resolve(name):
    """(family, official preset name) of a preset name (case and -/_ ignored)."""
    for family, (_, presets) in M.MODELS.items():
        for preset in presets:
            if _norm(preset) == _norm(name):
                return family, preset
    known = ", ".join(p for _, ps in M.MODELS.values() for p in ps)
    raise SystemExit(f"model_compare: error: unknown preset '{name}'; known: {known}")


def config(family, preset, size):
    """The config `globalconv bench --model` builds for this preset and size."""
    cfg = {"preset": preset}
    if family in ("gfnet", "gfnet_h"):
        cfg["img_size"] = size
    elif family == "parc_convnext":
        s0 = size // 4
        cfg["stages_rs"] = [s0, s0 // 2, s0 // 4, s0 // 8]
    return cfg


# Families timed in their deploy form under --merged. SLaK is not: it has no official merged form, one
# K×K kernel would only slow a direct runtime, and on GlobalConv too its three thin branches beat the
# merged 51×51 kernel (57 vs 68 ms for SLaK-T at 224 on the 2-vCPU AMD EPYC, Docs/models.md).
MERGEABLE = ("replknet", "unireplknet")


def make(family, preset, size, merged=False, batch=1, seed=0):
    gen = torch.Generator().manual_seed(seed)
    m = M.build(family, config(family, preset, size)).double()
    m.randomize_(gen) if hasattr(m, "randomize_") else B.randomize_(m, gen)
    m.eval()
    x = torch.randn(batch, 3, size, size, generator=gen, dtype=torch.float64)
    with torch.no_grad():
        finite = bool(torch.isfinite(m(x)).all())
    if not finite:
        # Order-one layer scales overflow in deep gated models (MogaNet-T: 3.6e95 after stage 3): they get the
        # official init value 1e-5 (times their order-one draw), so every runtime computes normal numbers
        # (timings do not depend on the values as long as they stay finite and normal).
        with torch.no_grad():
            for name, p in m.named_parameters():
                if name.rsplit(".", 1)[-1] in ("layer_scale_1", "layer_scale_2", "gamma"):
                    p.mul_(1e-5)
            finite = bool(torch.isfinite(m(x)).all())
        print(f"# {preset}: order-one random weights overflow; layer scales × 1e-5 (the official init value): "
              f"{'finite' if finite else 'still not finite'}", file=sys.stderr, flush=True)
    if merged and hasattr(m, "structural_reparam"):
        m.structural_reparam()  # RepLKNet, UniRepLKNet: the official deploy forms (SLaK has none: see --merged)
    return m.float().eval(), x.float()


def ours(binary, preset, size, threads, repeats, effort, merged, batch=1):
    out = subprocess.run([binary, "bench", "--model", preset, "--size", str(size), "--batch", str(batch), "--path", "auto",
                          "--threads", str(threads),
                          "--repeats", str(repeats), "--warmup", str(WARMUP), "--effort", effort, "--format", "json"]
                         + (["--merged"] if merged else []),
                         check=True, capture_output=True, text=True)
    report = json.loads(out.stdout)
    return report["median_ms"], report["parameters"]


def parameter_count(m):
    """Parameters plus BatchNorm running statistics: what `globalconv bench` reports as `parameters`."""
    return (sum(p.numel() for p in m.parameters())
            + sum(b.numel() for n, b in m.named_buffers() if not n.endswith("num_batches_tracked")))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--models", default="convnext_tiny,van_b0,moganet_xtiny,gfnet-ti", help="comma-separated presets")
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--batch", type=int, default=1, help="images per forward (the same on every side)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--repeats", type=int, default=11)
    p.add_argument("--effort", default="estimate", help="FFTW planning effort for GlobalConv's FFT paths")
    p.add_argument("--peers", default=",".join(peer_runtimes.NAMES),
                   help="exported-graph runtimes to time (subset of " + ", ".join(peer_runtimes.NAMES) + ")")
    p.add_argument("--binary", default=os.environ.get("GLOBALCONV_BINARY",
                                                      os.path.join(HERE, "..", ".build", "release", "globalconv")),
                   help="the globalconv executable (default $GLOBALCONV_BINARY, else .build/release/globalconv)")
    p.add_argument("--merged", action="store_true",
                   help="deploy forms: RepLKNet and UniRepLKNet re-parameterised on every side (bench --merged; the "
                        "official structural_reparam for the peers); SLaK stays unmerged everywhere (see MERGEABLE; "
                        "ONNX Runtime and OpenVINO fold each branch's BatchNorm themselves)")
    p.add_argument("--json", help="write every round's medians here")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    models = [resolve(n) for n in a.models.split(",") if n]
    exported = [r for r in a.peers.split(",") if r]
    runs, notes, counts = {}, {}, {}
    for family, preset in models:
        # Counted before any re-parameterisation: `bench --merged` reports the training form's count too.
        counts[preset] = parameter_count(M.build(family, config(family, preset, a.size)))
        m, x = make(family, preset, a.size, merged=a.merged, batch=a.batch)
        if family in NO_ONNX:
            runs[preset] = {}
            notes[preset] = NO_ONNX[family]
            print(f"# {preset}: {NO_ONNX[family]}; PyTorch only", file=sys.stderr, flush=True)
        else:
            runs[preset] = peer_runtimes.runners(m, x, a.threads, exported, label=preset)
        runs[preset]["pytorch"] = lambda m=m, x=x: m(x)
    cols = ["globalconv", "pytorch"] + exported
    rows = {pr: {c: [] for c in cols} for _, pr in models}
    # Whether the two CPUs share one core before the first round and after each (a VM's busy spell;
    # Fixtures/smt_probe.py): one probe between two rounds serves as the end of one and the start of the next.
    machine = [smt_probe.state()]
    for r in range(a.rounds):
        load = open("/proc/loadavg").read().split()[:3]
        print(f"# round {r + 1}/{a.rounds}, load average {load}, {smt_probe.describe(machine[-1])}", file=sys.stderr, flush=True)
        for family, preset in models:
            for peer in exported:
                if peer in runs[preset]:
                    rows[preset][peer].append(BB.timed(runs[preset][peer], a.repeats, WARMUP)[0])
            median, parameters = ours(a.binary, preset, a.size, a.threads, a.repeats, a.effort,
                                      a.merged and family in MERGEABLE, a.batch)
            if parameters != counts[preset]:
                # Both sides must run the same network: a preset that differs (a missing mlp_ratios once made the
                # reference VAN 24 % lighter than the official one) would make the table meaningless.
                raise SystemExit(f"model_compare: error: {preset}: GlobalConv builds {parameters} parameters, the "
                                 f"reference PyTorch model {counts[preset]}; the presets differ")
            rows[preset]["globalconv"].append(median)
            with torch.no_grad():
                rows[preset]["pytorch"].append(BB.timed(runs[preset]["pytorch"], a.repeats, WARMUP)[0])
        machine.append(smt_probe.state())
        print(f"# end of round {r + 1}: {smt_probe.describe(machine[-1])}", file=sys.stderr, flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({**cpuinfo.record(a.threads), "size": a.size, "batch": a.batch, "rounds": a.rounds, "repeats": a.repeats,
                       "effort": a.effort, "notes": notes, "medians": rows, "smt_probes": machine}, f, indent=1)
    print(f"{a.batch}×3×{a.size}×{a.size} Float32, random weights, effort {a.effort}, {'deploy (merged) forms, ' if a.merged else ''}"
          f"median (min) over {a.rounds} rounds of medians of {a.repeats} runs after {WARMUP} untimed, ms")
    print(cpuinfo.table_line(a.threads))
    print()
    print("| model | " + " | ".join(f"{c} median (min) ms" for c in cols) + " | best peer / ours |")
    print("|---" * (len(cols) + 2) + "|")
    for _, preset in models:
        cells, med = [], {}
        for c in cols:
            if rows[preset][c]:
                med[c] = statistics.median(rows[preset][c])
                cells.append(f"{med[c]:.3f} ({min(rows[preset][c]):.3f})")
            else:
                cells.append(f"— ({notes.get(preset, 'not run')})")
        peers = [c for c in med if c != "globalconv"]
        best = min(peers, key=med.get) if peers else None
        ratio = f"{med[best] / med['globalconv']:.2f}× ({best})" if best else "—"
        print(f"| `{preset}` | " + " | ".join(cells) + f" | {ratio} |")
    probed = [m for m in machine if m is not None and m.get("supported", True)]
    if probed:
        shared = sum(1 for m in probed if m["shared"])
        print()
        print(f"SMT probe (Fixtures/smt_probe.py) before the first round and after each: the two CPUs shared one core in "
              f"{shared} of {len(probed)} probes" + (" — rounds in such a spell time another machine (two "
                                                      "hyperthreads), see Docs/performance.md" if shared else ""))


if __name__ == "__main__":
    main()
