#!/usr/bin/env python3
"""Generate the GlobalConv whole-model fixtures (Docs/models.md; file format of Fixtures/README.md).

Run from the repository root:  python3 Fixtures/generate_models.py
Writes Fixtures/models/<model>-<variant>.<float32|float64>.safetensors: tiny-width, tiny-depth
models (reference modules of models_torch.py) with seeded order-one weights (blocks_torch.randomize_),
a batch of two inputs and PyTorch's eval-mode logits (`output`) and per-stage maps (`features.0..3`).
Metadata: `globalconv.fixture` "1", `model` (family id), `config` (official constructor keywords),
`dtype`, `source`. Deterministic: single-threaded torch, seeds from the fixture name, sorted metadata.

Each model is built and randomised once in float64; the float32 fixture holds the same values rounded
to float32 and PyTorch's float32 outputs. Self-check: every state_dict's keys equal the key list
written out below from the official layouts (independent of models_torch).
"""
import copy
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import blocks_torch as B  # noqa: E402
import models_torch as M  # noqa: E402
from generate import DTYPES, rel_err, save_fixture, seed_for  # noqa: E402

torch.set_num_threads(1)
OUT = os.path.join(HERE, "models")

# (model, variant, config, input shape)
SPECS = [
    ("convnext", "tiny", {"depths": [1, 1, 2, 1], "dims": [6, 8, 12, 16], "num_classes": 10}, [1, 3, 32, 32]),
    ("convnext", "odd", {"depths": [1, 2, 1, 1], "dims": [4, 8, 12, 16], "num_classes": 7}, [2, 3, 39, 35]),
    # ConvNeXt-V2 (GRN, no layer scale); batch 2: GRN's norms are per image
    ("convnextv2", "odd", {"depths": [1, 2, 1, 1], "dims": [4, 8, 12, 16], "num_classes": 7}, [2, 3, 39, 35]),
    ("van", "tiny", {"embed_dims": [6, 8, 12, 16], "depths": [1, 1, 2, 1], "mlp_ratios": [8, 8, 4, 4],
                     "num_classes": 10}, [1, 3, 32, 32]),
    ("van", "odd", {"embed_dims": [4, 8, 12, 16], "depths": [1, 2, 1, 1], "mlp_ratios": [4, 4, 2, 2],
                    "num_classes": 7}, [2, 3, 35, 29]),
    ("replknet", "odd", {"large_kernel_sizes": [13, 11, 7, 5], "layers": [1, 1, 1, 1], "channels": [4, 8, 12, 16],
                         "small_kernel": 5, "dw_ratio": 1.5, "ffn_ratio": 2, "num_classes": 7}, [1, 3, 35, 29]),
    ("slak", "odd", {"depths": [1, 1, 2, 1], "dims": [4, 8, 12, 16], "kernel_size": [13, 11, 7, 5, 3], "width_factor": 1.3,
                     "Decom": True, "bn": True, "num_classes": 7}, [1, 3, 39, 35]),
    # the official flags besides the released ones: a K x K lkb_origin (falsy Decom), and no branch BatchNorms
    ("slak", "undecomposed", {"depths": [1, 1, 1, 1], "dims": [4, 4, 8, 8], "kernel_size": [11, 9, 5, 3, 3],
                              "Decom": False, "bn": True, "num_classes": 5}, [1, 3, 35, 33]),
    ("slak", "nobn", {"depths": [1, 1, 1, 1], "dims": [4, 4, 8, 8], "kernel_size": [11, 9, 5, 3, 3],
                      "Decom": True, "bn": False, "num_classes": 5}, [1, 3, 35, 33]),
    # 39x39: maps 9, 4, 2, 1 (truncating); ParC blocks in stages 0-2 (global kernels 9, 4, 2), stage 3 ConvNeXt only
    ("parc_convnext", "odd", {"depths": [1, 2, 2, 1], "dims": [4, 8, 12, 16], "ParC_insert_locs": [0, 1, 1, 1],
                              "stages_rs": [9, 4, 2, 1], "num_classes": 7}, [1, 3, 39, 39]),
    ("moganet", "odd", {"arch": {"embed_dims": [8, 8, 16, 16], "depths": [1, 1, 2, 1], "ffn_ratios": [4, 4, 2, 2]},
                        "attn_final_dilation": False, "num_classes": 7}, [1, 3, 35, 29]),
    # 7x7 token grid (odd: filter width w = 4), the input must be img_size square
    ("gfnet", "odd", {"img_size": 35, "patch_size": 5, "embed_dim": 16, "depth": 2, "mlp_ratio": 4, "num_classes": 7},
     [2, 3, 35, 35]),
    # grids 8, 4, 2, 1 (the last stage filters a 1x1 map)
    ("gfnet_h", "odd", {"img_size": 35, "patch_size": 4, "embed_dim": [4, 8, 12, 16], "depth": [1, 1, 1, 1],
                        "mlp_ratio": [4, 4, 2, 2], "num_classes": 7}, [1, 3, 35, 35]),
    ("unireplknet", "odd", {"depths": [1, 1, 2, 1], "dims": [4, 8, 8, 12], "kernel_sizes": [[3], [7], [9, 5], [13]],
                            "num_classes": 7}, [1, 3, 35, 29]),
    # kernel size 0: the official block without a mixer (and without its norm)
    ("unireplknet", "k0", {"depths": [1, 2, 1, 1], "dims": [4, 4, 8, 8], "kernel_sizes": [[0], [5, 0], [7], [0]],
                           "num_classes": 5}, [1, 3, 19, 23]),
]
# Models also written re-parameterised (same weights, merged by the reference's own merge): config flag, file suffix.
MERGED = {("replknet", "odd"): ("small_kernel_merged", "merged"), ("unireplknet", "odd"): ("deploy", "deploy"),
          ("unireplknet", "k0"): ("deploy", "deploy")}
# RepLKNet's BN-fused key sets (the official deep_fuse_BN(), which has no config flag): after the merge
# ("fused", config small_kernel_merged) and without it ("fused-unmerged").
FUSED = {("replknet", "odd")}


def fused_layout(keys):
    """The key list after deep_fuse_BN(): each conv-BN unit's `X.bn.*` replaced by `X.conv.bias` (the stage-level
    BNs prelkb_bn, preffn_bn and norm are not conv-BN units and stay)."""
    out = []
    for k in keys:
        if ".bn." in k or k.startswith("bn."):
            if k.endswith(".bn.weight"):
                out.append(k[: -len(".bn.weight")] + ".conv.bias")
        else:
            out.append(k)
    return out


def convnext_frame_keys():
    """The ConvNeXt trunk's stem and downsampler keys (ConvNeXt, ConvNeXt-V2, SLaK, ParC-ConvNeXt)."""
    return [f"downsample_layers.{s}.{i}.{p}" for s in range(4) for i in (0, 1) for p in ("weight", "bias")]


def expected_keys(model, cfg):
    """The state_dict key list of the official classes, written from their layouts."""
    keys = []
    if model in ("convnext", "convnextv2"):
        # V1: layer scale `gamma`; V2: GRN (`grn.gamma`, `grn.beta`) and no layer scale
        block = ("gamma",) if model == "convnext" else ("grn.gamma", "grn.beta")
        keys += convnext_frame_keys()
        for s, depth in enumerate(cfg["depths"]):
            for j in range(depth):
                keys += [f"stages.{s}.{j}.{k}" for k in block + ("dwconv.weight", "dwconv.bias", "norm.weight",
                                                                 "norm.bias", "pwconv1.weight", "pwconv1.bias",
                                                                 "pwconv2.weight", "pwconv2.bias")]
        keys += ["norm.weight", "norm.bias", "head.weight", "head.bias"]
    elif model in ("slak", "parc_convnext"):
        keys += convnext_frame_keys()
        bn = ("weight", "bias", "running_mean", "running_var")
        for s, depth in enumerate(cfg["depths"]):
            for j in range(depth):
                p = f"stages.{s}.{j}."
                keys += [p + k for k in ("gamma", "norm.weight", "norm.bias", "pwconv1.weight", "pwconv1.bias",
                                         "pwconv2.weight", "pwconv2.bias")]
                if model == "slak":
                    branches = (["LoRA1", "LoRA2"] if cfg["Decom"] else ["lkb_origin"]) \
                        + (["small_conv"] if cfg["kernel_size"][4] < cfg["kernel_size"][s] else [])
                    for br in branches:
                        keys += [p + f"large_kernel.{br}.conv.weight"]
                        keys += [p + f"large_kernel.{br}.bn.{q}" for q in bn] if cfg["bn"] else []
                elif j >= cfg["ParC_insert_locs"][s]:
                    keys += [p + f"gcc_{a}.{k}" for a in "HW" for k in ("pe", "gcc_conv.weight", "gcc_conv.bias")]
                else:
                    keys += [p + "dwconv.weight", p + "dwconv.bias"]
        keys += ["norm.weight", "norm.bias", "head.weight", "head.bias"]
    elif model == "moganet":
        bn = ("weight", "bias", "running_mean", "running_var")
        keys += ["patch_embed1.projection.0.weight", "patch_embed1.projection.0.bias",
                 "patch_embed1.projection.3.weight", "patch_embed1.projection.3.bias"]
        keys += [f"patch_embed1.projection.{n}.{q}" for n in (1, 4) for q in bn]
        for i in range(1, 5):
            if i > 1:
                keys += [f"patch_embed{i}.projection.weight", f"patch_embed{i}.projection.bias"]
                keys += [f"patch_embed{i}.norm.{q}" for q in bn]
            for j in range(cfg["arch"]["depths"][i - 1]):
                p = f"blocks{i}.{j}."
                keys += [p + "layer_scale_1", p + "layer_scale_2", p + "attn.sigma.scale", p + "mlp.sigma.scale"]
                keys += [p + f"norm{n}.{q}" for n in (1, 2) for q in bn]
                for conv in ("attn.proj_1", "attn.gate", "attn.value.DW_conv0", "attn.value.DW_conv1", "attn.value.DW_conv2",
                             "attn.value.PW_conv", "attn.proj_2", "mlp.fc1", "mlp.dwconv", "mlp.fc2", "mlp.decompose"):
                    keys += [p + conv + ".weight", p + conv + ".bias"]
            keys += [f"norm{i}.{q}" for q in bn]
        keys += ["head.weight", "head.bias"]
    elif model == "gfnet":
        keys += ["patch_embed.proj.weight", "patch_embed.proj.bias", "pos_embed"]
        for j in range(cfg["depth"]):
            keys += [f"blocks.{j}.{k}" for k in ("norm1.weight", "norm1.bias", "filter.complex_weight", "norm2.weight",
                                                 "norm2.bias", "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias")]
        keys += ["norm.weight", "norm.bias", "head.weight", "head.bias"]
    elif model == "gfnet_h":
        keys += ["pos_embed"] + [f"patch_embed.{i}.proj.{p}" for i in range(4) for p in ("weight", "bias")]
        for i in range(4):
            for j in range(cfg["depth"][i]):
                keys += [f"blocks.{i}.{j}.{k}" for k in ("gamma", "norm1.weight", "norm1.bias", "filter.complex_weight",
                                                         "norm2.weight", "norm2.bias", "mlp.fc1.weight", "mlp.fc1.bias",
                                                         "mlp.fc2.weight", "mlp.fc2.bias")]
        keys += ["norm.weight", "norm.bias", "head.weight", "head.bias"]
    elif model == "unireplknet":
        keys += [f"downsample_layers.0.{i}.{p}" for i in (0, 1, 3, 4) for p in ("weight", "bias")]
        keys += [f"downsample_layers.{s}.{i}.{p}" for s in (1, 2, 3) for i in (0, 1) for p in ("weight", "bias")]
        bn = ("weight", "bias", "running_mean", "running_var")
        tables = {5: ([3, 3], [1, 2]), 7: ([5, 3, 3], [1, 2, 3]), 9: ([5, 5, 3, 3], [1, 2, 3, 4]),
                  11: ([5, 5, 3, 3, 3], [1, 2, 3, 4, 5]), 13: ([5, 7, 3, 3, 3], [1, 2, 3, 4, 5])}
        deploy = cfg.get("deploy", False)
        for s, ks in enumerate(cfg["kernel_sizes"]):
            for j, k in enumerate(ks):
                p = f"stages.{s}.{j}."
                keys += [p + f"se.{u}.{q}" for u in ("down", "up") for q in ("weight", "bias")]
                keys += [p + "pwconv1.1.weight", p + "pwconv1.1.bias", p + "act.1.gamma", p + "pwconv2.0.weight"]
                if deploy:
                    keys += [p + "pwconv2.0.bias"]
                    if k >= 7:
                        keys += [p + "dwconv.lk_origin.weight", p + "dwconv.lk_origin.bias"]
                    elif k > 0:  # k = 0: no mixer
                        keys += [p + "dwconv.weight", p + "dwconv.bias"]
                else:
                    keys += [p + "act.1.beta", p + "gamma"] + [p + f"pwconv2.2.{q}" for q in bn]
                    if k > 0:  # k = 0: no mixer and no norm
                        keys += [p + f"norm.{q}" for q in bn]
                    if k >= 7:
                        keys += [p + "dwconv.lk_origin.weight"] + [p + f"dwconv.origin_bn.{q}" for q in bn]
                        for kk, r in zip(*tables[k]):
                            keys += [p + f"dwconv.dil_conv_k{kk}_{r}.weight"] + [p + f"dwconv.dil_bn_k{kk}_{r}.{q}" for q in bn]
                    elif k > 0:
                        keys += [p + "dwconv.weight"]
        keys += ["norm.weight", "norm.bias", "head.weight", "head.bias"]
    elif model == "replknet":
        bn = ("weight", "bias", "running_mean", "running_var")
        unit = lambda p: [p + ".conv.weight"] + [p + ".bn." + q for q in bn]  # noqa: E731
        for n in range(4):
            keys += unit(f"stem.{n}")
        for s in range(4):
            for m in range(cfg["layers"][s]):
                p = f"stages.{s}.blocks.{2 * m}."
                keys += [p + "prelkb_bn." + q for q in bn] + unit(p + "pw1") + unit(p + "pw2")
                if cfg.get("small_kernel_merged"):
                    keys += [p + "large_kernel.lkb_reparam.weight", p + "large_kernel.lkb_reparam.bias"]
                else:
                    keys += unit(p + "large_kernel.lkb_origin")
                    if cfg.get("small_kernel") is not None:
                        keys += unit(p + "large_kernel.small_conv")
                p = f"stages.{s}.blocks.{2 * m + 1}."
                keys += [p + "preffn_bn." + q for q in bn] + unit(p + "pw1") + unit(p + "pw2")
            if s < 3:
                keys += unit(f"transitions.{s}.0") + unit(f"transitions.{s}.1")
        keys += ["norm." + q for q in bn] + ["head.weight", "head.bias"]
    elif model == "van":
        bn = ("weight", "bias", "running_mean", "running_var")
        for i in range(1, 5):
            keys += [f"patch_embed{i}.proj.weight", f"patch_embed{i}.proj.bias"]
            keys += [f"patch_embed{i}.norm.{p}" for p in bn]
            for j in range(cfg["depths"][i - 1]):
                p = f"block{i}.{j}."
                keys += [p + "layer_scale_1", p + "layer_scale_2"]
                keys += [p + f"norm{n}.{q}" for n in (1, 2) for q in bn]
                for conv in ("attn.proj_1", "attn.spatial_gating_unit.conv0", "attn.spatial_gating_unit.conv_spatial",
                             "attn.spatial_gating_unit.conv1", "attn.proj_2", "mlp.fc1", "mlp.dwconv.dwconv", "mlp.fc2"):
                    keys += [p + conv + ".weight", p + conv + ".bias"]
            keys += [f"norm{i}.weight", f"norm{i}.bias"]
        keys += ["head.weight", "head.bias"]
    return keys


def write(model, variant, cfg, dname, m, x, seed, note="", bn_fused=False):
    """Runs `m` on `x` and writes the fixture; returns (logits, bytes)."""
    keys = [k for k in m.state_dict() if not k.endswith("num_batches_tracked")]
    exp = fused_layout(expected_keys(model, cfg)) if bn_fused else expected_keys(model, cfg)
    assert sorted(keys) == sorted(exp), f"{model}: keys {sorted(set(keys) ^ set(exp))} differ from the official layout"
    with torch.no_grad():
        feats = m.features(x)
        y = m(x)
    assert torch.isfinite(y).all()
    tensors = {"input": x, "output": y}
    for i, f in enumerate(feats):
        tensors[f"features.{i}"] = f
    sd = m.state_dict()
    for k in keys:
        tensors[k] = sd[k]
    meta = {
        "globalconv.fixture": "1",
        "model": model,
        "config": json.dumps(cfg, separators=(",", ":")),
        "dtype": dname,
        "source": f"Fixtures/generate_models.py: models_torch.{type(m).__name__}, eval mode, {dname}, "
                  f"torch {torch.__version__}, seed {seed}, randomize_ order-one weights, input randn{note}",
    }
    path = os.path.join(OUT, f"{model}-{variant}.{dname}.safetensors")
    save_fixture(path, tensors, meta)
    size = os.path.getsize(path)
    print(f"{os.path.relpath(path, HERE)}: input {list(x.shape)} -> logits {list(y.shape)}, "
          f"features {[list(f.shape[2:]) for f in feats]}, {len(keys)} keys, {size} bytes, "
          f"max|logit| {y.abs().max().item():.3g}")
    return y, size


def main():
    os.makedirs(OUT, exist_ok=True)
    total, count = 0, 0
    for model, variant, cfg, shape in SPECS:
        seed = seed_for("model." + model, variant)
        gen = torch.Generator().manual_seed(seed)
        m64 = M.build(model, cfg).double()
        m64.randomize_(gen) if hasattr(m64, "randomize_") else B.randomize_(m64, gen)
        m64.eval()
        x64 = torch.randn(shape, generator=gen, dtype=torch.float64)
        outs = {}
        for dname, dt in DTYPES:
            m = copy.deepcopy(m64).to(dt).eval()
            x = x64.to(dt)
            outs[dname], size = write(model, variant, cfg, dname, m, x, seed)
            total, count = total + size, count + 1
            flag, suffix = MERGED.get((model, variant), (None, None))
            if flag:
                mm = copy.deepcopy(m).structural_reparam().eval()
                ym, size = write(model, f"{variant}-{suffix}", dict(cfg, **{flag: True}), dname, mm, x, seed,
                                 note=f", re-parameterised from the weights of {model}-{variant}")
                total, count = total + size, count + 1
                err = rel_err(ym, outs[dname])
                if dname == "float64":
                    assert err < 1e-10, f"{model}-{variant}: merged vs unmerged float64 rel {err:.2e}"
                print(f"    check {model}-{variant}: merged vs unmerged logits rel {err:.2e} ({dname})")
            if (model, variant) in FUSED:
                for merge, suffix in ((True, "fused"), (False, "fused-unmerged")):
                    mf = copy.deepcopy(m)
                    if merge:
                        mf.structural_reparam()
                    mf.deep_fuse_BN().eval()
                    yf, size = write(model, f"{variant}-{suffix}", dict(cfg, small_kernel_merged=merge), dname, mf, x, seed,
                                     note=f", {'re-parameterised and ' if merge else ''}BN-fused (deep_fuse_BN) from the "
                                          f"weights of {model}-{variant}", bn_fused=True)
                    total, count = total + size, count + 1
                    err = rel_err(yf, outs[dname])
                    if dname == "float64":
                        assert err < 1e-10, f"{model}-{variant}-{suffix}: vs unmerged float64 rel {err:.2e}"
                    print(f"    check {model}-{variant}-{suffix}: vs unmerged logits rel {err:.2e} ({dname})")
        print(f"    info {model}-{variant}: float32 vs float64 logits rel {rel_err(outs['float32'], outs['float64']):.2e}")
    print(f"{count} model fixtures, {total} bytes")
    # A budget for the repository (every fixture is checked in): 4.0 MB since the ConvNeXt-V2 pair.
    assert total < 4_000_000, "model fixtures exceed 4.0 MB"


if __name__ == "__main__":
    main()
