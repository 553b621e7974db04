#!/usr/bin/env python3
"""The CPU a benchmark ran on, for the header of every timing table and a field of every JSON row.

`describe()` gives lscpu's model name plus vendor, family and model, e.g.
"AMD EPYC (AuthenticAMD family 26 model 2)", read from /proc/cpuinfo (first processor), else from
`lscpu`, else from the platform module. `table_line(threads)` adds the logical CPU count and the threads
the benchmark used; `record(threads)` is the same as a dict for JSON output.
Run alone it prints the table line: python3 Fixtures/cpuinfo.py [--threads T]
"""
import functools
import os
import platform
import subprocess

# /proc/cpuinfo key -> lscpu label, for the four fields we report.
FIELDS = {"model name": "Model name", "vendor_id": "Vendor ID", "cpu family": "CPU family", "model": "Model"}


def _from_proc():
    """The first processor's fields from /proc/cpuinfo (Linux x86), or {}."""
    try:
        text = open("/proc/cpuinfo").read()
    except OSError:
        return {}
    found = {}
    for line in text.split("\n\n")[0].splitlines():
        key, _, value = line.partition(":")
        if key.strip() in FIELDS:
            found[key.strip()] = value.strip()
    return found


def _from_lscpu():
    """The same fields from `lscpu` (for systems whose /proc/cpuinfo lacks them), or {}."""
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    labels = {label: key for key, label in FIELDS.items()}
    found = {}
    for line in text.splitlines():
        label, _, value = line.partition(":")
        if label.strip() in labels and labels[label.strip()] not in found:
            found[labels[label.strip()]] = value.strip()
    return found


@functools.lru_cache(maxsize=1)
def describe():
    """`model name (vendor family F model M)`, or the platform's processor string when unknown."""
    f = _from_proc()
    if "model name" not in f:
        f = {**_from_lscpu(), **f}
    name = f.get("model name") or platform.processor() or platform.machine() or "unknown CPU"
    ident = " ".join(p for p in (f.get("vendor_id"),
                                 f"family {f['cpu family']}" if "cpu family" in f else None,
                                 f"model {f['model']}" if "model" in f else None) if p)
    return f"{name} ({ident})" if ident else name


def table_line(threads):
    """One line for the head of a table: CPU, logical CPUs, threads used."""
    return f"CPU: {describe()}, {os.cpu_count()} logical CPUs; {threads} threads"


def record(threads):
    """The same for JSON output: {"cpu", "cpus", "threads"}."""
    return {"cpu": describe(), "cpus": os.cpu_count(), "threads": threads}


if __name__ == "__main__":
    import argparse
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=os.cpu_count())
    print(table_line(p.parse_args().threads))
