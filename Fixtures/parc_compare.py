#!/usr/bin/env python3
"""Side-by-side ParC timings: GlobalConv (`globalconv bench --block parc.pair`) against the peers of
`Fixtures/peer_baseline.py` (`parc`: PyTorch, `parc_ort`: ONNX Runtime, `parc_ov`: OpenVINO; the two
runtimes run the exported PyTorch graph, checked against PyTorch to 1e-3), interleaved in rounds.

The problem is ParC-ConvNeXt's token mixer on 1 x C x S x S: a global circular correlation along H on
the first C/2 channels and along W on the last C/2 (peer_baseline.py's ParC module). In each round and
size, the peers run (one peer_baseline.py process) and then GlobalConv (one bench process); the table,
headed by the problem, the CPU (Fixtures/cpuinfo.py) and the thread count, gives per size the median and
minimum over the rounds of each side's per-round median, and best peer / ours: the smallest peer median
divided by ours (above 1, GlobalConv is faster), naming that peer.

Example (release build first):
  python3 Fixtures/parc_compare.py --sizes 56,112,224 --threads 2 --rounds 3 --effort measure
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

PEERS = {"parc": "PyTorch", "parc_ort": "ONNX Runtime", "parc_ov": "OpenVINO"}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="56,112,224")
    p.add_argument("--channels", type=int, default=128)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--repeats", type=int, default=9)
    p.add_argument("--effort", default="estimate")
    p.add_argument("--peer-ops", default=",".join(PEERS), help="subset of " + ", ".join(PEERS))
    p.add_argument("--peer", default=os.path.join(HERE, "peer_baseline.py"))
    p.add_argument("--binary", default=os.environ.get("GLOBALCONV_BINARY",
                                                      os.path.join(HERE, "..", ".build", "release", "globalconv")),
                   help="the globalconv executable (default $GLOBALCONV_BINARY, else .build/release/globalconv)")
    a = p.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    peers = a.peer_ops.split(",")
    if any(op not in PEERS for op in peers):
        p.error(f"unknown peer op in {a.peer_ops!r}; known: {', '.join(PEERS)}")
    rows = {s: {k: [] for k in ["globalconv"] + peers} for s in sizes}
    for r in range(a.rounds):
        print(f"# round {r + 1}/{a.rounds}, load average {open('/proc/loadavg').read().split()[:3]}", file=sys.stderr,
              flush=True)
        for s in sizes:
            out = subprocess.run([sys.executable, a.peer, "--kernels", "0", "--ops", ",".join(peers), "--size", str(s),
                                  "--channels", str(a.channels), "--threads", str(a.threads), "--repeats", str(a.repeats)],
                                 check=True, capture_output=True, text=True).stdout
            for line in out.splitlines():
                if line.startswith("{"):
                    row = json.loads(line)
                    rows[s][row["op"]].append(row["median_ms"])
            ours = subprocess.run([a.binary, "bench", "--block", "parc.pair", "--config", json.dumps({"channels": a.channels}),
                                   "--size", str(s), "--path", "auto", "--threads", str(a.threads), "--repeats",
                                   str(2 * a.repeats + 1), "--effort", a.effort, "--format", "json"],
                                  check=True, capture_output=True, text=True).stdout
            rows[s]["globalconv"].append(json.loads(ours)["median_ms"])
    print(f"ParC token mixer, 1×{a.channels}×S×S Float32, effort {a.effort}, median (min) over {a.rounds} rounds of "
          f"medians of {a.repeats} peer runs / {2 * a.repeats + 1} of ours, ms")
    print(cpuinfo.table_line(a.threads))
    print()
    print("| size | GlobalConv median (min) ms | " + " | ".join(f"{PEERS[op]} `{op}`" for op in peers)
          + " | best peer / ours |")
    print("|---" * (len(peers) + 3) + "|")
    for s in sizes:
        med = {k: statistics.median(v) for k, v in rows[s].items()}
        cell = lambda k: f"{med[k]:.3f} ({min(rows[s][k]):.3f})"
        best = min(peers, key=med.get)
        print(f"| {s}×{s} | {cell('globalconv')} | " + " | ".join(cell(op) for op in peers)
              + f" | {med[best] / med['globalconv']:.2f}× ({best}) |")


if __name__ == "__main__":
    main()
