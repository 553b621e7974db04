#!/usr/bin/env python3
"""Side-by-side depthwise timings: `globalconv sweep` against `Fixtures/peer_baseline.py`, interleaved
per kernel size.

For each K, in rounds: the peers (PyTorch nn.Conv2d `depthwise`, PyTorch FFT `depthwise_fft`, ONNX
Runtime `depthwise_ort`, OpenVINO `depthwise_ov`: both on the exported nn.Conv2d, checked against
PyTorch to 1e-3) run in one peer_baseline.py process, then GlobalConv's paths in one sweep process
(`--paths`, default direct,fft,auto,fftw), so both sides see the same machine. Per K and op the median
over rounds of each per-round median is kept. Prints a Markdown table headed by the problem, the CPU
(Fixtures/cpuinfo.py) and the thread count: every op's median, our auto path against the best peer (the
smallest median over all peer ops, named), and the FFT path against the bare transforms (`fftw`).
Writes the peer rows (JSON lines, the format `globalconv sweep --baseline` reads, plus `cpu` and `cpus`)
to --baseline-out.

Example (release build first):
  python3 Fixtures/depthwise_compare.py --kernels 3,5,7 --size 56 --channels 128 --threads 2 --effort measure
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

PEERS = ["depthwise", "depthwise_fft", "depthwise_ort", "depthwise_ov"]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--kernels", default="3,5,7,9,11,13,15,17,19,21,23,25,27,29,31,33,35,37,39,41,43,45,47,49,51,53,55,57,59,61,63")
    p.add_argument("--size", type=int, default=56)
    p.add_argument("--channels", type=int, default=128)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--repeats", type=int, default=9)
    p.add_argument("--effort", default="measure")
    p.add_argument("--paths", default="direct,fft,auto,fftw")
    p.add_argument("--peer-ops", default=",".join(PEERS))
    p.add_argument("--peer", default=os.path.join(HERE, "peer_baseline.py"))
    p.add_argument("--binary", default=os.environ.get("GLOBALCONV_BINARY",
                                                      os.path.join(HERE, "..", ".build", "release", "globalconv")),
                   help="the globalconv executable (default $GLOBALCONV_BINARY, else .build/release/globalconv)")
    p.add_argument("--baseline-out", help="write the peer rows (median over rounds) as JSON lines here")
    a = p.parse_args()
    kernels = [int(k) for k in a.kernels.split(",")]
    ours_paths = a.paths.split(",")
    peer_ops = a.peer_ops.split(",")
    runs = {k: {op: [] for op in ours_paths + peer_ops} for k in kernels}
    mins = {k: {op: [] for op in ours_paths + peer_ops} for k in kernels}
    for k in kernels:
        for r in range(a.rounds):
            print(f"# K={k} round {r + 1}/{a.rounds}, load average {open('/proc/loadavg').read().split()[:3]}",
                  file=sys.stderr, flush=True)
            out = subprocess.run([sys.executable, a.peer, "--kernels", str(k), "--size", str(a.size), "--channels",
                                  str(a.channels), "--batch", str(a.batch), "--threads", str(a.threads), "--repeats",
                                  str(a.repeats), "--ops", ",".join(peer_ops)],
                                 check=True, capture_output=True, text=True).stdout
            for line in out.splitlines():
                if line.startswith("{"):
                    row = json.loads(line)
                    runs[k][row["op"]].append(row["median_ms"])
                    mins[k][row["op"]].append(row["min_ms"])
            out = subprocess.run([a.binary, "sweep", "--kernels", str(k), "--size", str(a.size), "--channels",
                                  str(a.channels), "--batch", str(a.batch), "--threads", str(a.threads), "--repeats",
                                  str(a.repeats), "--paths", a.paths, "--effort", a.effort, "--format", "json"],
                                 check=True, capture_output=True, text=True).stdout
            for row in json.loads(out)["rows"]:
                runs[k][row["path"]].append(row["median_ms"])
                mins[k][row["path"]].append(row["min_ms"])
    med = {k: {op: statistics.median(v) for op, v in runs[k].items() if v} for k in kernels}
    if a.baseline_out:
        with open(a.baseline_out, "w") as f:
            for k in kernels:
                for op in peer_ops:
                    if op in med[k]:
                        f.write(json.dumps({"op": op, "kernel": k, "size": a.size, "channels": a.channels, "batch": a.batch,
                                            "threads": a.threads, "median_ms": round(med[k][op], 4),
                                            "min_ms": round(min(mins[k][op]), 4), **cpuinfo.record(a.threads)}) + "\n")
    cols = ours_paths + peer_ops
    print(f"1×{a.channels}×{a.size}×{a.size} (batch {a.batch}) Float32, {a.threads} threads, effort {a.effort}, "
          f"median over {a.rounds} rounds of medians of {a.repeats} runs, ms")
    print(cpuinfo.table_line(a.threads))
    print()
    print("| K | " + " | ".join(cols) + " | best peer / auto | fft / fftw |")
    print("|---:" * (len(cols) + 3) + "|")
    for k in kernels:
        cells = [f"{med[k][c]:.3f}" if c in med[k] else "—" for c in cols]
        peers = [op for op in peer_ops if op in med[k]]
        best = min(peers, key=med[k].get) if peers else None
        ratio = f"{med[k][best] / med[k]['auto']:.2f}× ({best})" if best and "auto" in med[k] else "—"
        floor = f"{med[k]['fft'] / med[k]['fftw']:.2f}" if "fft" in med[k] and "fftw" in med[k] else "—"
        print(f"| {k} | " + " | ".join(cells) + f" | {ratio} | {floor} |")


if __name__ == "__main__":
    main()
