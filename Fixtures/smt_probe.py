#!/usr/bin/env python3
"""Whether two logical CPUs currently share one core (SMT), measured by Fixtures/smt_probe.c.

On a VM the hypervisor may, for seconds to minutes at a time, run two vCPUs that the guest sees as
separate cores on one core's two hyperthreads (Docs/performance.md, "Eighth session"): a two-thread
timing taken then measures a different machine. `state()` compiles the probe once (cc, into a temporary
directory removed at exit) and returns its JSON as a dict — `shared` is True when an FMA loop on both CPUs at once runs
below 3/4 of its rate on each alone — or None when no C compiler or no second CPU is there.
Run alone it prints one probe: python3 Fixtures/smt_probe.py [CPU_A CPU_B]
"""
import atexit
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


@functools.lru_cache(maxsize=1)
def _binary():
    """The compiled probe's path, or None when it cannot be built."""
    directory = tempfile.mkdtemp(prefix="globalconv-smt-probe-")
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    out = os.path.join(directory, "smt_probe")
    try:
        subprocess.run(["cc", "-O2", "-pthread", os.path.join(HERE, "smt_probe.c"), "-o", out],
                       check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out


def state(a=None, b=None):
    """The probe's result for CPUs a and b (default: the first two this process may run on) as a dict, or
    None (no compiler, or fewer than two CPUs)."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2 or _binary() is None:
        return None
    a, b = cpus[0] if a is None else a, cpus[1] if b is None else b
    try:
        out = subprocess.run([_binary(), str(a), str(b)], check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return json.loads(out)


def describe(s):
    """One phrase for a table footer or a log line."""
    if s is None or not s.get("supported", True):
        return "SMT probe unavailable"
    return ("two CPUs sharing one core" if s["shared"] else "two separate cores") + \
        f" (FMA probe alone {s['alone'][0]:.0f}/{s['alone'][1]:.0f}, together {s['together'][0]:.0f}/{s['together'][1]:.0f} GFLOP/s)"


if __name__ == "__main__":
    print(json.dumps(state(*[int(c) for c in sys.argv[1:3]])))
