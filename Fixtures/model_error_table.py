#!/usr/bin/env python3
"""Summarise the model fixtures' measured errors as the markdown table of Docs/models.md.

    swift test --skip-build --filter ModelFixtureTests | python3 Fixtures/model_error_table.py

Reads the `model-fixture-check` lines the tests print (one per fixture, path and output: logits and
features.0-3) and prints, per fixture and dtype, the logits' relative error on direct / fft / auto, the
largest absolute logit error and the worst stage-map relative error over all paths.
"""
import collections
import re
import sys

PATTERN = re.compile(r"\[(\S+?)\.(float32|float64)\.safetensors( features\.\d)?\] \S+ (\w+): max_abs_error (\S+), rel_error (\S+)")


def main():
    logits, feats = collections.defaultdict(dict), collections.defaultdict(dict)
    for line in sys.stdin:
        m = PATTERN.search(line) if "model-fixture-check" in line else None
        if not m:
            continue
        name, dtype, feature, path, abs_err, rel = m.groups()
        key = (name, dtype)
        if feature:
            feats[key][path] = max(feats[key].get(path, 0.0), float(rel))
        else:
            logits[key][path] = (float(abs_err), float(rel))
    print("| fixture | dtype | logits rel. error direct / fft / auto | max abs. logit error | stage maps, worst rel. error |")
    print("|---|---|---|---|---|")
    for key in sorted(logits):
        r = logits[key]
        rel = " / ".join(f"{r[p][1]:.1e}" for p in ("direct", "fft", "auto"))
        worst_abs = max(v[0] for v in r.values())
        stages = max(feats[key].values()) if feats[key] else float("nan")
        print(f"| `{key[0]}` | {key[1]} | {rel} | {worst_abs:.1e} | {stages:.1e} |")


if __name__ == "__main__":
    main()
