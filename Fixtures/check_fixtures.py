#!/usr/bin/env python3
"""Re-read every Fixtures/*.safetensors and check it against Docs/fixtures.md and PyTorch.

For each file: the raw header (8-byte little-endian length, JSON, offsets that tile the data),
the five metadata keys, the config keys of Docs/blocks.md's tables (exactly, every key present),
tensor dtypes matching `dtype`, then the block rebuilt from `config` with the stored weights
(load_state_dict strict) must reproduce the stored `output` from the stored `input`.

Run from the repository root: python3 Fixtures/check_fixtures.py   (exit status 1 on any failure)
"""
import glob
import json
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate  # noqa: E402  (build(), the module constructors from a config)

torch.set_num_threads(1)

CONFIG_KEYS = {
    "conv2d.depthwise": {"channels", "kernel_size", "dilation", "padding", "padding_mode", "bias"},
    "parc.op": {"channels", "axis", "kernel_size", "use_pe"},
    "parc.convnext_block": {"dim", "kernel_size", "use_pe"},
    "convnext.block": {"dim", "kernel_size"},
    "van.lka": {"dim", "kernel_size", "dilation"},
    "van.block": {"dim", "mlp_ratio", "kernel_size", "dilation"},
    "replknet.large_kernel": {"channels", "kernel_size", "small_kernel", "reparameterized"},
    "replknet.block": {"in_channels", "dw_channels", "block_lk_size", "small_kernel", "reparameterized"},
    "replknet.convffn": {"in_channels", "internal_channels", "out_channels"},
    "slak.large_kernel": {"channels", "kernel_size"},
    "slak.block": {"dim", "kernel_size"},
    "unireplknet.dilated_reparam": {"channels", "kernel_size", "reparameterized"},
    "moganet.block": {"dim", "ffn_ratio", "attn_dw_dilation", "attn_channel_split", "attn_force_fp32"},
    "gfnet.block": {"dim", "h", "w", "mlp_ratio", "layer_norm_eps"},
}
ST_DTYPES = {"float32": ("F32", 4, torch.float32), "float64": ("F64", 8, torch.float64)}


def check_file(path):
    blob = open(path, "rb").read()
    n = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8:8 + n])
    meta = header.pop("__metadata__")
    assert set(meta) == {"globalconv.fixture", "block", "config", "dtype", "source"}, meta.keys()
    assert meta["globalconv.fixture"] == "1"
    block, dname = meta["block"], meta["dtype"]
    cfg = json.loads(meta["config"])
    assert set(cfg) == CONFIG_KEYS[block], f"config keys {sorted(cfg)}"
    st, size, tdt = ST_DTYPES[dname]
    # offsets tile the data section exactly, every tensor has the fixture's dtype
    spans = sorted((v["data_offsets"][0], v["data_offsets"][1], k) for k, v in header.items())
    pos = 0
    for a, b, k in spans:
        assert a == pos, f"gap/overlap at {k}"
        info = header[k]
        assert info["dtype"] == st, f"{k} is {info['dtype']}"
        count = 1
        for d in info["shape"]:
            count *= d
        assert b - a == count * size, f"{k} size"
        pos = b
    assert 8 + n + pos == len(blob), "data section length"
    # numeric round trip
    from safetensors.torch import load_file
    t = load_file(path)
    x, y = t.pop("input"), t.pop("output")
    assert x.dim() == 4 and y.dim() == 4 and x.dtype == tdt
    m = generate.build(block, cfg).to(tdt)
    missing, unexpected = m.load_state_dict(t, strict=False)
    assert not unexpected, unexpected
    assert all(k.endswith("num_batches_tracked") for k in missing), missing
    m.eval()
    with torch.no_grad():
        y2 = m(x)
    err = (y2 - y).abs().max().item() / y.abs().max().item()
    assert err == 0.0, f"recomputed output differs by {err:.3e} relative"
    return block, dname, list(x.shape), list(y.shape)


def main():
    files = sorted(glob.glob(os.path.join(HERE, "*.safetensors")))
    bad = 0
    for p in files:
        try:
            check_file(p)
        except Exception as e:  # report all failures, then fail
            bad += 1
            print(f"FAIL {os.path.basename(p)}: {e}")
    print(f"{len(files) - bad} passed, {bad} failed")
    sys.exit(1 if bad or not files else 0)


if __name__ == "__main__":
    main()
