#!/usr/bin/env python3
"""Convert an official PyTorch checkpoint of a GlobalConv model family to a GlobalConv model file.

    python3 Fixtures/convert_checkpoint.py van_tiny_754.pth.tar -o van_b0.safetensors --preset van_b0
    python3 Fixtures/convert_checkpoint.py ckpt.pth --family moganet --config '{"attn_force_fp32": true}'

The families and their key layouts are those of the model catalogue (Docs/models.md): VAN, RepLKNet,
SLaK, UniRepLKNet, MogaNet, ParC-ConvNeXt, ConvNeXt, GFNet and GFNet-H, always with the key names
of the official classes. What it does:

1. Reads the file without executing pickled code (`torch.load(weights_only=True)`; unknown pickled
   globals such as a training script's `argparse.Namespace` are replaced by inert stand-ins that
   only record their data) or reads a `.safetensors` file.
2. Unwraps the container the way the family's official loader does (the official loaders, Fixtures/README.md "Converting a checkpoint"): `model`,
   `state_dict`, `module` or the raw dict; `--ema` takes `state_dict_ema` / `model_ema`. Strips a
   leading `module.` defensively, drops `num_batches_tracked` and every non-tensor entry.
3. Recognises the family and the key set from distinctive keys (or takes `--family`), infers the
   constructor configuration from the tensor shapes (or takes `--config`, whose keys override the
   inferred ones), rebuilds the complete expected key/shape layout of the official class from that
   configuration and requires the state dict to match it exactly.
4. Writes every tensor (sorted by name, float32 by default, `--dtype float64`) with the metadata
   `format`, `version`, `model`, `config`, `key_set`, `dtype`, `source` (and `preset` when one
   matches) — `model`/`config` as in Docs/fixtures.md — and prints a summary.

User errors (missing file, not a checkpoint, no state dict, unknown family, inconsistent shapes)
print one message and exit with status 1.
"""
import argparse
import json
import os
import re
import sys

FORMAT = "globalconv-model"
VERSION = "1"
FAMILIES = ("van", "replknet", "slak", "unireplknet", "moganet", "parc_convnext", "convnext",
            "gfnet", "gfnet_h", "convnextv2")


class ConvertError(Exception):
    """A user error: printed as one message, exit status 1."""


# =============================================================================================
# Presets (the official constructors, checked against the official repositories)
# =============================================================================================
def _van(dims, depths):
    return dict(embed_dims=dims, depths=depths, mlp_ratios=[8, 8, 4, 4], num_classes=1000)


def _replk(ks, layers, ch, sk, dw):
    return dict(large_kernel_sizes=ks, layers=layers, channels=ch, small_kernel=sk, dw_ratio=dw,
                ffn_ratio=4, num_classes=1000, small_kernel_merged=False)


def _slak(depths, dims):
    return dict(depths=depths, dims=dims, kernel_size=[51, 49, 47, 13, 5], width_factor=1.3,
                Decom=True, bn=True, num_classes=1000)


UNIREPLK_KERNELS = {
    (2, 2, 6, 2): [[3, 3], [13, 13], [13] * 6, [13, 13]],
    (2, 2, 8, 2): [[3, 3], [13, 13], [13] * 8, [13, 13]],
    (3, 3, 18, 3): [[3, 3, 3], [13, 13, 13], [13 if j % 2 == 0 else 3 for j in range(18)], [13, 13, 13]],
    (3, 3, 27, 3): [[3, 3, 3], [13, 13, 13], [13 if j % 3 == 0 else 3 for j in range(27)], [13, 13, 13]],
}


def _uni(depths, dims):
    return dict(depths=depths, dims=dims, kernel_sizes=UNIREPLK_KERNELS[tuple(depths)], deploy=False,
                num_classes=1000)


MOGANET_ARCHS = {
    "xtiny": dict(embed_dims=[32, 64, 96, 192], depths=[3, 3, 10, 2], ffn_ratios=[8, 8, 4, 4]),
    "tiny": dict(embed_dims=[32, 64, 128, 256], depths=[3, 3, 12, 2], ffn_ratios=[8, 8, 4, 4]),
    "small": dict(embed_dims=[64, 128, 320, 512], depths=[2, 3, 12, 2], ffn_ratios=[8, 8, 4, 4]),
    "base": dict(embed_dims=[64, 160, 320, 512], depths=[4, 6, 22, 3], ffn_ratios=[8, 8, 4, 4]),
    "large": dict(embed_dims=[64, 160, 320, 640], depths=[4, 6, 44, 4], ffn_ratios=[8, 8, 4, 4]),
    "xlarge": dict(embed_dims=[96, 192, 480, 960], depths=[6, 6, 44, 4], ffn_ratios=[8, 8, 4, 4]),
}
MOGANET_ALIASES = {"xt": "xtiny", "x-tiny": "xtiny", "xtiny": "xtiny", "t": "tiny", "tiny": "tiny",
                   "s": "small", "small": "small", "b": "base", "base": "base", "l": "large",
                   "large": "large", "xl": "xlarge", "x-large": "xlarge", "xlarge": "xlarge"}


def _moga(name):
    return dict(arch=dict(MOGANET_ARCHS[name]), attn_force_fp32=False, attn_dw_dilation=[1, 2, 3],
                attn_channel_split=[1, 3, 4], attn_final_dilation=True, num_classes=1000)


def _gf(dim, depth):
    return dict(img_size=224, patch_size=16, embed_dim=dim, depth=depth, mlp_ratio=4, num_classes=1000)


def _gfh(dims, depths):
    return dict(img_size=224, patch_size=4, embed_dim=dims, depth=depths, mlp_ratio=[4, 4, 4, 4],
                num_classes=1000)


PRESETS = {
    "van": {"van_b0": _van([32, 64, 160, 256], [3, 3, 5, 2]),
            "van_b1": _van([64, 128, 320, 512], [2, 2, 4, 2]),
            "van_b2": _van([64, 128, 320, 512], [3, 3, 12, 3]),
            "van_b3": _van([64, 128, 320, 512], [3, 5, 27, 3]),
            "van_b4": _van([64, 128, 320, 512], [3, 6, 40, 3]),
            "van_b5": _van([96, 192, 480, 768], [3, 3, 24, 3]),
            "van_b6": _van([96, 192, 384, 768], [6, 6, 90, 6])},
    "replknet": {"replknet_31b": _replk([31, 29, 27, 13], [2, 2, 18, 2], [128, 256, 512, 1024], 5, 1),
                 "replknet_31l": _replk([31, 29, 27, 13], [2, 2, 18, 2], [192, 384, 768, 1536], 5, 1),
                 "replknet_xl": _replk([27, 27, 27, 13], [2, 2, 18, 2], [256, 512, 1024, 2048], None, 1.5)},
    "slak": {"SLaK_tiny": _slak([3, 3, 9, 3], [96, 192, 384, 768]),
             "SLaK_small": _slak([3, 3, 27, 3], [96, 192, 384, 768]),
             "SLaK_base": _slak([3, 3, 27, 3], [128, 256, 512, 1024]),
             "SLaK_large": _slak([3, 3, 27, 3], [192, 384, 768, 1536])},
    "unireplknet": {"unireplknet_a": _uni([2, 2, 6, 2], [40, 80, 160, 320]),
                    "unireplknet_f": _uni([2, 2, 6, 2], [48, 96, 192, 384]),
                    "unireplknet_p": _uni([2, 2, 6, 2], [64, 128, 256, 512]),
                    "unireplknet_n": _uni([2, 2, 8, 2], [80, 160, 320, 640]),
                    "unireplknet_t": _uni([3, 3, 18, 3], [80, 160, 320, 640]),
                    "unireplknet_s": _uni([3, 3, 27, 3], [96, 192, 384, 768]),
                    "unireplknet_b": _uni([3, 3, 27, 3], [128, 256, 512, 1024]),
                    "unireplknet_l": _uni([3, 3, 27, 3], [192, 384, 768, 1536]),
                    "unireplknet_xl": _uni([3, 3, 27, 3], [256, 512, 1024, 2048])},
    "moganet": {"moganet_" + n: _moga(n) for n in MOGANET_ARCHS},
    "parc_convnext": {"parc_convnext_xt": dict(depths=[3, 3, 9, 3], dims=[48, 96, 192, 384],
                                               ParC_insert_locs=[3, 3, 6, 2], stages_rs=[56, 28, 14, 7],
                                               num_classes=1000)},
    "convnext": {"convnext_tiny": dict(depths=[3, 3, 9, 3], dims=[96, 192, 384, 768], num_classes=1000),
                 "convnext_small": dict(depths=[3, 3, 27, 3], dims=[96, 192, 384, 768], num_classes=1000),
                 "convnext_base": dict(depths=[3, 3, 27, 3], dims=[128, 256, 512, 1024], num_classes=1000),
                 "convnext_large": dict(depths=[3, 3, 27, 3], dims=[192, 384, 768, 1536], num_classes=1000),
                 "convnext_xlarge": dict(depths=[3, 3, 27, 3], dims=[256, 512, 1024, 2048], num_classes=1000)},
    "convnextv2": {f"convnextv2_{n}": dict(depths=d, dims=w, num_classes=1000) for n, d, w in [
        ("atto", [2, 2, 6, 2], [40, 80, 160, 320]), ("femto", [2, 2, 6, 2], [48, 96, 192, 384]),
        ("pico", [2, 2, 6, 2], [64, 128, 256, 512]), ("nano", [2, 2, 8, 2], [80, 160, 320, 640]),
        ("tiny", [3, 3, 9, 3], [96, 192, 384, 768]), ("base", [3, 3, 27, 3], [128, 256, 512, 1024]),
        ("large", [3, 3, 27, 3], [192, 384, 768, 1536]), ("huge", [3, 3, 27, 3], [352, 704, 1408, 2816])]},
    "gfnet": {"gfnet-ti": _gf(256, 12), "gfnet-xs": _gf(384, 12), "gfnet-s": _gf(384, 19),
              "gfnet-b": _gf(512, 19)},
    "gfnet_h": {"gfnet-h-ti": _gfh([64, 128, 256, 512], [3, 3, 10, 3]),
                "gfnet-h-s": _gfh([96, 192, 384, 768], [3, 3, 10, 3]),
                "gfnet-h-b": _gfh([96, 192, 384, 768], [3, 3, 27, 3])},
}
PRESET_ALIASES = {"moganet_tiny_sz256": "moganet_tiny", "moganet_xtiny_sz256": "moganet_xtiny",
                  "create_replknet31b": "replknet_31b", "create_replknet31l": "replknet_31l",
                  "create_replknetxl": "replknet_xl", "replknet31b": "replknet_31b", "replknet31l": "replknet_31l",
                  "parc_convnext": "parc_convnext_xt", "convnext_pico": "convnextv2_pico"}


def canonical_preset(name):
    """The preset's official name (SLaK_tiny, gfnet-h-ti, van_b0, ...) for any spelling that differs
    only in case and '-' vs '_' (also create_RepLKNet31B, moganet_tiny_sz256), or None."""
    def key(n):
        return n.strip().lower().replace("-", "_")
    k = key(name)
    k = PRESET_ALIASES.get(k, k)
    for family in PRESETS:
        for official in PRESETS[family]:
            if key(official) == k:
                return official
    return None


# Config keys per family (Docs/fixtures.md; official constructor names) and their defaults.
CONFIG_KEYS = {
    "van": dict(embed_dims=[64, 128, 256, 512], depths=[3, 4, 6, 3], mlp_ratios=[4, 4, 4, 4], num_classes=1000),
    "replknet": dict(large_kernel_sizes=None, layers=None, channels=None, small_kernel=None, dw_ratio=1,
                     ffn_ratio=4, num_classes=1000, out_indices=None, norm_intermediate_features=False,
                     small_kernel_merged=False),
    "slak": dict(depths=[3, 3, 9, 3], dims=[96, 192, 384, 768], kernel_size=[51, 49, 47, 13, 5],
                 width_factor=1.0, Decom=False, bn=True, num_classes=1000),
    "unireplknet": dict(depths=[3, 3, 27, 3], dims=[96, 192, 384, 768], kernel_sizes=None, deploy=False,
                        num_classes=1000, init_cfg=None),
    "moganet": dict(arch="tiny", attn_force_fp32=False, attn_dw_dilation=[1, 2, 3], attn_channel_split=[1, 3, 4],
                    attn_final_dilation=True, num_classes=1000),
    "parc_convnext": dict(depths=[3, 3, 9, 3], dims=[96, 192, 384, 768], ParC_insert_locs=[3, 3, 6, 2],
                          stages_rs=[56, 28, 14, 7], num_classes=1000),
    "convnext": dict(depths=[3, 3, 9, 3], dims=[96, 192, 384, 768], num_classes=1000),
    "convnextv2": dict(depths=[3, 3, 9, 3], dims=[96, 192, 384, 768], num_classes=1000),
    "gfnet": dict(img_size=224, patch_size=16, embed_dim=768, depth=12, mlp_ratio=4, num_classes=1000),
    "gfnet_h": dict(img_size=224, patch_size=4, embed_dim=[64, 128, 256, 512], depth=[2, 2, 10, 4],
                    mlp_ratio=[4, 4, 4, 4], num_classes=1000),
}

# Key sets per family (the first is the released / training one).
KEY_SETS = {
    "van": ("training",), "slak": ("training",), "moganet": ("training",), "parc_convnext": ("training",),
    "gfnet": ("training",), "gfnet_h": ("training",),
    "replknet": ("training", "merged", "fused", "fused_unmerged"),
    "unireplknet": ("training", "deploy"),
    "convnext": ("official", "timm"),
    "convnextv2": ("training",),
}

# Container keys the official loaders read, in order (the official loaders, Fixtures/README.md "Converting a checkpoint", corrected against the official
# code: the ConvNeXt-style fine-tuning paths take the first of `--model_key model|module`, their
# save_model / GFNet's main also write `model_ema`; VAN's README evaluates with timm 0.4.12's
# validate.py, whose load_checkpoint reads `state_dict` (`state_dict_ema` with --use_ema) else the raw
# dict; MogaNet's validate.py goes through timm 0.6's load_checkpoint: `state_dict_ema`, `model_ema`
# with --use_ema, else `state_dict`, `model`, raw; both strip `module.`).
# None = the raw dict. Second list: where --ema looks.
CONTAINERS = {
    "van": (["state_dict", None], ["state_dict_ema"]),
    "replknet": (["model", "module", "state_dict", None], ["model_ema"]),
    "slak": (["model", "module", None], ["model_ema"]),
    "unireplknet": (["model", "module", "state_dict", None], ["model_ema"]),
    "moganet": (["state_dict", "model", None], ["state_dict_ema", "model_ema"]),
    "parc_convnext": (["model", "module", "state_dict", None], ["model_ema"]),
    "convnext": (["model", "module", None], ["model_ema"]),
    "convnextv2": (["model", "module", None], ["model_ema"]),
    "gfnet": (["model", None], ["model_ema"]),
    "gfnet_h": (["model", None], ["model_ema"]),
}
GENERIC_CONTAINERS = (["model", "state_dict", "module", None], ["state_dict_ema", "model_ema"])

UNIREPLK_DILATED = {17: ([5, 9, 3, 3, 3], [1, 2, 4, 5, 7]), 15: ([5, 7, 3, 3, 3], [1, 2, 3, 5, 7]),
                    13: ([5, 7, 3, 3, 3], [1, 2, 3, 4, 5]), 11: ([5, 5, 3, 3, 3], [1, 2, 3, 4, 5]),
                    9: ([5, 5, 3, 3], [1, 2, 3, 4]), 7: ([5, 3, 3], [1, 2, 3]), 5: ([3, 3], [1, 2])}


# =============================================================================================
# Reading
# =============================================================================================
class _Opaque:
    """Inert stand-in for a pickled global that weights_only refuses (argparse.Namespace, numpy
    scalars, ...). It never runs the original code; it only keeps the plain data handed to it."""
    _global = "?"

    def __new__(cls, *args, **kwargs):
        self = object.__new__(cls)
        self._args, self._state = args, None
        return self

    def __init__(self, *args, **kwargs):
        pass

    def __setstate__(self, state):
        self._state = state

    def __call__(self, *args, **kwargs):
        return _Opaque()

    def __repr__(self):
        return f"<{self._global}>"


def _load_torch(path):
    import pickle
    import torch
    import torch.serialization as ser
    def load():
        try:  # zip-format files are memory-mapped (a 350M-parameter checkpoint is not read twice)
            return torch.load(path, map_location="cpu", weights_only=True, mmap=True)
        except pickle.UnpicklingError:
            raise
        except Exception:  # legacy (non-zip) format: no mmap
            return torch.load(path, map_location="cpu", weights_only=True)

    try:
        return load(), []
    except Exception as first:  # anything torch.load raises on a file it cannot read is a user error
        try:
            names = ser.get_unsafe_globals_in_checkpoint(path)
        except Exception:
            names = []
        if not names:
            raise ConvertError(f"{path}: not a PyTorch checkpoint torch.load(weights_only=True) can read "
                               f"({type(first).__name__}: {str(first).splitlines()[0] if str(first) else ''})")
    stand_ins = [(type("Opaque_" + re.sub(r"\W", "_", n), (_Opaque,), {"_global": n}), n) for n in names]
    try:
        with ser.safe_globals(stand_ins):
            return load(), names
    except Exception as e:
        raise ConvertError(f"{path}: not a PyTorch checkpoint torch.load(weights_only=True) can read "
                           f"({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''})")


def read_checkpoint(path):
    """Returns (object, notes)."""
    if not os.path.exists(path):
        raise ConvertError(f"{path}: no such file")
    if os.path.isdir(path):
        raise ConvertError(f"{path}: is a directory, not a checkpoint file")
    if os.path.getsize(path) == 0:
        raise ConvertError(f"{path}: empty file, not a checkpoint")
    with open(path, "rb") as f:
        head = f.read(16)
    if path.endswith(".safetensors") or (len(head) >= 9 and head[8:9] == b"{"):
        from safetensors import SafetensorError
        from safetensors.torch import load_file
        try:
            return load_file(path), []
        except (SafetensorError, OSError, ValueError) as e:
            raise ConvertError(f"{path}: not a readable safetensors file ({e})")
    obj, stand_ins = _load_torch(path)
    notes = [f"replaced pickled globals by inert stand-ins (not executed): {', '.join(stand_ins)}"] if stand_ins else []
    return obj, notes


def _is_tensor(v):
    import torch
    return isinstance(v, torch.Tensor)


def _looks_like_state_dict(d):
    return isinstance(d, dict) and any(_is_tensor(v) for v in d.values())


def unwrap(obj, order, ema_order, ema, family_label):
    """Picks the state dict out of a container. Returns (state_dict, container_key)."""
    if not isinstance(obj, dict):
        raise ConvertError(f"the file holds a {type(obj).__name__}, not a dict: no state dict in the container")
    keys = ema_order if ema else order
    if ema and not keys:
        raise ConvertError(f"--ema: the {family_label} checkpoints carry no EMA copy (see Fixtures/README.md, Converting a checkpoint)")
    for k in keys:
        if k is None:
            if _looks_like_state_dict(obj):
                return obj, "(raw state dict)"
            continue
        if k in obj and isinstance(obj[k], dict):
            if _looks_like_state_dict(obj[k]):
                return obj[k], k
    tops = ", ".join(sorted(map(str, obj))[:12])
    wanted = ", ".join("raw dict" if k is None else repr(k) for k in keys)
    if ema:
        raise ConvertError(f"--ema: no EMA state dict in the container (looked for {wanted}; top-level keys: {tops})")
    raise ConvertError(f"no state dict in the container (looked for {wanted}; top-level keys: {tops or 'none'})")


def clean(sd, prefix=None):
    """Strips `module.`, drops num_batches_tracked and non-tensors; with `prefix` (e.g. `backbone.` of a
    detection or segmentation checkpoint) keeps only the keys under it, without it. Returns (dict, dropped list)."""
    out, dropped = {}, []
    for k, v in sd.items():
        if not isinstance(k, str):
            dropped.append((repr(k), "non-string key"))
            continue
        name = k[len("module."):] if k.startswith("module.") else k
        if prefix:
            if not name.startswith(prefix):
                dropped.append((k, f"outside --prefix {prefix}"))
                continue
            name = name[len(prefix):]
        if not _is_tensor(v):
            dropped.append((k, f"non-tensor ({type(v).__name__})"))
            continue
        if name.endswith("num_batches_tracked"):
            dropped.append((k, "num_batches_tracked"))
            continue
        if name in out:
            raise ConvertError(f"two entries map to {name!r} after stripping 'module.'")
        out[name] = v
    if not out:
        if prefix:
            raise ConvertError(f"no tensor under --prefix {prefix!r} in the state dict")
        raise ConvertError("no state dict in the container: it holds no tensors")
    return out, dropped


# =============================================================================================
# Family and key-set detection
# =============================================================================================
def _has(sd, pattern):
    r = re.compile(pattern)
    return any(r.search(k) for k in sd)


DETECTION = [
    # (family, description, predicate)
    ("van", "patch_embed1.proj.weight + block1.0.attn.spatial_gating_unit.*",
     lambda sd: "patch_embed1.proj.weight" in sd and _has(sd, r"^block1\.0\.attn\.spatial_gating_unit\.")),
    ("moganet", "patch_embed1.projection.0.weight + blocks1.0.attn.value.DW_conv0.*",
     lambda sd: "patch_embed1.projection.0.weight" in sd and _has(sd, r"^blocks1\.0\.attn\.value\.DW_conv0\.")),
    ("replknet", "stem.0.conv.weight + transitions.0.0.conv.weight",
     lambda sd: "stem.0.conv.weight" in sd and "transitions.0.0.conv.weight" in sd),
    ("gfnet_h", "patch_embed.0.proj.weight + pos_embed",
     lambda sd: "patch_embed.0.proj.weight" in sd and "pos_embed" in sd),
    ("gfnet", "patch_embed.proj.weight + pos_embed + blocks.0.filter.complex_weight",
     lambda sd: "patch_embed.proj.weight" in sd and "pos_embed" in sd and "blocks.0.filter.complex_weight" in sd),
    ("unireplknet", "downsample_layers.0.3.weight (two-conv stem) + stages.*.se.down.weight",
     lambda sd: "downsample_layers.0.3.weight" in sd and _has(sd, r"^stages\.\d+\.\d+\.se\.down\.weight$")),
    ("slak", "downsample_layers.0.0.weight + stages.*.large_kernel.*",
     lambda sd: "downsample_layers.0.0.weight" in sd and _has(sd, r"^stages\.\d+\.\d+\.large_kernel\.")),
    ("parc_convnext", "downsample_layers.0.0.weight + stages.*.gcc_H.*",
     lambda sd: "downsample_layers.0.0.weight" in sd and _has(sd, r"^stages\.\d+\.\d+\.gcc_H\.")),
    ("convnextv2", "downsample_layers.0.0.weight + stages.*.grn.gamma",
     lambda sd: "downsample_layers.0.0.weight" in sd and _has(sd, r"^stages\.\d+\.\d+\.grn\.gamma$")),
    ("convnext", "downsample_layers.0.0.weight + stages.*.dwconv.weight + pwconv1.weight",
     lambda sd: "downsample_layers.0.0.weight" in sd and _has(sd, r"^stages\.\d+\.\d+\.dwconv\.weight$")
     and _has(sd, r"^stages\.\d+\.\d+\.pwconv1\.weight$")),
    ("convnext", "(timm naming) stem.0.weight + stages.*.blocks.*.conv_dw.weight",
     lambda sd: "stem.0.weight" in sd and _has(sd, r"^stages\.\d+\.blocks\.\d+\.conv_dw\.weight$")),
]


def detect_family(sd):
    if _has(sd, r"\.grn\.(weight|bias)$") and not _has(sd, r"\.grn\.gamma$"):
        raise ConvertError("ConvNeXt-V2 checkpoint in timm's naming (mlp.grn.weight): only the official naming "
                           "(stages.{s}.{j}.grn.gamma, facebookresearch/ConvNeXt-V2) is supported")
    for family, _, pred in DETECTION:
        if pred(sd):
            return family
    looked = "\n  ".join(f"{f}: {d}" for f, d, _ in DETECTION)
    sample = ", ".join(sorted(sd)[:8])
    hint = ""
    if any(k.startswith("backbone.") for k in sd):
        hint = ("; the keys carry a 'backbone.' prefix (a detection or segmentation checkpoint?): "
                "pass --prefix backbone. to take the backbone alone")
    raise ConvertError(f"unrecognised key set (first keys: {sample}); looked for\n  {looked}\n"
                       f"pass --family if the file is one of {', '.join(FAMILIES)}{hint}")


def detect_family_or_none(sd):
    try:
        return detect_family(sd)
    except ConvertError:
        return None


def detect_key_set(family, sd):
    if family == "replknet":
        if _has(sd, r"\.large_kernel\.lkb_reparam\.weight$"):
            return "fused" if _has(sd, r"\.pw1\.conv\.bias$") else "merged"
        if _has(sd, r"\.large_kernel\.lkb_origin\.conv\.bias$"):
            return "fused_unmerged"
        return "training"
    if family == "unireplknet":
        if _has(sd, r"\.pwconv2\.0\.bias$") and not _has(sd, r"\.pwconv2\.2\.weight$"):
            return "deploy"
        return "training"
    if family == "convnext":
        return "timm" if "stem.0.weight" in sd else "official"
    return "training"


def timm_to_official(sd):
    """timm ConvNeXt names -> official names (timm's checkpoint_filter_fn). Values untouched."""
    rules = [(r"^stem\.([01])\.", r"downsample_layers.0.\1."),
             (r"^stages\.(\d+)\.downsample\.([01])\.", r"downsample_layers.\1.\2."),
             (r"^stages\.(\d+)\.blocks\.(\d+)\.conv_dw\.", r"stages.\1.\2.dwconv."),
             (r"^stages\.(\d+)\.blocks\.(\d+)\.mlp\.fc1\.", r"stages.\1.\2.pwconv1."),
             (r"^stages\.(\d+)\.blocks\.(\d+)\.mlp\.fc2\.", r"stages.\1.\2.pwconv2."),
             (r"^stages\.(\d+)\.blocks\.(\d+)\.", r"stages.\1.\2."),
             (r"^head\.norm\.", "norm."), (r"^head\.fc\.", "head.")]
    out = {}
    for k, v in sd.items():
        n = k
        for pat, rep in rules:
            n2 = re.sub(pat, rep, n)
            if n2 != n:
                n = n2
                break
        if n in out:
            raise ConvertError(f"timm names {k!r} and another key both map to {n!r}")
        out[n] = v
    return out


# =============================================================================================
# Expected layouts of the official classes (name -> shape)
# =============================================================================================
class Layout(dict):
    def conv(self, p, cout, cin, kh, kw=None, bias=True):
        self[p + ".weight"] = (cout, cin, kh, kh if kw is None else kw)
        if bias:
            self[p + ".bias"] = (cout,)

    def linear(self, p, out, inp, bias=True):
        self[p + ".weight"] = (out, inp)
        if bias:
            self[p + ".bias"] = (out,)

    def norm(self, p, c):
        self[p + ".weight"] = (c,)
        self[p + ".bias"] = (c,)

    def bn(self, p, c):
        for n in ("weight", "bias", "running_mean", "running_var"):
            self[p + "." + n] = (c,)

    def conv_bn(self, p, cout, cin, kh, kw=None, fused=False, bn=True):
        self.conv(p + ".conv", cout, cin, kh, kw, bias=fused)
        if bn and not fused:
            self.bn(p + ".bn", cout)


def _ratio_width(c, r):
    return int(c * r)


def layout_van(c, key_set):
    L = Layout()
    dims = c["embed_dims"]
    for i in range(4):
        C, cin = dims[i], 3 if i == 0 else dims[i - 1]
        L.conv(f"patch_embed{i + 1}.proj", C, cin, 7 if i == 0 else 3)
        L.bn(f"patch_embed{i + 1}.norm", C)
        hd = _ratio_width(C, c["mlp_ratios"][i])
        for j in range(c["depths"][i]):
            p = f"block{i + 1}.{j}."
            L[p + "layer_scale_1"] = (C,)
            L[p + "layer_scale_2"] = (C,)
            L.bn(p + "norm1", C)
            L.bn(p + "norm2", C)
            L.conv(p + "attn.proj_1", C, C, 1)
            L.conv(p + "attn.spatial_gating_unit.conv0", C, 1, 5)
            L.conv(p + "attn.spatial_gating_unit.conv_spatial", C, 1, 7)
            L.conv(p + "attn.spatial_gating_unit.conv1", C, C, 1)
            L.conv(p + "attn.proj_2", C, C, 1)
            L.conv(p + "mlp.fc1", hd, C, 1)
            L.conv(p + "mlp.dwconv.dwconv", hd, 1, 3)
            L.conv(p + "mlp.fc2", C, hd, 1)
        L.norm(f"norm{i + 1}", C)
    if c["num_classes"] > 0:
        L.linear("head", c["num_classes"], dims[3])
    return L


def layout_replknet(c, key_set):
    L = Layout()
    ch = c["channels"]
    fused = key_set in ("fused", "fused_unmerged")
    merged = key_set in ("merged", "fused")
    C0 = ch[0]
    L.conv_bn("stem.0", C0, 3, 3, fused=fused)
    L.conv_bn("stem.1", C0, 1, 3, fused=fused)
    L.conv_bn("stem.2", C0, C0, 1, fused=fused)
    L.conv_bn("stem.3", C0, 1, 3, fused=fused)
    for s in range(len(c["layers"])):
        C, K = ch[s], c["large_kernel_sizes"][s]
        cdw, inner = _ratio_width(C, c["dw_ratio"]), _ratio_width(C, c["ffn_ratio"])
        for m in range(c["layers"][s]):
            p = f"stages.{s}.blocks.{2 * m}."
            L.bn(p + "prelkb_bn", C)
            L.conv_bn(p + "pw1", cdw, C, 1, fused=fused)
            if merged:
                L.conv(p + "large_kernel.lkb_reparam", cdw, 1, K)
            else:
                L.conv_bn(p + "large_kernel.lkb_origin", cdw, 1, K, fused=fused)
                if c["small_kernel"] is not None:
                    L.conv_bn(p + "large_kernel.small_conv", cdw, 1, c["small_kernel"], fused=fused)
            L.conv_bn(p + "pw2", C, cdw, 1, fused=fused)
            p = f"stages.{s}.blocks.{2 * m + 1}."
            L.bn(p + "preffn_bn", C)
            L.conv_bn(p + "pw1", inner, C, 1, fused=fused)
            L.conv_bn(p + "pw2", C, inner, 1, fused=fused)
        if c.get("norm_intermediate_features"):
            L.bn(f"stages.{s}.norm", C)
        if s < len(c["layers"]) - 1:
            L.conv_bn(f"transitions.{s}.0", ch[s + 1], C, 1, fused=fused)
            L.conv_bn(f"transitions.{s}.1", ch[s + 1], 1, 3, fused=fused)
    if c["num_classes"] is not None:  # the dense-prediction form (out_indices) has no norm and head
        L.bn("norm", ch[-1])
        L.linear("head", c["num_classes"], ch[-1])
    return L


def _convnext_frame(L, dims, num_classes):
    L.conv("downsample_layers.0.0", dims[0], 3, 4)
    L.norm("downsample_layers.0.1", dims[0])
    for s in range(1, 4):
        L.norm(f"downsample_layers.{s}.0", dims[s - 1])
        L.conv(f"downsample_layers.{s}.1", dims[s], dims[s - 1], 2)
    L.norm("norm", dims[3])
    L.linear("head", num_classes, dims[3])


def _convnext_mlp(L, p, C):
    L[p + "gamma"] = (C,)
    L.norm(p + "norm", C)
    L.linear(p + "pwconv1", 4 * C, C)
    L.linear(p + "pwconv2", C, 4 * C)


def slak_widths(c):
    return [int(d * c["width_factor"]) for d in c["dims"]]


def layout_slak(c, key_set):
    L = Layout()
    dims = slak_widths(c)
    _convnext_frame(L, dims, c["num_classes"])
    N = c["kernel_size"][4]
    for s in range(4):
        C, K = dims[s], c["kernel_size"][s]
        for j in range(c["depths"][s]):
            p = f"stages.{s}.{j}."
            if c["Decom"]:
                L.conv_bn(p + "large_kernel.LoRA1", C, 1, K, N, bn=c["bn"])
                L.conv_bn(p + "large_kernel.LoRA2", C, 1, N, K, bn=c["bn"])
            else:
                L.conv_bn(p + "large_kernel.lkb_origin", C, 1, K, bn=c["bn"])
            if N < K:
                L.conv_bn(p + "large_kernel.small_conv", C, 1, N, bn=c["bn"])
            _convnext_mlp(L, p, C)
    return L


def layout_unireplknet(c, key_set):
    L = Layout()
    dims, deploy = c["dims"], c["deploy"]
    L.conv("downsample_layers.0.0", dims[0] // 2, 3, 3)
    L.norm("downsample_layers.0.1", dims[0] // 2)
    L.conv("downsample_layers.0.3", dims[0], dims[0] // 2, 3)
    L.norm("downsample_layers.0.4", dims[0])
    for s in range(1, 4):
        L.conv(f"downsample_layers.{s}.0", dims[s], dims[s - 1], 3)
        L.norm(f"downsample_layers.{s}.1", dims[s])
    for s in range(4):
        C = dims[s]
        for j in range(c["depths"][s]):
            k = c["kernel_sizes"][s][j]
            p = f"stages.{s}.{j}."
            if k >= 7:
                L.conv(p + "dwconv.lk_origin", C, 1, k, bias=deploy)
                if not deploy:
                    L.bn(p + "dwconv.origin_bn", C)
                    for kk, r in zip(*UNIREPLK_DILATED[k]):
                        L.conv(p + f"dwconv.dil_conv_k{kk}_{r}", C, 1, kk, bias=False)
                        L.bn(p + f"dwconv.dil_bn_k{kk}_{r}", C)
            elif k in (3, 5):
                L.conv(p + "dwconv", C, 1, k, bias=deploy)
            if not deploy and k != 0:
                L.bn(p + "norm", C)
            L.conv(p + "se.down", C // 4, C, 1)
            L.conv(p + "se.up", C, C // 4, 1)
            L.linear(p + "pwconv1.1", 4 * C, C)
            L[p + "act.1.gamma"] = (1, 1, 1, 4 * C)
            if not deploy:
                L[p + "act.1.beta"] = (1, 1, 1, 4 * C)
                L.linear(p + "pwconv2.0", C, 4 * C, bias=False)
                L.bn(p + "pwconv2.2", C)
                L[p + "gamma"] = (C,)
            else:
                L.linear(p + "pwconv2.0", C, 4 * C)
    if c.get("init_cfg") is not None:  # the dense-prediction form: a LayerNorm per stage map, no norm/head
        for s in range(4):
            L.norm(f"norm{s}", dims[s])
    else:
        L.norm("norm", dims[3])
        L.linear("head", c["num_classes"], dims[3])
    return L


def moganet_arch(c):
    arch = c["arch"]
    if isinstance(arch, str):
        name = MOGANET_ALIASES.get(arch.lower())
        if name is None:
            raise ConvertError(f"moganet: unknown arch {arch!r} (one of {', '.join(sorted(MOGANET_ALIASES))})")
        return dict(MOGANET_ARCHS[name])
    if not isinstance(arch, dict) or set(arch) != {"embed_dims", "depths", "ffn_ratios"}:
        raise ConvertError("moganet: arch must be a preset name or a dict with exactly embed_dims, depths, ffn_ratios")
    return arch


def moganet_split(C, split):
    e1 = int(split[1] / sum(split) * C)
    e2 = int(split[2] / sum(split) * C)
    return C - e1 - e2, e1, e2


def layout_moganet(c, key_set):
    L = Layout()
    a = moganet_arch(c)
    dims = a["embed_dims"]
    L.conv("patch_embed1.projection.0", dims[0] // 2, 3, 3)
    L.bn("patch_embed1.projection.1", dims[0] // 2)
    L.conv("patch_embed1.projection.3", dims[0], dims[0] // 2, 3)
    L.bn("patch_embed1.projection.4", dims[0])
    for i in range(4):
        C = dims[i]
        if i > 0:
            L.conv(f"patch_embed{i + 1}.projection", C, dims[i - 1], 3)
            L.bn(f"patch_embed{i + 1}.norm", C)
        _, e1, e2 = moganet_split(C, c["attn_channel_split"])
        hd = _ratio_width(C, a["ffn_ratios"][i])
        for j in range(a["depths"][i]):
            p = f"blocks{i + 1}.{j}."
            L[p + "layer_scale_1"] = (1, C, 1, 1)
            L[p + "layer_scale_2"] = (1, C, 1, 1)
            L.bn(p + "norm1", C)
            L.bn(p + "norm2", C)
            L.conv(p + "attn.proj_1", C, C, 1)
            L.conv(p + "attn.gate", C, C, 1)
            L.conv(p + "attn.value.DW_conv0", C, 1, 5)
            L.conv(p + "attn.value.DW_conv1", e1, 1, 5)
            L.conv(p + "attn.value.DW_conv2", e2, 1, 7)
            L.conv(p + "attn.value.PW_conv", C, C, 1)
            L.conv(p + "attn.proj_2", C, C, 1)
            L[p + "attn.sigma.scale"] = (1, C, 1, 1)
            L.conv(p + "mlp.fc1", hd, C, 1)
            L.conv(p + "mlp.dwconv", hd, 1, 3)
            L.conv(p + "mlp.fc2", C, hd, 1)
            L.conv(p + "mlp.decompose", 1, hd, 1)
            L[p + "mlp.sigma.scale"] = (1, hd, 1, 1)
        L.bn(f"norm{i + 1}", C)
    if c["num_classes"] > 0:
        L.linear("head", c["num_classes"], dims[3])
    return L


def layout_parc_convnext(c, key_set):
    L = Layout()
    dims = c["dims"]
    _convnext_frame(L, dims, c["num_classes"])
    for s in range(4):
        C, K = dims[s], c["stages_rs"][s]
        for j in range(c["depths"][s]):
            p = f"stages.{s}.{j}."
            if j < c["ParC_insert_locs"][s]:
                L.conv(p + "dwconv", C, 1, 7)
            else:
                h = C // 2
                L[p + "gcc_H.pe"] = (1, h, K, 1)
                L.conv(p + "gcc_H.gcc_conv", h, 1, K, 1)
                L[p + "gcc_W.pe"] = (1, h, 1, K)
                L.conv(p + "gcc_W.gcc_conv", h, 1, 1, K)
            _convnext_mlp(L, p, C)
    return L


def layout_convnext(c, key_set):
    L = Layout()
    dims = c["dims"]
    _convnext_frame(L, dims, c["num_classes"])
    for s in range(4):
        for j in range(c["depths"][s]):
            p = f"stages.{s}.{j}."
            L.conv(p + "dwconv", dims[s], 1, 7)
            _convnext_mlp(L, p, dims[s])
    return L


def layout_convnextv2(c, key_set):
    L = Layout()
    dims = c["dims"]
    _convnext_frame(L, dims, c["num_classes"])
    for s in range(4):
        C = dims[s]
        for j in range(c["depths"][s]):
            p = f"stages.{s}.{j}."
            L.conv(p + "dwconv", C, 1, 7)
            L.norm(p + "norm", C)
            L.linear(p + "pwconv1", 4 * C, C)
            L[p + "grn.gamma"] = (1, 1, 1, 4 * C)
            L[p + "grn.beta"] = (1, 1, 1, 4 * C)
            L.linear(p + "pwconv2", C, 4 * C)
    return L


def _gf_block(L, p, C, h, ratio, layer_scale):
    if layer_scale:
        L[p + "gamma"] = (C,)
    L.norm(p + "norm1", C)
    L[p + "filter.complex_weight"] = (h, h // 2 + 1, C, 2)
    L.norm(p + "norm2", C)
    hd = _ratio_width(C, ratio)
    L.linear(p + "mlp.fc1", hd, C)
    L.linear(p + "mlp.fc2", C, hd)


def layout_gfnet(c, key_set):
    L = Layout()
    C, p, img = c["embed_dim"], c["patch_size"], c["img_size"]
    L.conv("patch_embed.proj", C, 3, p)
    L["pos_embed"] = (1, (img // p) ** 2, C)
    for j in range(c["depth"]):
        _gf_block(L, f"blocks.{j}.", C, img // p, c["mlp_ratio"], False)
    L.norm("norm", C)
    if c["num_classes"] > 0:
        L.linear("head", c["num_classes"], C)
    return L


def layout_gfnet_h(c, key_set):
    L = Layout()
    dims, p, img = c["embed_dim"], c["patch_size"], c["img_size"]
    L.conv("patch_embed.0.proj", dims[0], 3, p)
    L["pos_embed"] = (1, (img // p) ** 2, dims[0])
    sizes = [n * img // 224 for n in (56, 28, 14, 7)]
    for s in range(4):
        if s > 0:
            L.conv(f"patch_embed.{s}.proj", dims[s], dims[s - 1], 2)
        for j in range(c["depth"][s]):
            _gf_block(L, f"blocks.{s}.{j}.", dims[s], sizes[s], c["mlp_ratio"][s], True)
    L.norm("norm", dims[3])
    L.linear("head", c["num_classes"], dims[3])
    return L


LAYOUTS = {"van": layout_van, "replknet": layout_replknet, "slak": layout_slak,
           "unireplknet": layout_unireplknet, "moganet": layout_moganet,
           "parc_convnext": layout_parc_convnext, "convnext": layout_convnext,
           "gfnet": layout_gfnet, "gfnet_h": layout_gfnet_h, "convnextv2": layout_convnextv2}


def expected_layout(family, config, key_set):
    try:
        return LAYOUTS[family](config, key_set)
    except ConvertError:
        raise
    except (KeyError, IndexError, TypeError, ValueError, ZeroDivisionError) as e:
        raise ConvertError(f"{family}: config {json.dumps(config)} cannot describe a model "
                           f"({type(e).__name__}: {e})")


def count_parameters(layout_or_sd):
    """Elements of learnable tensors (BN running statistics excluded), as the official checksums count them."""
    total = 0
    for k, shape in layout_or_sd.items():
        if k.endswith(("running_mean", "running_var", "num_batches_tracked")):
            continue
        n = 1
        for d in (shape if isinstance(shape, tuple) else tuple(shape.shape)):
            n *= d
        total += n
    return total


# =============================================================================================
# Config inference from shapes
# =============================================================================================
def _shape(sd, key):
    if key not in sd:
        raise ConvertError(f"inconsistent checkpoint: expected key {key!r} is missing")
    return tuple(sd[key].shape)


def _block_counts(sd, pattern, stages):
    r = re.compile(pattern)
    counts = [0] * stages
    for k in sd:
        m = r.match(k)
        if m:
            s, j = int(m.group(1)), int(m.group(2))
            if s < stages:
                counts[s] = max(counts[s], j + 1)
    return counts


def _ratio(hd, c):
    r = hd / c
    return int(r) if r == int(r) else r


def _head_classes(sd, allow_none):
    if "head.weight" in sd:
        return _shape(sd, "head.weight")[0]
    if allow_none:
        return 0
    raise ConvertError("no head.weight: not a classification checkpoint (a dense-prediction backbone?)")


def infer_van(sd, key_set, notes):
    dims = [_shape(sd, f"patch_embed{i}.proj.weight")[0] for i in range(1, 5)]
    depths = _block_counts(sd, r"^block(\d)\.(\d+)\.", 5)[1:]
    ratios = [_ratio(_shape(sd, f"block{i + 1}.0.mlp.fc1.weight")[0], dims[i]) if depths[i] else 4
              for i in range(4)]
    return dict(embed_dims=dims, depths=depths, mlp_ratios=ratios, num_classes=_head_classes(sd, True))


def infer_replknet(sd, key_set, notes):
    layers = [n // 2 for n in _block_counts(sd, r"^stages\.(\d+)\.blocks\.(\d+)\.", 4)]
    stages = sum(1 for n in layers if n) or 4
    layers = layers[:stages]
    ch = [_shape(sd, "stem.0.conv.weight")[0]] + \
         [_shape(sd, f"transitions.{s}.0.conv.weight")[0] for s in range(stages - 1)]
    ks, small = [], None
    for s in range(stages):
        p = f"stages.{s}.blocks.0.large_kernel."
        if key_set in ("merged", "fused"):
            ks.append(_shape(sd, p + "lkb_reparam.weight")[2])
        else:
            ks.append(_shape(sd, p + "lkb_origin.conv.weight")[2])
            if p + "small_conv.conv.weight" in sd:
                small = _shape(sd, p + "small_conv.conv.weight")[2]
    if key_set in ("merged", "fused"):
        notes.append("small_kernel is not visible in merged weights (it only matters before merging)")
    cdw = _shape(sd, "stages.0.blocks.0.pw1.conv.weight")[0]
    inner = _shape(sd, "stages.0.blocks.1.pw1.conv.weight")[0]
    dense = "head.weight" not in sd and "norm.weight" not in sd
    if dense:
        notes.append("no norm/head: the dense-prediction form (num_classes null, out_indices [0, 1, 2, 3]: every stage's map)")
    return dict(large_kernel_sizes=ks, layers=layers, channels=ch, small_kernel=small,
                dw_ratio=_ratio(cdw, ch[0]), ffn_ratio=_ratio(inner, ch[0]),
                num_classes=None if dense else _head_classes(sd, False),
                out_indices=list(range(stages)) if dense else None,
                norm_intermediate_features=dense and "stages.0.norm.weight" in sd,
                small_kernel_merged=key_set in ("merged", "fused"))


def _base_dims(widths, wf):
    """The integer d with int(d*wf) == w for every width (unique for wf >= 1), or None."""
    out = []
    for w in widths:
        cands = [d for d in range(max(1, int(w / wf) - 2), int(w / wf) + 3) if int(d * wf) == w]
        if not cands:
            return None
        out.append(cands[0])
    return out


def infer_slak(sd, key_set, notes, extra=None):
    widths = [_shape(sd, "downsample_layers.0.0.weight")[0]] + \
             [_shape(sd, f"downsample_layers.{s}.1.weight")[0] for s in range(1, 4)]
    depths = _block_counts(sd, r"^stages\.(\d+)\.(\d+)\.", 4)
    decom = _has(sd, r"\.large_kernel\.LoRA1\.conv\.weight$")
    bn = _has(sd, r"\.large_kernel\.(LoRA1|lkb_origin)\.bn\.weight$")
    ks, n = [], None
    for s in range(4):
        p = f"stages.{s}.0.large_kernel."
        if decom:
            shp = _shape(sd, p + "LoRA1.conv.weight")
            ks.append(shp[2])
            n = shp[3]
        else:
            ks.append(_shape(sd, p + "lkb_origin.conv.weight")[2])
            if p + "small_conv.conv.weight" in sd:
                n = _shape(sd, p + "small_conv.conv.weight")[2]
    if n is None:
        n = max(ks)
        notes.append(f"no small_conv branch anywhere: N taken as {n} (N >= every K)")
    wf, dims = None, None
    args = (extra or {}).get("args")
    if args is not None and isinstance(getattr(args, "_state", None), dict):
        w = args._state.get("width_factor")
        if isinstance(w, (int, float)) and w > 0:
            wf, dims = w, _base_dims(widths, w)
            if dims is not None:
                notes.append(f"width_factor {w} read from the checkpoint's args")
    if dims is None:
        for name, pre in PRESETS["slak"].items():
            if [int(d * pre["width_factor"]) for d in pre["dims"]] == widths:
                wf, dims = pre["width_factor"], list(pre["dims"])
                notes.append(f"widths {widths} = int(dims·{wf}) with the base dims of {name}")
                break
    if dims is None:
        wf, dims = 1.0, widths
        notes.append("width_factor not determined by the weights: dims are the actual widths, width_factor 1.0")
    return dict(depths=depths, dims=dims, kernel_size=ks + [n], width_factor=wf, Decom=decom, bn=bn,
                num_classes=_head_classes(sd, False))


def infer_unireplknet(sd, key_set, notes):
    dims = [_shape(sd, "downsample_layers.0.3.weight")[0]] + \
           [_shape(sd, f"downsample_layers.{s}.0.weight")[0] for s in range(1, 4)]
    depths = _block_counts(sd, r"^stages\.(\d+)\.(\d+)\.", 4)
    kernels = []
    for s in range(4):
        row = []
        for j in range(depths[s]):
            p = f"stages.{s}.{j}.dwconv."
            if p + "lk_origin.weight" in sd:
                row.append(_shape(sd, p + "lk_origin.weight")[2])
            elif p + "weight" in sd:
                row.append(_shape(sd, p + "weight")[2])
            else:
                row.append(0)
        kernels.append(row)
    for row in kernels:
        for k in row:
            if k >= 7 and k not in UNIREPLK_DILATED:
                raise ConvertError(f"unireplknet: kernel size {k} has no dilated re-param table in the "
                                   f"official code (sizes: {sorted(UNIREPLK_DILATED)})")
            if 0 < k < 7 and k not in (3, 5):
                raise ConvertError(f"unireplknet: kernel size {k}: the official block allows 0, 3, 5 or >= 7")
    dense = "head.weight" not in sd and "norm0.weight" in sd
    if dense:
        notes.append("norm0…norm3 and no head: the dense-prediction form (init_cfg given, num_classes null)")
    return dict(depths=depths, dims=dims, kernel_sizes=kernels, deploy=key_set == "deploy",
                num_classes=None if dense else _head_classes(sd, False),
                init_cfg={"checkpoint": None} if dense else None)


def infer_moganet(sd, key_set, notes):
    dims = [_shape(sd, "patch_embed1.projection.3.weight")[0]] + \
           [_shape(sd, f"patch_embed{i}.projection.weight")[0] for i in range(2, 5)]
    depths = _block_counts(sd, r"^blocks(\d)\.(\d+)\.", 5)[1:]
    ratios = [_ratio(_shape(sd, f"blocks{i + 1}.0.mlp.fc1.weight")[0], dims[i]) if depths[i] else 4
              for i in range(4)]
    split = [1, 3, 4]
    for i in range(4):
        if depths[i]:
            e1 = _shape(sd, f"blocks{i + 1}.0.attn.value.DW_conv1.weight")[0]
            e2 = _shape(sd, f"blocks{i + 1}.0.attn.value.DW_conv2.weight")[0]
            if (e1, e2) != moganet_split(dims[i], split)[1:]:
                raise ConvertError(f"moganet: value-branch widths {e1}, {e2} at width {dims[i]} do not follow "
                                   "attn_channel_split [1, 3, 4]; pass --config with attn_channel_split")
    notes.append("attn_force_fp32, attn_dw_dilation and attn_final_dilation are not visible in the weights: "
                 "official defaults unless --config says otherwise")
    return dict(arch=dict(embed_dims=dims, depths=depths, ffn_ratios=ratios), attn_force_fp32=False,
                attn_dw_dilation=[1, 2, 3], attn_channel_split=split, attn_final_dilation=True,
                num_classes=_head_classes(sd, True))


def _convnext_dims(sd):
    return [_shape(sd, "downsample_layers.0.0.weight")[0]] + \
           [_shape(sd, f"downsample_layers.{s}.1.weight")[0] for s in range(1, 4)]


def infer_parc_convnext(sd, key_set, notes):
    dims = _convnext_dims(sd)
    depths = _block_counts(sd, r"^stages\.(\d+)\.(\d+)\.", 4)
    locs, rs = [], [None] * 4
    for s in range(4):
        parc = [j for j in range(depths[s]) if f"stages.{s}.{j}.gcc_H.gcc_conv.weight" in sd]
        locs.append(parc[0] if parc else depths[s])
        if parc:
            rs[s] = _shape(sd, f"stages.{s}.{parc[0]}.gcc_H.gcc_conv.weight")[2]
    ref = next((s for s in range(4) if rs[s] is not None), None)
    if any(r is None for r in rs):
        for s in range(4):
            if rs[s] is None:
                rs[s] = rs[ref] * 2 ** (ref - s) if ref is not None and rs[ref] * 2 ** (ref - s) >= 1 \
                    else [56, 28, 14, 7][s]
        notes.append("stages_rs of stages without ParC blocks are not visible in the weights "
                     "(taken as the map sizes of the same input)")
    return dict(depths=depths, dims=dims, ParC_insert_locs=locs, stages_rs=[int(r) for r in rs],
                num_classes=_head_classes(sd, False))


def infer_convnext(sd, key_set, notes):
    return dict(depths=_block_counts(sd, r"^stages\.(\d+)\.(\d+)\.", 4), dims=_convnext_dims(sd),
                num_classes=_head_classes(sd, False))


def _grid(n, what):
    g = int(round(n ** 0.5))
    if g * g != n:
        raise ConvertError(f"inconsistent checkpoint: {what} has {n} positions, not a square grid")
    return g


def infer_gfnet(sd, key_set, notes):
    C, _, p, _ = _shape(sd, "patch_embed.proj.weight")
    g = _grid(_shape(sd, "pos_embed")[1], "pos_embed")
    depth = max([int(m.group(1)) + 1 for m in map(re.compile(r"^blocks\.(\d+)\.").match, sd) if m] or [0])
    ratio = _ratio(_shape(sd, "blocks.0.mlp.fc1.weight")[0], C) if depth else 4
    return dict(img_size=g * p, patch_size=p, embed_dim=C, depth=depth, mlp_ratio=ratio,
                num_classes=_head_classes(sd, True))


def infer_gfnet_h(sd, key_set, notes):
    C0, _, p, _ = _shape(sd, "patch_embed.0.proj.weight")
    dims = [C0] + [_shape(sd, f"patch_embed.{s}.proj.weight")[0] for s in range(1, 4)]
    g = _grid(_shape(sd, "pos_embed")[1], "pos_embed")
    depths = _block_counts(sd, r"^blocks\.(\d+)\.(\d+)\.", 4)
    ratios = [_ratio(_shape(sd, f"blocks.{s}.0.mlp.fc1.weight")[0], dims[s]) if depths[s] else 4
              for s in range(4)]
    img = g * p
    # The stage filter sizes are [56, 28, 14, 7]·img//224: several img_size can give the same pos_embed.
    for cand in range(g * p, g * p + p):
        sizes = [n * cand // 224 for n in (56, 28, 14, 7)]
        if all(depths[s] == 0 or _shape(sd, f"blocks.{s}.0.filter.complex_weight")[0] == sizes[s]
               for s in range(4)):
            img = cand
            break
    return dict(img_size=img, patch_size=p, embed_dim=dims, depth=depths, mlp_ratio=ratios,
                num_classes=_head_classes(sd, False))


INFER = {"van": infer_van, "replknet": infer_replknet, "slak": infer_slak, "unireplknet": infer_unireplknet,
         "moganet": infer_moganet, "parc_convnext": infer_parc_convnext, "convnext": infer_convnext,
         "gfnet": infer_gfnet, "gfnet_h": infer_gfnet_h, "convnextv2": infer_convnext}

# Keys the weights of a key set cannot determine (a preset or --config fills them in).
UNDETERMINED = {("replknet", "merged"): ("small_kernel",), ("replknet", "fused"): ("small_kernel",),
                ("moganet", "training"): ("attn_force_fp32", "attn_dw_dilation", "attn_final_dilation")}
# Keys that may differ from a preset without changing its identity.
PRESET_FREE = {"num_classes", "img_size", "deploy", "small_kernel_merged", "attn_force_fp32"}


def normalise_config(family, config):
    c = dict(config)
    if family == "moganet" and "arch" in c:
        c["arch"] = moganet_arch(c)
    return c


def _config_json(c):
    return json.dumps(c, separators=(", ", ": "))


def match_presets(family, config, key_set):
    skip = set(PRESET_FREE) | set(UNDETERMINED.get((family, key_set), ()))
    found = []
    for name, pre in PRESETS[family].items():
        if all(json.dumps(pre[k]) == json.dumps(config[k]) for k in pre if k not in skip):
            found.append(name)
    return found


def preset_diff(family, name, config, key_set):
    pre = PRESETS[family][name]
    skip = set(PRESET_FREE) | set(UNDETERMINED.get((family, key_set), ()))
    return [f"{k}: checkpoint {json.dumps(config[k])}, preset {json.dumps(pre[k])}"
            for k in pre if k not in skip and json.dumps(pre[k]) != json.dumps(config[k])]


def parse_config_arg(text):
    if text is None:
        return None
    src = text
    if text.startswith("@") or (os.path.exists(text) and not text.lstrip().startswith("{")):
        path = text[1:] if text.startswith("@") else text
        try:
            with open(path) as f:
                src = f.read()
        except OSError as e:
            raise ConvertError(f"--config: cannot read {path}: {e.strerror}")
    try:
        c = json.loads(src)
    except json.JSONDecodeError as e:
        raise ConvertError(f"--config: not valid JSON ({e})")
    if not isinstance(c, dict):
        raise ConvertError("--config: must be a JSON object")
    return c


def check_layout(sd, layout, family, key_set, config):
    missing = sorted(set(layout) - set(sd))
    unexpected = sorted(set(sd) - set(layout))
    wrong = sorted(k for k in set(layout) & set(sd) if tuple(sd[k].shape) != tuple(layout[k]))
    if not (missing or unexpected or wrong):
        return
    lines = [f"inconsistent shapes/keys for {family} ({key_set}) with config {_config_json(config)}:"]
    for title, items, fmt in (("missing", missing, lambda k: f"{k} {list(layout[k])}"),
                              ("unexpected", unexpected, lambda k: f"{k} {list(sd[k].shape)}"),
                              ("wrong shape", wrong, lambda k: f"{k}: {list(sd[k].shape)}, expected {list(layout[k])}")):
        if items:
            shown = ", ".join(fmt(k) for k in items[:6])
            more = f" (+{len(items) - 6} more)" if len(items) > 6 else ""
            lines.append(f"  {len(items)} {title}: {shown}{more}")
    raise ConvertError("\n".join(lines))


# =============================================================================================
# Conversion
# =============================================================================================
def convert(input_path, output_path=None, family=None, config=None, preset=None, ema=False,
            dtype="float32", quiet=False, prefix=None):
    """Converts one checkpoint. Returns a summary dict. Raises ConvertError on user errors."""
    import torch
    from safetensors.torch import save_file

    if family is not None and family not in FAMILIES:
        raise ConvertError(f"unknown family {family!r} (one of {', '.join(FAMILIES)})")
    if dtype not in ("float32", "float64"):
        raise ConvertError(f"--dtype must be float32 or float64, not {dtype!r}")
    if preset is not None:
        official = canonical_preset(preset)
        if official is None:
            raise ConvertError(f"unknown preset {preset!r}; presets: " +
                               ", ".join(n for f in FAMILIES for n in PRESETS[f]))
        preset = official
        owners = [f for f in FAMILIES if preset in PRESETS[f]]
        if family is not None and family != owners[0]:
            raise ConvertError(f"preset {preset} belongs to {owners[0]}, not {family}")
        family = owners[0]

    obj, notes = read_checkpoint(input_path)
    if isinstance(obj, dict) and not _looks_like_state_dict(obj) and not any(
            isinstance(v, dict) and _looks_like_state_dict(v) for v in obj.values()):
        raise ConvertError(f"{input_path}: no state dict in the container (no tensors at the top level "
                           f"or under any key: {', '.join(sorted(map(str, obj))[:12]) or 'empty'})")
    if family is None:
        # Detect the family on the plain copy (or the EMA copy if that is all there is), then unwrap
        # the container the way that family's official loader does.
        try:
            probe, _ = unwrap(obj, GENERIC_CONTAINERS[0], GENERIC_CONTAINERS[1], False, "generic")
        except ConvertError:
            if not ema:
                raise
            probe, _ = unwrap(obj, GENERIC_CONTAINERS[0], GENERIC_CONTAINERS[1], True, "generic")
        family = detect_family(clean(probe, prefix)[0])
    order, ema_order = CONTAINERS[family]
    raw, container = unwrap(obj, order, ema_order, ema, family)
    sd, dropped = clean(raw, prefix)
    seen = detect_family_or_none(sd)
    if seen not in (None, family) and (family, seen) != ("parc_convnext", "convnext"):
        raise ConvertError(f"--family {family}, but the keys are those of {seen} (container entry {container!r})")
    key_set = detect_key_set(family, sd)
    source_key_set = key_set
    if family == "convnext" and key_set == "timm":
        sd = timm_to_official(sd)
        key_set = "official"
        notes.append("timm ConvNeXt names renamed to the official names (timm's checkpoint_filter_fn)")

    user = parse_config_arg(config) if isinstance(config, str) or config is None else dict(config)
    if user is not None:
        unknown = sorted(set(user) - set(CONFIG_KEYS[family]))
        if unknown:
            raise ConvertError(f"--config: unknown key(s) {', '.join(unknown)} for {family}; "
                               f"keys: {', '.join(CONFIG_KEYS[family])}")
    extra = obj if isinstance(obj, dict) else {}
    try:
        inferred = INFER[family](sd, key_set, notes, extra) if family == "slak" else INFER[family](sd, key_set, notes)
    except ConvertError as e:
        if user is not None and set(CONFIG_KEYS[family]) <= set(user):
            inferred = {}
            notes.append(f"shape inference failed ({e}); using --config as given")
        else:
            raise
    cfg = dict(inferred)
    if preset is not None:
        for k in UNDETERMINED.get((family, key_set), ()):
            cfg[k] = PRESETS[family][preset][k]
    if user is not None:
        cfg.update(normalise_config(family, user))
    for k, v in CONFIG_KEYS[family].items():
        cfg.setdefault(k, v)
    cfg = {k: cfg[k] for k in CONFIG_KEYS[family]}
    cfg = normalise_config(family, cfg)
    if family == "replknet" and cfg["out_indices"] is None and not cfg["norm_intermediate_features"]:
        del cfg["out_indices"], cfg["norm_intermediate_features"]  # the classifier: its config as the presets write it
    if family == "unireplknet" and cfg["init_cfg"] is None:
        del cfg["init_cfg"]
    if family == "unireplknet" and cfg["kernel_sizes"] is None:
        d = tuple(cfg["depths"])
        if d not in UNIREPLK_KERNELS:
            raise ConvertError("unireplknet: no default kernel_sizes for depths %s" % list(d))
        cfg["kernel_sizes"] = UNIREPLK_KERNELS[d]
    if family == "unireplknet" and cfg["deploy"] != (key_set == "deploy"):
        raise ConvertError(f"--config deploy={cfg['deploy']} but the key set is {key_set}")
    if family == "replknet" and cfg["small_kernel_merged"] != (key_set in ("merged", "fused")):
        raise ConvertError(f"--config small_kernel_merged={cfg['small_kernel_merged']} but the key set is {key_set}")

    layout = expected_layout(family, cfg, key_set)
    check_layout(sd, layout, family, key_set, cfg)

    matched = match_presets(family, cfg, key_set)
    if preset is not None:
        diff = preset_diff(family, preset, cfg, key_set)
        if diff:
            raise ConvertError(f"the checkpoint is not preset {preset}:\n  " + "\n  ".join(diff))
        name = preset
    else:
        name = matched[0] if matched else None
    if name is not None and cfg["num_classes"] != PRESETS[family][name]["num_classes"]:
        notes.append(f"num_classes {cfg['num_classes']} (preset {name} has {PRESETS[family][name]['num_classes']})")

    if output_path is None:
        base = os.path.basename(input_path)
        for suf in (".pth.tar", ".safetensors", ".pth", ".pt", ".bin", ".ckpt", ".tar"):
            if base.endswith(suf):
                base = base[: -len(suf)]
                break
        output_path = os.path.join(os.path.dirname(input_path), base + ".safetensors")
    if os.path.abspath(output_path) == os.path.abspath(input_path):
        raise ConvertError(f"the output {output_path} would overwrite the input; pass -o")

    target = torch.float32 if dtype == "float32" else torch.float64
    tensors = {}
    for k in sorted(sd):
        v = sd[k].detach()
        if v.is_floating_point():
            v = v.to(target)
        tensors[k] = v.contiguous().clone()
    meta = {"format": FORMAT, "version": VERSION, "model": family, "config": _config_json(cfg),
            "key_set": key_set, "dtype": dtype, "source": os.path.basename(input_path)}
    if source_key_set != key_set:
        meta["renamed_from"] = source_key_set
    if name is not None:
        meta["preset"] = name
    out_dir = os.path.dirname(os.path.abspath(output_path))
    if not os.path.isdir(out_dir):
        raise ConvertError(f"cannot write {output_path}: directory {out_dir} does not exist")
    from safetensors import SafetensorError
    try:
        save_file(tensors, output_path, metadata=meta)
    except (OSError, SafetensorError) as e:
        raise ConvertError(f"cannot write {output_path}: {getattr(e, 'strerror', None) or e}")

    summary = dict(output=output_path, family=family, preset=name, key_set=key_set, source_key_set=source_key_set,
                   container=container, config=cfg, tensors=len(tensors), parameters=count_parameters(tensors),
                   dropped=dropped, notes=notes, metadata=meta)
    if not quiet:
        print_summary(summary)
    return summary


def print_summary(s):
    ks = s["key_set"] if s["source_key_set"] == s["key_set"] else f"{s['source_key_set']} (renamed to {s['key_set']})"
    print(f"wrote {s['output']}")
    print(f"  family      {s['family']}")
    print(f"  preset      {s['preset'] or '(none matched)'}")
    print(f"  key set     {ks}")
    print(f"  container   {s['container']}")
    print(f"  config      {_config_json(s['config'])}")
    print(f"  tensors     {s['tensors']}")
    print(f"  parameters  {s['parameters']:,}")
    by_reason = {}
    for k, why in s["dropped"]:
        by_reason.setdefault(why, []).append(k)
    if by_reason:
        for why, ks_ in sorted(by_reason.items()):
            shown = ", ".join(ks_[:4]) + (f" (+{len(ks_) - 4} more)" if len(ks_) > 4 else "")
            print(f"  dropped     {len(ks_)} {why}: {shown}")
    else:
        print("  dropped     nothing")
    for n in s["notes"]:
        print(f"  note        {n}")


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Convert an official PyTorch checkpoint (.pth/.pth.tar/.safetensors) to a GlobalConv "
                    "model file (safetensors with globalconv-model metadata).")
    ap.add_argument("input", help="checkpoint file (.pth, .pth.tar, .pt, .bin or .safetensors)")
    ap.add_argument("-o", "--output", help="output .safetensors (default: next to the input)")
    ap.add_argument("--family", help=f"one of {', '.join(FAMILIES)} (default: inferred from the keys)")
    ap.add_argument("--config", help="JSON object (or @file) of constructor arguments; overrides inferred values")
    ap.add_argument("--preset", help="check the checkpoint against this preset (e.g. van_b0, replknet_31b)")
    ap.add_argument("--ema", action="store_true", help="take the EMA copy (state_dict_ema / model_ema)")
    ap.add_argument("--dtype", default="float32", choices=("float32", "float64"))
    ap.add_argument("--prefix", help="keep only the keys under this prefix, without it (e.g. backbone. for a "
                                     "detection or segmentation checkpoint's backbone)")
    ap.add_argument("--list-presets", action="store_true", help="print the presets and exit")
    if argv is None:
        argv = sys.argv[1:]
    if "--list-presets" in argv:
        for f in FAMILIES:
            print(f"{f}: {', '.join(PRESETS[f])}")
        return 0
    args = ap.parse_args(argv)
    try:
        convert(args.input, args.output, args.family, args.config, args.preset, args.ema, args.dtype, prefix=args.prefix)
    except ConvertError as e:
        print(f"convert_checkpoint: error: {e}", file=sys.stderr)
        return 1
    except MemoryError:
        print("convert_checkpoint: error: out of memory while reading the checkpoint", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # e.g. piped into `head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
