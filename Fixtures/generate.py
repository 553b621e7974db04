#!/usr/bin/env python3
"""Generate the GlobalConv PyTorch fixtures (format: Docs/fixtures.md, semantics: Docs/blocks.md).

Run from the repository root:  python3 Fixtures/generate.py
Writes Fixtures/<block id>[-<variant>].<float32|float64>.safetensors and prints one line per file
plus the self-check results. Deterministic: a rerun writes identical bytes (single-threaded torch,
seeds derived from the fixture name, safetensors header with sorted metadata keys).

For every fixture the module and its input are built once in float64 with seeded order-one random
values (blocks_torch.randomize_); the float32 fixture holds the same values rounded to float32 and
PyTorch's float32 output, the float64 fixture PyTorch's float64 output. Merged (re-parameterised)
fixtures come from the same unmerged module through this project's own implementation of the
Docs/blocks.md merge formulas, and share its input.

Self-checks (assertions; the numbers are printed):
  * replknet / unireplknet: merged output == unmerged output, float64, relative error < 1e-10;
  * parc.op (and the ParC halves of parc.convnext_block): PyTorch's concat-then-conv equals an
    independent numpy evaluation (own linear resize, explicit modular sum) and a numpy FFT, float64;
  * gfnet.block: the FFT filter equals a direct circular convolution with the spatial kernel
    k = ifft2(Hermitian-projected spectrum), float64, relative error < 1e-10;
  * conv2d.depthwise-circular: PyTorch equals a numpy periodic direct sum (Docs/blocks.md tap placement);
  * every fixture's state_dict keys equal the key list of Docs/blocks.md for its block.
"""
import copy
import json
import os
import struct
import sys
import zlib

import numpy as np
import safetensors
import safetensors.torch
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import blocks_torch as B  # noqa: E402

torch.set_num_threads(1)  # bit-reproducible reductions

DTYPES = (("float32", torch.float32), ("float64", torch.float64))
MERGE_TOL = 1e-10
CHECKS = []  # (name, value, tolerance)


def check(name, value, tol):
    CHECKS.append((name, float(value), tol))
    assert value < tol, f"self-check {name} failed: {value:.3e} >= {tol:.1e}"


def rel_err(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return np.abs(a - b).max() / max(np.abs(b).max(), 1e-300)


# --------------------------------------------------------------------------------------------
# expected state_dict keys, written from Docs/blocks.md (independent of blocks_torch)
# --------------------------------------------------------------------------------------------
def _bn(p):
    return [p + s for s in ("weight", "bias", "running_mean", "running_var")]


def _wb(p):
    return [p + "weight", p + "bias"]


def expected_keys(block, cfg):
    if block == "conv2d.depthwise":
        return ["weight"] + (["bias"] if cfg["bias"] else [])
    if block == "parc.op":
        return ["gcc_conv.weight", "gcc_conv.bias"] + (["pe"] if cfg["use_pe"] else [])
    if block == "parc.convnext_block":
        ks = []
        for h in ("gcc_H.", "gcc_W."):
            ks += [h + k for k in expected_keys("parc.op", {"use_pe": cfg["use_pe"]})]
        return ks + _wb("norm.") + _wb("pwconv1.") + _wb("pwconv2.") + ["gamma"]
    if block == "convnext.block":
        return _wb("dwconv.") + _wb("norm.") + _wb("pwconv1.") + _wb("pwconv2.") + ["gamma"]
    if block == "van.lka":
        return _wb("conv0.") + _wb("conv_spatial.") + _wb("conv1.")
    if block == "van.block":
        return (["layer_scale_1", "layer_scale_2"] + _bn("norm1.") + _bn("norm2.") + _wb("attn.proj_1.")
                + ["attn.spatial_gating_unit." + k for k in expected_keys("van.lka", cfg)]
                + _wb("attn.proj_2.") + _wb("mlp.fc1.") + _wb("mlp.dwconv.dwconv.") + _wb("mlp.fc2."))
    if block == "replknet.large_kernel":
        if cfg["reparameterized"]:
            return _wb("lkb_reparam.")
        ks = ["lkb_origin.conv.weight"] + _bn("lkb_origin.bn.")
        if cfg["small_kernel"] is not None:
            ks += ["small_conv.conv.weight"] + _bn("small_conv.bn.")
        return ks
    if block == "replknet.block":
        lk = expected_keys("replknet.large_kernel", {"reparameterized": cfg["reparameterized"],
                                                     "small_kernel": cfg["small_kernel"],
                                                     "kernel_size": cfg["block_lk_size"]})
        return (_bn("prelkb_bn.") + ["pw1.conv.weight"] + _bn("pw1.bn.") + ["large_kernel." + k for k in lk]
                + ["pw2.conv.weight"] + _bn("pw2.bn."))
    if block == "replknet.convffn":
        return _bn("preffn_bn.") + ["pw1.conv.weight"] + _bn("pw1.bn.") + ["pw2.conv.weight"] + _bn("pw2.bn.")
    if block == "slak.large_kernel":
        K, N = cfg["kernel_size"]
        ks = ["LoRA1.conv.weight"] + _bn("LoRA1.bn.") + ["LoRA2.conv.weight"] + _bn("LoRA2.bn.")
        if N < K:
            ks += ["small_conv.conv.weight"] + _bn("small_conv.bn.")
        return ks
    if block == "slak.block":
        return (["large_kernel." + k for k in expected_keys("slak.large_kernel", cfg)] + _wb("norm.")
                + _wb("pwconv1.") + _wb("pwconv2.") + ["gamma"])
    if block == "unireplknet.dilated_reparam":
        if cfg["reparameterized"]:
            return _wb("lk_origin.")
        ks = ["lk_origin.weight"] + _bn("origin_bn.")
        for k, r in zip(*B.DILATED_REPARAM_TABLES[cfg["kernel_size"]]):
            ks += [f"dil_conv_k{k}_{r}.weight"] + _bn(f"dil_bn_k{k}_{r}.")
        return ks
    if block == "moganet.block":
        return (["layer_scale_1", "layer_scale_2"] + _bn("norm1.") + _bn("norm2.") + _wb("attn.proj_1.")
                + _wb("attn.gate.") + _wb("attn.value.DW_conv0.") + _wb("attn.value.DW_conv1.")
                + _wb("attn.value.DW_conv2.") + _wb("attn.value.PW_conv.") + _wb("attn.proj_2.")
                + ["attn.sigma.scale"] + _wb("mlp.fc1.") + _wb("mlp.dwconv.") + _wb("mlp.fc2.")
                + _wb("mlp.decompose.") + ["mlp.sigma.scale"])
    if block == "gfnet.block":
        return _wb("norm1.") + ["filter.complex_weight"] + _wb("norm2.") + _wb("mlp.fc1.") + _wb("mlp.fc2.")
    raise KeyError(block)


# --------------------------------------------------------------------------------------------
# module construction from a fixture's config (keys: Docs/blocks.md)
# --------------------------------------------------------------------------------------------
def build(block, cfg):
    c = cfg
    if block == "conv2d.depthwise":
        return B.depthwise_conv2d(c["channels"], c["kernel_size"], c["dilation"], c["padding"],
                                  c["padding_mode"], c["bias"])
    if block == "parc.op":
        return B.ParCOperator(c["channels"], c["axis"], c["kernel_size"], c["use_pe"])
    if block == "parc.convnext_block":
        return B.ParCConvNeXtBlock(c["dim"], c["kernel_size"], c["use_pe"])
    if block == "convnext.block":
        return B.ConvNeXtBlock(c["dim"], c["kernel_size"])
    if block == "van.lka":
        return B.LKA(c["dim"], c["kernel_size"], c["dilation"])
    if block == "van.block":
        return B.VANBlock(c["dim"], c["mlp_ratio"], c["kernel_size"], c["dilation"])
    if block == "replknet.large_kernel":
        return B.ReparamLargeKernelConv(c["channels"], c["kernel_size"], c["small_kernel"], c["reparameterized"])
    if block == "replknet.block":
        return B.RepLKBlock(c["in_channels"], c["dw_channels"], c["block_lk_size"], c["small_kernel"],
                            c["reparameterized"])
    if block == "replknet.convffn":
        return B.ConvFFN(c["in_channels"], c["internal_channels"], c["out_channels"])
    if block == "slak.large_kernel":
        return B.SLaKLargeKernel(c["channels"], c["kernel_size"])
    if block == "slak.block":
        return B.SLaKBlock(c["dim"], c["kernel_size"])
    if block == "unireplknet.dilated_reparam":
        return B.DilatedReparamBlock(c["channels"], c["kernel_size"], c["reparameterized"])
    if block == "moganet.block":
        return B.MogaBlock(c["dim"], c["ffn_ratio"], c["attn_dw_dilation"], c["attn_channel_split"],
                           c["attn_force_fp32"])
    if block == "gfnet.block":
        return B.GFNetBlock(c["dim"], c["h"], c["w"], c["mlp_ratio"], c["layer_norm_eps"])
    raise KeyError(block)


# Each entry: (block, variant or None, config, input shape [N,C,H,W], merged variant or None).
# A merged variant is written from the same module and input with reparameterized=true.
SPECS = [
    ("conv2d.depthwise", None,
     dict(channels=8, kernel_size=[13, 13], dilation=[1, 1], padding=[6, 6], padding_mode="zeros", bias=True),
     [2, 8, 9, 11], None),
    ("conv2d.depthwise", "circular",
     dict(channels=8, kernel_size=[13, 9], dilation=[1, 2], padding=[6, 8], padding_mode="circular", bias=True),
     [2, 8, 9, 11], None),
    ("conv2d.depthwise", "even",
     dict(channels=8, kernel_size=[4, 6], dilation=[2, 1], padding=[3, 2], padding_mode="zeros", bias=False),
     [2, 8, 9, 11], None),
    ("parc.op", None, dict(channels=8, axis="H", kernel_size=9, use_pe=True), [2, 8, 9, 11], None),
    ("parc.op", "W", dict(channels=8, axis="W", kernel_size=11, use_pe=True), [2, 8, 9, 11], None),
    ("parc.op", "nope", dict(channels=8, axis="H", kernel_size=9, use_pe=False), [2, 8, 9, 11], None),
    ("parc.op", "resize-H", dict(channels=8, axis="H", kernel_size=14, use_pe=True), [2, 8, 9, 11], None),
    ("parc.op", "resize-W", dict(channels=8, axis="W", kernel_size=7, use_pe=True), [2, 8, 9, 11], None),
    ("parc.convnext_block", None, dict(dim=16, kernel_size=10, use_pe=True), [2, 16, 10, 10], None),
    ("parc.convnext_block", "resize", dict(dim=16, kernel_size=12, use_pe=True), [2, 16, 9, 11], None),
    ("convnext.block", None, dict(dim=16, kernel_size=7), [2, 16, 9, 11], None),
    ("convnext.block", "k13", dict(dim=16, kernel_size=13), [2, 16, 9, 11], None),
    ("van.lka", None, dict(dim=8, kernel_size=21, dilation=3), [2, 8, 9, 11], None),
    ("van.block", None, dict(dim=8, mlp_ratio=4, kernel_size=21, dilation=3), [2, 8, 9, 11], None),
    ("replknet.large_kernel", None,
     dict(channels=8, kernel_size=31, small_kernel=5, reparameterized=False), [2, 8, 9, 11], "merged"),
    ("replknet.block", None,
     dict(in_channels=8, dw_channels=16, block_lk_size=13, small_kernel=5, reparameterized=False),
     [2, 8, 9, 11], "merged"),
    ("replknet.convffn", None, dict(in_channels=8, internal_channels=32, out_channels=8), [2, 8, 9, 11], None),
    ("slak.large_kernel", None, dict(channels=8, kernel_size=[51, 5]), [2, 8, 9, 11], None),
    ("slak.block", None, dict(dim=8, kernel_size=[13, 5]), [2, 8, 9, 11], None),
    ("unireplknet.dilated_reparam", None, dict(channels=8, kernel_size=13, reparameterized=False),
     [2, 8, 9, 11], "merged"),
    ("unireplknet.dilated_reparam", "k9", dict(channels=8, kernel_size=9, reparameterized=False),
     [2, 8, 9, 11], "k9-merged"),
    ("moganet.block", None,
     dict(dim=16, ffn_ratio=4, attn_dw_dilation=[1, 2, 3], attn_channel_split=[1, 3, 4], attn_force_fp32=False),
     [2, 16, 9, 11], None),
    ("gfnet.block", None, dict(dim=8, h=10, w=6, mlp_ratio=4, layer_norm_eps=1e-6), [2, 8, 10, 10], None),
    ("gfnet.block", "odd", dict(dim=8, h=9, w=6, mlp_ratio=4, layer_norm_eps=1e-6), [2, 8, 9, 11], None),
    ("gfnet.block", "rect", dict(dim=8, h=7, w=7, mlp_ratio=4, layer_norm_eps=1e-6), [2, 8, 7, 12], None),
]


def fixture_name(block, variant, dtype_name):
    return f"{block}{'-' + variant if variant else ''}.{dtype_name}.safetensors"


def seed_for(block, variant):
    return zlib.crc32(f"{block}|{variant or ''}".encode()) & 0x7FFFFFFF


# --------------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------------
def save_fixture(path, tensors, metadata):
    """safetensors.torch.save_file, then rewrite the header with sorted metadata keys.

    safetensors keeps `__metadata__` in a hash map whose iteration order changes from process to
    process; sorting the keys (same JSON, same length) makes the bytes reproducible.
    """
    tensors = {k: v.detach().clone().contiguous() for k, v in tensors.items()}
    safetensors.torch.save_file(tensors, path, metadata=metadata)
    with open(path, "rb") as f:
        blob = f.read()
    n = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8:8 + n])
    header["__metadata__"] = dict(sorted(header["__metadata__"].items()))
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert len(text) <= n, "canonical header longer than the original"
    text += b" " * (n - len(text))
    with open(path, "wb") as f:
        f.write(blob[:8] + text + blob[8 + n:])
    # read back through the library
    with safetensors.safe_open(path, framework="pt") as f:
        assert f.metadata() == metadata
        assert sorted(f.keys()) == sorted(tensors)
        for k in tensors:
            assert torch.equal(f.get_tensor(k), tensors[k])


def write(block, variant, cfg, dtype_name, module, x, y, seed, note=""):
    keys = [k for k in module.state_dict() if not k.endswith("num_batches_tracked")]
    exp = expected_keys(block, cfg)
    assert sorted(keys) == sorted(exp), f"{block}: keys {sorted(set(keys) ^ set(exp))} differ from Docs/blocks.md"
    tensors = {"input": x, "output": y}
    for k in keys:
        tensors[k] = module.state_dict()[k]
    meta = {
        "globalconv.fixture": "1",
        "block": block,
        "config": json.dumps(cfg, separators=(",", ":")),
        "dtype": dtype_name,
        "source": (f"Fixtures/generate.py, torch {torch.__version__}, seed {seed}, "
                   f"variant {variant or 'base'}, eval mode, no_grad{note}"),
    }
    name = fixture_name(block, variant, dtype_name)
    path = os.path.join(HERE, name)
    save_fixture(path, tensors, meta)
    size = os.path.getsize(path)
    print(f"{name:58s} in {list(x.shape)} out {list(y.shape)} {size:8d} B", flush=True)
    return name, size


# --------------------------------------------------------------------------------------------
# independent references for the self-checks (numpy, float64)
# --------------------------------------------------------------------------------------------
def np_linear_resize(v, n):
    """1-D linear resize along the last axis, align_corners=True (Docs/blocks.md formula)."""
    K = v.shape[-1]
    if n == K:
        return v.copy()
    out = np.empty(v.shape[:-1] + (n,))
    for i in range(n):
        src = i * (K - 1) / (n - 1) if n > 1 else 0.0
        i0 = int(np.floor(src))
        i1 = min(i0 + 1, K - 1)
        lam = src - i0
        out[..., i] = (1 - lam) * v[..., i0] + lam * v[..., i1]
    return out


def np_parc(x, w, b, pe, axis):
    """y[i] = b + sum_k w[k] x[(i+k) mod N] along `axis` after x += pe; w, pe: [C, K]."""
    xt = x if axis == "W" else x.transpose(0, 1, 3, 2)  # put the axis last
    n = xt.shape[-1]
    wr = np_linear_resize(w, n)
    if pe is not None:
        xt = xt + np_linear_resize(pe, n)[None, :, None, :]
    direct = np.broadcast_to(b[None, :, None, None], xt.shape).copy()
    for k in range(n):
        direct += wr[None, :, None, k:k + 1] * np.roll(xt, -k, axis=-1)
    spec = np.fft.irfft(np.fft.rfft(xt, axis=-1) * np.conj(np.fft.rfft(wr, axis=-1))[None, :, None, :],
                        n=n, axis=-1) + b[None, :, None, None]
    if axis == "H":
        direct, spec = direct.transpose(0, 1, 3, 2), spec.transpose(0, 1, 3, 2)
    return direct, spec


def check_parc_op(op, x, label):
    with torch.no_grad():
        y = op(x).numpy()
    C = op.channels
    w = op.gcc_conv.weight.detach().numpy().reshape(C, -1)
    b = op.gcc_conv.bias.detach().numpy()
    pe = op.pe.detach().numpy().reshape(C, -1) if op.use_pe else None
    # the resize itself: F.interpolate(bilinear, align_corners=True) vs the Docs/blocks.md formula
    n = x.shape[2] if op.axis == "H" else x.shape[3]
    wr_t = op.instance_kernel(x).detach().numpy().reshape(C, -1)
    check(f"{label}: interpolate vs formula (abs)", np.abs(wr_t - np_linear_resize(w, n)).max(), 1e-14)
    direct, spec = np_parc(x.numpy(), w, b, pe, op.axis)
    check(f"{label}: concat-conv vs numpy modular sum (rel)", rel_err(y, direct), 1e-12)
    check(f"{label}: concat-conv vs numpy FFT (rel)", rel_err(y, spec), 1e-12)


def check_circular(conv, x, cfg, label):
    with torch.no_grad():
        y = conv(x).numpy()
    w = conv.weight.detach().numpy()[:, 0]
    b = conv.bias.detach().numpy() if conv.bias is not None else np.zeros(w.shape[0])
    (kh, kw), (dh, dw), (ph, pw) = cfg["kernel_size"], cfg["dilation"], cfg["padding"]
    xn = x.numpy()
    H, W = xn.shape[2:]
    assert y.shape[2:] == (H, W)
    ref = np.broadcast_to(b[None, :, None, None], y.shape).copy()
    for u in range(kh):
        for v in range(kw):
            # tap (u, v) reads x[(i + dh*u - ph) mod H, (j + dw*v - pw) mod W]
            ref += w[None, :, u, v, None, None] * np.roll(xn, (-(dh * u - ph), -(dw * v - pw)), axis=(2, 3))
    check(f"{label}: circular conv2d vs numpy periodic sum (rel)", rel_err(y, ref), 1e-12)


def check_gfnet(block, x, label):
    N, C, H, W = x.shape
    with torch.no_grad():
        t = block.norm1(x.flatten(2).transpose(1, 2))
        y_fft = block.filter(t, H, W).numpy().reshape(N, H, W, C)
    tn = t.numpy().reshape(N, H, W, C)
    cw = block.filter.complex_weight.detach().numpy()
    Z = cw[..., 0] + 1j * cw[..., 1]  # [H, W//2+1, C]
    wcols = Z.shape[1]
    assert wcols == W // 2 + 1
    neg = (-np.arange(H)) % H

    def full_spectrum(mode):
        """Full H x W spectrum. The self-mirrored columns (v = 0, and v = W/2 for even W) are made
        Hermitian either by projection (what irfft2 does) or, for the 'mirror' diagnostic, by
        keeping rows 0..H/2 and mirroring them (the wrong way)."""
        full = np.zeros((H, W, C), dtype=np.complex128)
        full[:, :wcols] = Z
        for v in range(wcols, W):
            full[:, v] = np.conj(Z[neg, W - v])
        for v in [0] + ([W // 2] if W % 2 == 0 else []):
            if mode == "project":
                full[:, v] = 0.5 * (Z[:, v] + np.conj(Z[neg, v]))
            else:
                for u in range(H // 2 + 1):
                    full[u, v] = Z[u, v]
                    full[(-u) % H, v] = np.conj(Z[u, v])
                for u in [0] + ([H // 2] if H % 2 == 0 else []):
                    full[u, v] = Z[u, v].real
        return full

    def direct(full):
        k = np.fft.ifft2(full, axes=(0, 1))  # default 1/(H*W) normalisation
        imag = np.abs(k.imag).max()
        k = k.real
        y = np.zeros_like(tn)
        for a in range(H):
            for b in range(W):
                # convolution: y[i,j] += k[a,b] * t[i-a, j-b]
                y += k[None, a, b, :] * np.roll(tn, (a, b), axis=(1, 2))
        return y, imag

    y_dir, imag = direct(full_spectrum("project"))
    check(f"{label}: projected spectrum is Hermitian (max |imag k|)", imag, 1e-14)
    check(f"{label}: FFT filter vs direct circular convolution (rel)", rel_err(y_dir, y_fft), 1e-10)
    y_bad, _ = direct(full_spectrum("mirror"))
    print(f"    info {label}: mirroring half of the DC/Nyquist columns instead of projecting is off by "
          f"{rel_err(y_bad, y_fft):.3f} (relative)")


# --------------------------------------------------------------------------------------------
def main():
    written = []
    for block, variant, cfg, shape, merged_variant in SPECS:
        seed = seed_for(block, variant)
        gen = torch.Generator().manual_seed(seed)
        m64 = build(block, cfg).double()
        B.randomize_(m64, gen)
        m64.eval()
        x64 = torch.randn(shape, generator=gen, dtype=torch.float64)
        label = block + ("-" + variant if variant else "")
        outs = {}
        for dname, dt in DTYPES:
            m = copy.deepcopy(m64).to(dt).eval()
            x = x64.to(dt)
            with torch.no_grad():
                y = m(x)
            assert torch.isfinite(y).all()
            written.append(write(block, variant, cfg, dname, m, x, y, seed))
            outs[dname] = (m, x, y)
            if merged_variant:
                mm = m.merged()
                mcfg = dict(cfg, reparameterized=True)
                with torch.no_grad():
                    ym = mm(x)
                written.append(write(block, merged_variant, mcfg, dname, mm, x, ym, seed,
                                     note=f", merged from the unmerged module of variant {variant or 'base'}"))
                if dname == "float64":
                    check(f"{label}: merged vs unmerged (rel, float64)", rel_err(ym, y), MERGE_TOL)
                else:
                    print(f"    info {label}: merged vs unmerged float32 rel {rel_err(ym, y):.2e}")
        # float32 vs float64 agreement (information only: it shows the float32 fixture's rounding level)
        print(f"    info {label}: float32 vs float64 output rel {rel_err(outs['float32'][2], outs['float64'][2]):.2e}")
        m, x, _ = outs["float64"]
        if block == "parc.op":
            check_parc_op(m, x, label)
        elif block == "parc.convnext_block":
            xh, xw = torch.chunk(x, 2, dim=1)
            check_parc_op(m.gcc_H, xh.contiguous(), label + " gcc_H")
            check_parc_op(m.gcc_W, xw.contiguous(), label + " gcc_W")
        elif block == "gfnet.block":
            check_gfnet(m, x, label)
        elif block == "conv2d.depthwise" and cfg["padding_mode"] == "circular":
            check_circular(m, x, cfg, label)

    total = sum(s for _, s in written)
    print(f"{len(written)} fixtures, {total} bytes")
    assert total < 5 * 1024 * 1024, "fixtures exceed 5 MB"
    print("self-checks:")
    for name, value, tol in CHECKS:
        print(f"  {name}: {value:.3e} (< {tol:.0e})")


if __name__ == "__main__":
    main()
