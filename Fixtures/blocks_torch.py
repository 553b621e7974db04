"""PyTorch modules for the GlobalConv block catalogue (see Docs/blocks.md).

Written for this project from the block semantics in Docs/blocks.md (checked against the official
repositories' arithmetic, not copied from them). Every module's `state_dict()` uses exactly the
key names of Docs/blocks.md, so a fixture can store it verbatim.

All modules are meant for eval mode (BatchNorm uses running statistics) and run in whatever dtype
they were cast to (float32 or float64); nothing here casts to float32 on its own.

Used by Fixtures/generate.py (fixtures) and Fixtures/block_bench.py (timings).
"""
import math
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

BN_EPS = 1e-5
LN_EPS = 1e-6


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------
def _pair(v):
    if isinstance(v, (list, tuple)):
        assert len(v) == 2
        return int(v[0]), int(v[1])
    return int(v), int(v)


def conv_bn(cin, cout, kernel_size, padding, groups, dilation=1, bn=True):
    """conv (no bias) -> BatchNorm, as an nn.Sequential with children `conv` and `bn` (`bn=False`: `conv` alone,
    as SLaK's conv_bn with bn=False)."""
    layers = [("conv", nn.Conv2d(cin, cout, kernel_size, stride=1, padding=padding,
                                 dilation=dilation, groups=groups, bias=False))]
    if bn:
        layers.append(("bn", nn.BatchNorm2d(cout, eps=BN_EPS)))
    return nn.Sequential(OrderedDict(layers))


def conv_bn_relu(cin, cout, kernel_size, padding, groups):
    seq = conv_bn(cin, cout, kernel_size, padding, groups)
    seq.add_module("nonlinear", nn.ReLU())
    return seq


def fuse_conv_bn(weight, bn, conv_bias=None):
    """Eval-mode BN folded into the preceding conv: returns (W', b')."""
    std = torch.sqrt(bn.running_var + bn.eps)
    t = bn.weight / std
    b = torch.zeros_like(bn.running_mean) if conv_bias is None else conv_bias
    return weight * t.reshape(-1, 1, 1, 1), bn.bias + (b - bn.running_mean) * t


def _convnext_tail(block, x):
    x = x.permute(0, 2, 3, 1)
    x = block.norm(x)
    x = block.pwconv1(x)
    x = F.gelu(x)  # exact erf form
    x = block.pwconv2(x)
    x = block.gamma * x
    return x.permute(0, 3, 1, 2)


# --------------------------------------------------------------------------------------------
# conv2d.depthwise
# --------------------------------------------------------------------------------------------
def depthwise_conv2d(channels, kernel_size, dilation, padding, padding_mode="zeros", bias=True):
    """conv2d.depthwise is a bare nn.Conv2d (keys `weight`, `bias`)."""
    return nn.Conv2d(channels, channels, _pair(kernel_size), stride=1, padding=_pair(padding),
                     dilation=_pair(dilation), groups=channels, bias=bias, padding_mode=padding_mode)


# --------------------------------------------------------------------------------------------
# ParC
# --------------------------------------------------------------------------------------------
class ParCOperator(nn.Module):
    """Global circular depthwise conv along one axis (ParC-Net `ParC_operator`).

    keys: gcc_conv.weight [C,1,K,1] (H) / [C,1,1,K] (W), gcc_conv.bias [C], pe [1,C,K,1] / [1,C,1,K].
    When the input length N along the axis differs from K, kernel and pe are resized to N with
    F.interpolate(mode='bilinear', align_corners=True) on the (K,1)/(1,K) grid, which is 1-D
    linear interpolation along the axis (ParC-Net's 'interpolation_bilinear' instance kernel).
    """

    def __init__(self, channels, axis, kernel_size, use_pe=True):
        super().__init__()
        assert axis in ("H", "W")
        self.channels, self.axis, self.kernel_size, self.use_pe = channels, axis, kernel_size, use_pe
        shape = (kernel_size, 1) if axis == "H" else (1, kernel_size)
        self.gcc_conv = nn.Conv2d(channels, channels, shape, groups=channels, bias=True)
        if use_pe:
            self.pe = nn.Parameter(torch.zeros(1, channels, *shape))

    def instance_shape(self, x):
        n = x.shape[2] if self.axis == "H" else x.shape[3]
        return n, ((n, 1) if self.axis == "H" else (1, n))

    def instance_kernel(self, x):
        n, shape = self.instance_shape(x)
        w = self.gcc_conv.weight
        if n != self.kernel_size:
            w = F.interpolate(w, size=shape, mode="bilinear", align_corners=True)
        return w

    def instance_pe(self, x):
        n, shape = self.instance_shape(x)
        pe = self.pe
        if n != self.kernel_size:
            pe = F.interpolate(pe, size=shape, mode="bilinear", align_corners=True)
        return pe

    def forward(self, x):
        w = self.instance_kernel(x)
        if self.use_pe:
            x = x + self.instance_pe(x)  # broadcast along the other axis
        if self.axis == "H":
            xc = torch.cat((x, x[:, :, :-1, :]), dim=2)
        else:
            xc = torch.cat((x, x[:, :, :, :-1]), dim=3)
        return F.conv2d(xc, w, self.gcc_conv.bias, stride=1, padding=0, groups=self.channels)


class ParCConvNeXtBlock(nn.Module):
    """ParC_ConvNext_Block: first dim/2 channels ParC-H, last dim/2 ParC-W, then the ConvNeXt tail."""

    def __init__(self, dim, kernel_size, use_pe=True):
        super().__init__()
        assert dim % 2 == 0
        self.gcc_H = ParCOperator(dim // 2, "H", kernel_size, use_pe)
        self.gcc_W = ParCOperator(dim // 2, "W", kernel_size, use_pe)
        self.norm = nn.LayerNorm(dim, eps=LN_EPS)
        self.pwconv1 = nn.Linear(dim, 4 * dim)
        self.pwconv2 = nn.Linear(4 * dim, dim)
        self.gamma = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        xh, xw = torch.chunk(x, 2, dim=1)
        y = torch.cat((self.gcc_H(xh), self.gcc_W(xw)), dim=1)
        return x + _convnext_tail(self, y)


class GRN(nn.Module):
    """ConvNeXt-V2's GRN (models/utils.py) on channels-last x: gamma * (x * Nx) + beta + x, as the official file."""

    def __init__(self, dim):
        super().__init__()
        self.gamma = nn.Parameter(torch.zeros(1, 1, 1, dim))
        self.beta = nn.Parameter(torch.zeros(1, 1, 1, dim))

    def forward(self, x):
        gx = torch.norm(x, p=2, dim=(1, 2), keepdim=True)
        nx = gx / (gx.mean(dim=-1, keepdim=True) + 1e-6)
        return self.gamma * (x * nx) + self.beta + x


class ConvNeXtV2Block(nn.Module):
    """ConvNeXt-V2 block (models/convnextv2.py): dwconv 7x7 -> LN -> Linear -> GELU -> GRN -> Linear -> residual,
    no layer scale."""

    def __init__(self, dim):
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=LN_EPS)
        self.pwconv1 = nn.Linear(dim, 4 * dim)
        self.grn = GRN(4 * dim)
        self.pwconv2 = nn.Linear(4 * dim, dim)

    def forward(self, x):
        y = self.norm(self.dwconv(x).permute(0, 2, 3, 1))
        y = self.pwconv2(self.grn(F.gelu(self.pwconv1(y))))
        return x + y.permute(0, 3, 1, 2)


class ConvNeXtBlock(nn.Module):
    """ConvNeXt block: depthwise k x k (pad k//2) -> LN -> Linear -> GELU -> Linear -> *gamma -> residual."""

    def __init__(self, dim, kernel_size=7):
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, kernel_size, padding=kernel_size // 2, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=LN_EPS)
        self.pwconv1 = nn.Linear(dim, 4 * dim)
        self.pwconv2 = nn.Linear(4 * dim, dim)
        self.gamma = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x + _convnext_tail(self, self.dwconv(x))


# --------------------------------------------------------------------------------------------
# VAN
# --------------------------------------------------------------------------------------------
class LKA(nn.Module):
    """Large Kernel Attention: dw (2d-1)^2 -> dw ceil(K/d)^2 dilated d -> 1x1; returns x * attn."""

    def __init__(self, dim, kernel_size=21, dilation=3):
        super().__init__()
        d = dilation
        k0 = 2 * d - 1
        m = -(-kernel_size // d)  # ceil(K/d)
        if (d * (m - 1)) % 2:
            raise ValueError("LKA: d*(ceil(K/d)-1) must be even for a symmetric padding")
        self.conv0 = nn.Conv2d(dim, dim, k0, padding=d - 1, groups=dim)
        self.conv_spatial = nn.Conv2d(dim, dim, m, padding=d * (m - 1) // 2, dilation=d, groups=dim)
        self.conv1 = nn.Conv2d(dim, dim, 1)

    def forward(self, x):
        attn = self.conv1(self.conv_spatial(self.conv0(x)))
        return x * attn


class VANAttention(nn.Module):
    def __init__(self, dim, kernel_size, dilation):
        super().__init__()
        self.proj_1 = nn.Conv2d(dim, dim, 1)
        self.activation = nn.GELU()
        self.spatial_gating_unit = LKA(dim, kernel_size, dilation)
        self.proj_2 = nn.Conv2d(dim, dim, 1)

    def forward(self, y):
        t = self.spatial_gating_unit(self.activation(self.proj_1(y)))
        return self.proj_2(t) + y  # inner shortcut: the BN1 output


class VANDWConv(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, 3, padding=1, groups=dim, bias=True)

    def forward(self, x):
        return self.dwconv(x)


class VANMlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Conv2d(dim, hidden, 1)
        self.dwconv = VANDWConv(hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Conv2d(hidden, dim, 1)

    def forward(self, x):
        return self.fc2(self.act(self.dwconv(self.fc1(x))))


class VANBlock(nn.Module):
    def __init__(self, dim, mlp_ratio=4.0, kernel_size=21, dilation=3):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(dim, eps=BN_EPS)
        self.attn = VANAttention(dim, kernel_size, dilation)
        self.norm2 = nn.BatchNorm2d(dim, eps=BN_EPS)
        self.mlp = VANMlp(dim, int(dim * mlp_ratio))
        self.layer_scale_1 = nn.Parameter(torch.ones(dim))
        self.layer_scale_2 = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        x = x + self.layer_scale_1.reshape(1, -1, 1, 1) * self.attn(self.norm1(x))
        x = x + self.layer_scale_2.reshape(1, -1, 1, 1) * self.mlp(self.norm2(x))
        return x


# --------------------------------------------------------------------------------------------
# RepLKNet
# --------------------------------------------------------------------------------------------
class ReparamLargeKernelConv(nn.Module):
    """Depthwise K x K conv+BN plus small s x s conv+BN (unmerged), or one K x K conv with bias (merged)."""

    def __init__(self, channels, kernel_size, small_kernel, reparameterized=False):
        super().__init__()
        self.channels, self.kernel_size, self.small_kernel = channels, kernel_size, small_kernel
        self.reparameterized = reparameterized
        if reparameterized:
            self.lkb_reparam = nn.Conv2d(channels, channels, kernel_size, padding=kernel_size // 2,
                                         groups=channels, bias=True)
        else:
            self.lkb_origin = conv_bn(channels, channels, kernel_size, kernel_size // 2, channels)
            if small_kernel is not None:  # official: small_conv whenever small_kernel is given (<= K)
                assert small_kernel <= kernel_size
                self.small_conv = conv_bn(channels, channels, small_kernel, small_kernel // 2, channels)

    def forward(self, x):
        if self.reparameterized:
            return self.lkb_reparam(x)
        out = self.lkb_origin(x)
        if hasattr(self, "small_conv"):
            out = out + self.small_conv(x)
        return out

    @torch.no_grad()
    def equivalent_kernel_bias(self):
        """Docs/blocks.md merge: W = W'_large + zero-pad(W'_small, (K-s)/2), b = b'_large + b'_small."""
        w, b = fuse_conv_bn(self.lkb_origin.conv.weight, self.lkb_origin.bn)
        if hasattr(self, "small_conv"):
            ws, bs = fuse_conv_bn(self.small_conv.conv.weight, self.small_conv.bn)
            p = (self.kernel_size - self.small_kernel) // 2
            w = w + F.pad(ws, [p, p, p, p])
            b = b + bs
        return w, b

    @torch.no_grad()
    def merged(self):
        m = ReparamLargeKernelConv(self.channels, self.kernel_size, self.small_kernel, True)
        m = m.to(self.lkb_origin.conv.weight.dtype)
        w, b = self.equivalent_kernel_bias()
        m.lkb_reparam.weight.copy_(w)
        m.lkb_reparam.bias.copy_(b)
        return m.eval()


class RepLKBlock(nn.Module):
    def __init__(self, in_channels, dw_channels, block_lk_size, small_kernel, reparameterized=False):
        super().__init__()
        self.cfg = (in_channels, dw_channels, block_lk_size, small_kernel)
        self.pw1 = conv_bn_relu(in_channels, dw_channels, 1, 0, 1)
        self.pw2 = conv_bn(dw_channels, in_channels, 1, 0, 1)
        self.large_kernel = ReparamLargeKernelConv(dw_channels, block_lk_size, small_kernel, reparameterized)
        self.lk_nonlinear = nn.ReLU()
        self.prelkb_bn = nn.BatchNorm2d(in_channels, eps=BN_EPS)

    def forward(self, x):
        out = self.prelkb_bn(x)
        out = self.pw1(out)
        out = self.large_kernel(out)
        out = self.lk_nonlinear(out)
        out = self.pw2(out)
        return x + out

    @torch.no_grad()
    def merged(self):
        m = RepLKBlock(*self.cfg, reparameterized=True).to(self.prelkb_bn.weight.dtype)
        sd = {k: v for k, v in self.state_dict().items() if not k.startswith("large_kernel.")}
        lk = self.large_kernel.merged()
        for k, v in lk.state_dict().items():
            sd["large_kernel." + k] = v
        m.load_state_dict(sd, strict=True)
        return m.eval()


class ConvFFN(nn.Module):
    def __init__(self, in_channels, internal_channels, out_channels):
        super().__init__()
        assert in_channels == out_channels, "ConvFFN adds its input: out_channels must equal in_channels"
        self.preffn_bn = nn.BatchNorm2d(in_channels, eps=BN_EPS)
        self.pw1 = conv_bn(in_channels, internal_channels, 1, 0, 1)
        self.pw2 = conv_bn(internal_channels, out_channels, 1, 0, 1)
        self.nonlinear = nn.GELU()

    def forward(self, x):
        return x + self.pw2(self.nonlinear(self.pw1(self.preffn_bn(x))))


# --------------------------------------------------------------------------------------------
# SLaK
# --------------------------------------------------------------------------------------------
class SLaKLargeKernel(nn.Module):
    """K x N || N x K || N x N depthwise conv+BN branches, padding (kh//2, kw//2) each, summed (decom=False, the
    official falsy Decom: a K x K lkb_origin instead of the two strips; bn=False: no BN after any branch conv)."""

    def __init__(self, channels, kernel_size, decom=True, bn=True):
        super().__init__()
        K, N = _pair(kernel_size)
        self.K, self.N = K, N
        if decom:
            self.LoRA1 = conv_bn(channels, channels, (K, N), (K // 2, N // 2), channels, bn=bn)
            self.LoRA2 = conv_bn(channels, channels, (N, K), (N // 2, K // 2), channels, bn=bn)
        else:
            self.lkb_origin = conv_bn(channels, channels, (K, K), (K // 2, K // 2), channels, bn=bn)
        if N < K:
            self.small_conv = conv_bn(channels, channels, (N, N), (N // 2, N // 2), channels, bn=bn)

    def forward(self, x):
        out = self.LoRA1(x) + self.LoRA2(x) if hasattr(self, "LoRA1") else self.lkb_origin(x)
        if hasattr(self, "small_conv"):
            out = out + self.small_conv(x)
        return out


class SLaKBlock(nn.Module):
    def __init__(self, dim, kernel_size, decom=True, bn=True):
        super().__init__()
        self.large_kernel = SLaKLargeKernel(dim, kernel_size, decom, bn)
        self.norm = nn.LayerNorm(dim, eps=LN_EPS)
        self.pwconv1 = nn.Linear(dim, 4 * dim)
        self.pwconv2 = nn.Linear(4 * dim, dim)
        self.gamma = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x + _convnext_tail(self, self.large_kernel(x))


# --------------------------------------------------------------------------------------------
# UniRepLKNet
# --------------------------------------------------------------------------------------------
DILATED_REPARAM_TABLES = {
    17: ([5, 9, 3, 3, 3], [1, 2, 4, 5, 7]),
    15: ([5, 7, 3, 3, 3], [1, 2, 3, 5, 7]),
    13: ([5, 7, 3, 3, 3], [1, 2, 3, 4, 5]),
    11: ([5, 5, 3, 3, 3], [1, 2, 3, 4, 5]),
    9: ([5, 5, 3, 3], [1, 2, 3, 4]),
    7: ([5, 3, 3], [1, 2, 3]),
    5: ([3, 3], [1, 2]),
}


def dilate_kernel(w, r):
    """Depthwise kernel [C,1,k,k] with dilation r -> dense [C,1,(k-1)r+1,(k-1)r+1] with zeros inserted."""
    c, one, kh, kw = w.shape
    out = w.new_zeros(c, one, (kh - 1) * r + 1, (kw - 1) * r + 1)
    out[:, :, ::r, ::r] = w
    return out


class DilatedReparamBlock(nn.Module):
    def __init__(self, channels, kernel_size, reparameterized=False):
        super().__init__()
        if kernel_size not in DILATED_REPARAM_TABLES:
            raise ValueError(f"no dilated-reparam table for kernel_size {kernel_size}")
        self.channels, self.kernel_size = channels, kernel_size
        self.kernel_sizes, self.dilates = DILATED_REPARAM_TABLES[kernel_size]
        self.reparameterized = reparameterized
        self.lk_origin = nn.Conv2d(channels, channels, kernel_size, padding=kernel_size // 2,
                                   groups=channels, bias=reparameterized)
        if not reparameterized:
            self.origin_bn = nn.BatchNorm2d(channels, eps=BN_EPS)
            for k, r in zip(self.kernel_sizes, self.dilates):
                setattr(self, f"dil_conv_k{k}_{r}",
                        nn.Conv2d(channels, channels, k, padding=(r * (k - 1) + 1) // 2, dilation=r,
                                  groups=channels, bias=False))
                setattr(self, f"dil_bn_k{k}_{r}", nn.BatchNorm2d(channels, eps=BN_EPS))

    def forward(self, x):
        if self.reparameterized:
            return self.lk_origin(x)
        out = self.origin_bn(self.lk_origin(x))
        for k, r in zip(self.kernel_sizes, self.dilates):
            out = out + getattr(self, f"dil_bn_k{k}_{r}")(getattr(self, f"dil_conv_k{k}_{r}")(x))
        return out

    @torch.no_grad()
    def equivalent_kernel_bias(self):
        """Docs/blocks.md merge: fuse every BN, dilate each branch, centre-pad by K//2 - size//2, add."""
        K = self.kernel_size
        w, b = fuse_conv_bn(self.lk_origin.weight, self.origin_bn)
        for k, r in zip(self.kernel_sizes, self.dilates):
            wk, bk = fuse_conv_bn(getattr(self, f"dil_conv_k{k}_{r}").weight, getattr(self, f"dil_bn_k{k}_{r}"))
            dense = dilate_kernel(wk, r)
            p = K // 2 - dense.shape[-1] // 2
            w = w + F.pad(dense, [p, p, p, p])
            b = b + bk
        return w, b

    @torch.no_grad()
    def merged(self):
        m = DilatedReparamBlock(self.channels, self.kernel_size, True).to(self.lk_origin.weight.dtype)
        w, b = self.equivalent_kernel_bias()
        m.lk_origin.weight.copy_(w)
        m.lk_origin.bias.copy_(b)
        return m.eval()


# --------------------------------------------------------------------------------------------
# MogaNet
# --------------------------------------------------------------------------------------------
class ElementScale(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(1, dim, 1, 1))

    def forward(self, x):
        return x * self.scale


class MultiOrderDWConv(nn.Module):
    def __init__(self, dim, dw_dilation, channel_split):
        super().__init__()
        total = sum(channel_split)
        assert dim % total == 0, "MogaNet needs dim divisible by sum(channel_split)"
        self.e1 = int(channel_split[1] / total * dim)
        self.e2 = int(channel_split[2] / total * dim)
        self.e0 = dim - self.e1 - self.e2
        self.dim = dim
        d0, d1, d2 = dw_dilation
        self.DW_conv0 = nn.Conv2d(dim, dim, 5, padding=(1 + 4 * d0) // 2, dilation=d0, groups=dim)
        self.DW_conv1 = nn.Conv2d(self.e1, self.e1, 5, padding=(1 + 4 * d1) // 2, dilation=d1, groups=self.e1)
        self.DW_conv2 = nn.Conv2d(self.e2, self.e2, 7, padding=(1 + 6 * d2) // 2, dilation=d2, groups=self.e2)
        self.PW_conv = nn.Conv2d(dim, dim, 1)

    def forward(self, x):
        x0 = self.DW_conv0(x)
        x1 = self.DW_conv1(x0[:, self.e0:self.e0 + self.e1])
        x2 = self.DW_conv2(x0[:, self.dim - self.e2:])
        return self.PW_conv(torch.cat((x0[:, :self.e0], x1, x2), dim=1))


class MultiOrderGatedAggregation(nn.Module):
    def __init__(self, dim, dw_dilation, channel_split, force_fp32=False):
        super().__init__()
        self.force_fp32 = force_fp32
        self.proj_1 = nn.Conv2d(dim, dim, 1)
        self.gate = nn.Conv2d(dim, dim, 1)
        self.value = MultiOrderDWConv(dim, dw_dilation, channel_split)
        self.proj_2 = nn.Conv2d(dim, dim, 1)
        self.sigma = ElementScale(dim)

    def forward(self, y):
        h = self.proj_1(y)
        h = h + self.sigma(h - F.adaptive_avg_pool2d(h, 1))
        h = F.silu(h)
        g, v = self.gate(h), self.value(h)
        g, v = F.silu(g), F.silu(v)
        if self.force_fp32:  # the official fp32 gating path applies SiLU a second time
            g, v = F.silu(g), F.silu(v)
        return self.proj_2(g * v) + y  # inner shortcut: the BN1 output


class ChannelAggregationFFN(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Conv2d(dim, hidden, 1)
        self.dwconv = nn.Conv2d(hidden, hidden, 3, padding=1, groups=hidden, bias=True)
        self.fc2 = nn.Conv2d(hidden, dim, 1)
        self.decompose = nn.Conv2d(hidden, 1, 1)
        self.sigma = ElementScale(hidden)

    def forward(self, z):
        h = F.gelu(self.dwconv(self.fc1(z)))
        h = h + self.sigma(h - F.gelu(self.decompose(h)))
        return self.fc2(h)


class MogaBlock(nn.Module):
    def __init__(self, dim, ffn_ratio=4.0, attn_dw_dilation=(1, 2, 3), attn_channel_split=(1, 3, 4),
                 attn_force_fp32=False):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(dim, eps=BN_EPS)
        self.attn = MultiOrderGatedAggregation(dim, attn_dw_dilation, attn_channel_split, attn_force_fp32)
        self.norm2 = nn.BatchNorm2d(dim, eps=BN_EPS)
        self.mlp = ChannelAggregationFFN(dim, int(dim * ffn_ratio))
        self.layer_scale_1 = nn.Parameter(torch.ones(1, dim, 1, 1))
        self.layer_scale_2 = nn.Parameter(torch.ones(1, dim, 1, 1))

    def forward(self, x):
        x = x + self.layer_scale_1 * self.attn(self.norm1(x))
        x = x + self.layer_scale_2 * self.mlp(self.norm2(x))
        return x


# --------------------------------------------------------------------------------------------
# GFNet
# --------------------------------------------------------------------------------------------
class GlobalFilter(nn.Module):
    def __init__(self, dim, h, w):
        super().__init__()
        self.complex_weight = nn.Parameter(torch.zeros(h, w, dim, 2))

    def forward(self, t, H, W):
        """t: tokens [N, H*W, C] in the module's dtype (float64 stays float64)."""
        n, L, c = t.shape
        x = t.reshape(n, H, W, c)
        X = torch.fft.rfft2(x, dim=(1, 2), norm="ortho")
        X = X * torch.view_as_complex(self.complex_weight)
        y = torch.fft.irfft2(X, s=(H, W), dim=(1, 2), norm="ortho")
        return y.reshape(n, L, c)


class GFNetMlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class GFNetBlock(nn.Module):
    """GFNet `Block(dim, h, w)`: t + MLP(LN2(Filter(LN1(t)))). forward() takes and returns NCHW;
    tokens are x.flatten(2).transpose(1, 2). complex_weight is [h, w, C, 2] with h = H, w = W//2+1."""

    def __init__(self, dim, h, w, mlp_ratio=4.0, layer_norm_eps=1e-6):
        super().__init__()
        self.h, self.w = h, w
        self.norm1 = nn.LayerNorm(dim, eps=layer_norm_eps)
        self.filter = GlobalFilter(dim, h, w)
        self.norm2 = nn.LayerNorm(dim, eps=layer_norm_eps)
        self.mlp = GFNetMlp(dim, int(dim * mlp_ratio))

    def forward_tokens(self, t, H, W):
        return t + self.mlp(self.norm2(self.filter(self.norm1(t), H, W)))

    def forward(self, x):
        n, c, H, W = x.shape
        if (H, W // 2 + 1) != (self.h, self.w):
            raise ValueError(f"GFNet block built for h={self.h}, w={self.w} cannot take a {H}x{W} map")
        t = x.flatten(2).transpose(1, 2)
        y = self.forward_tokens(t, H, W)
        return y.transpose(1, 2).reshape(n, c, H, W)


# --------------------------------------------------------------------------------------------
# deterministic order-one random initialisation
# --------------------------------------------------------------------------------------------
def _uniform(gen, shape, lo, hi):
    return lo + (hi - lo) * torch.rand(shape, generator=gen, dtype=torch.float64)


@torch.no_grad()
def randomize_(module, gen):
    """Fill every parameter and buffer of a float64 module with seeded order-one random values.

    BN: running_mean U(-.5,.5), running_var U(.5,2), weight U(.5,1.5), bias U(-.5,.5).
    LayerNorm: weight U(.5,1.5), bias U(-.5,.5).
    Conv/Linear weights: U(-a, a), a = sqrt(3 / fan_in) (unit-variance outputs, every tap non-zero);
    biases U(-.5,.5). Layer scales / gamma / MogaNet sigma: U(.5,1.5). ParC pe: U(-1,1).
    GFNet complex_weight: real and imaginary parts U(-1,1).
    Values are drawn in named_modules() order, then parameter order, so they are reproducible.
    """
    for mname, m in module.named_modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.running_mean.copy_(_uniform(gen, (c,), -0.5, 0.5))
            m.running_var.copy_(_uniform(gen, (c,), 0.5, 2.0))
            m.weight.copy_(_uniform(gen, (c,), 0.5, 1.5))
            m.bias.copy_(_uniform(gen, (c,), -0.5, 0.5))
        elif isinstance(m, nn.LayerNorm):
            c = m.normalized_shape
            m.weight.copy_(_uniform(gen, c, 0.5, 1.5))
            m.bias.copy_(_uniform(gen, c, -0.5, 0.5))
        elif isinstance(m, (nn.Conv2d, nn.Linear)):
            w = m.weight
            fan_in = w[0].numel()
            a = math.sqrt(3.0 / fan_in)
            w.copy_(_uniform(gen, tuple(w.shape), -a, a))
            if m.bias is not None:
                m.bias.copy_(_uniform(gen, tuple(m.bias.shape), -0.5, 0.5))
        # parameters owned directly by this module (not by a child)
        for pname, p in m.named_parameters(recurse=False):
            if isinstance(m, (nn.BatchNorm2d, nn.LayerNorm, nn.Conv2d, nn.Linear)):
                continue
            if pname == "pe" or pname == "complex_weight":
                p.copy_(_uniform(gen, tuple(p.shape), -1.0, 1.0))
            elif pname in ("gamma", "layer_scale_1", "layer_scale_2", "scale"):
                p.copy_(_uniform(gen, tuple(p.shape), 0.5, 1.5))
            elif pname == "beta":  # ConvNeXt-V2's GRN
                p.copy_(_uniform(gen, tuple(p.shape), -0.5, 0.5))
            else:
                raise KeyError(f"randomize_: no rule for parameter {mname}.{pname}")
    return module
