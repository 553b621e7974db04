"""PyTorch reference models for the GlobalConv whole-model fixtures (Docs/models.md).

Written for this project from the model descriptions (stems, downsampling, stage layout, final norm,
pooling and head of each family; checked against the official repositories' code), reusing the block
modules of blocks_torch.py. Every model's `state_dict()` uses exactly the key names of the official
classes, so a fixture stores it verbatim. Eval mode only; nothing casts to float32 on its own.

Families:
  * ConvNeXt (facebookresearch/ConvNeXt, models/convnext.py): stem Conv 4x4/s4 + channels-first LN,
    downsample channels-first LN + Conv 2x2/s2, stages of convnext.block, spatial mean, LN, Linear.
  * RepLKNet (DingXiaoH/RepLKNet-pytorch, replknet.py): stem of four conv-BN-ReLU units (3x3/s2, dw 3x3,
    1x1, dw 3x3/s2), stages alternating replknet.block and replknet.convffn, transitions 1x1 conv-BN-ReLU
    + dw 3x3/s2 conv-BN-ReLU, final BN, spatial mean, Linear; `structural_reparam()` merges the kernels.
  * SLaK (VITA-Group/SLaK, models/SLaK.py) and ParC-ConvNeXt (hkzhang91/ParC-Net, ParC_ConvNets/ParC_convnext.py):
    the ConvNeXt trunk with slak.block / parc.convnext_block stages.
  * MogaNet (Westlake-AI/MogaNet, models/moganet.py): stacked conv stem (3x3/s2, BN, GELU, 3x3/s2, BN), 3x3/s2
    conv + BN patch embeddings, stages of moganet.block, per-stage BN feeding the next stage, spatial mean, Linear.
  * GFNet and GFNet-H (raoyongming/GFNet, gfnet.py, classes GFNet and GFNetPyramid): patch conv + pos_embed,
    gfnet.block stages (GFNet-H: 2x2/s2 DownLayers, layer-scale blocks), LN on tokens, mean.
  * UniRepLKNet (AILab-CVC/UniRepLKNet, unireplknet.py): conv/LN/GELU/conv/LN stem, conv + LN downsamplers, blocks
    of dilated re-param (or 3x3/5x5) depthwise conv, BN, SE, Linear, GELU, GRN, Linear, BN, layer scale; mean, LN,
    Linear; `structural_reparam()` gives the deploy form.
  * VAN (Visual-Attention-Network/VAN-Classification, models/van.py): OverlapPatchEmbed (Conv 7x7/s4 p3
    + BN, then Conv 3x3/s2 p1 + BN), stages of van.block, per-stage token LayerNorm (eps 1e-6) that
    feeds the next stage, token mean, Linear.

`forward(x)` returns the logits; `features(x)` the per-stage maps (see each class).
"""
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

import blocks_torch as B
import convert_checkpoint as C  # PRESETS: the official configs, one table for the converter and these models

LN_EPS = 1e-6


class LayerNormChannelsFirst(nn.LayerNorm):
    """ConvNeXt's `LayerNorm(data_format="channels_first")` on NCHW, in the official evaluation order:
    u = mean_c x, s = mean_c (x - u)^2, y = (x - u) / sqrt(s + eps), out = w[c] * y + b[c].

    A subclass of nn.LayerNorm only so that blocks_torch.randomize_ fills weight and bias."""

    def forward(self, x):
        u = x.mean(1, keepdim=True)
        s = (x - u).pow(2).mean(1, keepdim=True)
        x = (x - u) / torch.sqrt(s + self.eps)
        return self.weight[:, None, None] * x + self.bias[:, None, None]


# --------------------------------------------------------------------------------------------
# ConvNeXt
# --------------------------------------------------------------------------------------------
class ConvNeXt(nn.Module):
    """`block(stage, index, dim)` builds each block (default: convnext.block, kernel 7); SLaK and
    ParC-ConvNeXt are this trunk with their own blocks."""

    def __init__(self, depths=(3, 3, 9, 3), dims=(96, 192, 384, 768), num_classes=1000, in_chans=3, block=None):
        super().__init__()
        block = block or (lambda i, j, d: B.ConvNeXtBlock(d, 7))
        self.downsample_layers = nn.ModuleList()
        self.downsample_layers.append(nn.Sequential(
            nn.Conv2d(in_chans, dims[0], kernel_size=4, stride=4),
            LayerNormChannelsFirst(dims[0], eps=LN_EPS)))
        for i in range(3):
            self.downsample_layers.append(nn.Sequential(
                LayerNormChannelsFirst(dims[i], eps=LN_EPS),
                nn.Conv2d(dims[i], dims[i + 1], kernel_size=2, stride=2)))
        self.stages = nn.ModuleList(
            nn.Sequential(*[block(i, j, dims[i]) for j in range(depths[i])]) for i in range(4))
        self.norm = nn.LayerNorm(dims[-1], eps=LN_EPS)
        self.head = nn.Linear(dims[-1], num_classes)

    def features(self, x):
        """The output of each stage (after its blocks), NCHW."""
        out = []
        for i in range(4):
            x = self.stages[i](self.downsample_layers[i](x))
            out.append(x)
        return out

    def forward(self, x):
        x = self.features(x)[-1]
        return self.head(self.norm(x.mean([-2, -1])))


def ConvNeXtV2(depths=(3, 3, 9, 3), dims=(96, 192, 384, 768), num_classes=1000, in_chans=3):
    """ConvNeXt-V2 (facebookresearch/ConvNeXt-V2, models/convnextv2.py): ConvNeXt's trunk with the V2 block (GRN, no
    layer scale)."""
    return ConvNeXt(depths, dims, num_classes, in_chans, block=lambda i, j, d: B.ConvNeXtV2Block(d))


def SLaK(depths=(3, 3, 9, 3), dims=(96, 192, 384, 768), kernel_size=(51, 49, 47, 13, 5), width_factor=1.0, Decom=None, bn=True,
         num_classes=1000, in_chans=3):
    """SLaK (VITA-Group/SLaK, models/SLaK.py): the ConvNeXt trunk at widths int(d * width_factor) with slak.block
    (K_s x N, N x K_s, N x N branches with BN, padded (kh//2, kw//2); a falsy Decom has a K_s x K_s lkb_origin
    instead of the strips, bn=False no BN after the branch convs)."""
    widths = [int(d * width_factor) for d in dims]
    return ConvNeXt(depths, widths, num_classes, in_chans,
                    block=lambda i, j, d: B.SLaKBlock(d, (kernel_size[i], kernel_size[4]), bool(Decom), bn))


def ParCConvNeXt(depths=(3, 3, 9, 3), dims=(96, 192, 384, 768), ParC_insert_locs=(3, 3, 6, 2), stages_rs=(56, 28, 14, 7),
                 num_classes=1000, in_chans=3):
    """ParC-ConvNeXt (hkzhang91/ParC-Net, ParC_ConvNets/ParC_convnext.py): the ConvNeXt trunk; block j of stage s is
    parc.convnext_block (global kernel stages_rs[s], pe) when j >= ParC_insert_locs[s], else convnext.block."""
    return ConvNeXt(depths, dims, num_classes, in_chans,
                    block=lambda i, j, d: (B.ParCConvNeXtBlock(d, stages_rs[i], True) if j >= ParC_insert_locs[i]
                                           else B.ConvNeXtBlock(d, 7)))


# --------------------------------------------------------------------------------------------
# VAN
# --------------------------------------------------------------------------------------------
class OverlapPatchEmbed(nn.Module):
    def __init__(self, patch_size, stride, in_chans, embed_dim):
        super().__init__()
        self.proj = nn.Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=stride, padding=patch_size // 2)
        self.norm = nn.BatchNorm2d(embed_dim, eps=B.BN_EPS)

    def forward(self, x):
        return self.norm(self.proj(x))


class VAN(nn.Module):
    def __init__(self, embed_dims=(64, 128, 256, 512), depths=(3, 4, 6, 3), mlp_ratios=(4, 4, 4, 4),
                 num_classes=1000, in_chans=3):
        super().__init__()
        for i in range(4):
            setattr(self, f"patch_embed{i + 1}", OverlapPatchEmbed(
                7 if i == 0 else 3, 4 if i == 0 else 2, in_chans if i == 0 else embed_dims[i - 1], embed_dims[i]))
            setattr(self, f"block{i + 1}", nn.ModuleList(
                B.VANBlock(embed_dims[i], mlp_ratios[i], 21, 3) for _ in range(depths[i])))
            setattr(self, f"norm{i + 1}", nn.LayerNorm(embed_dims[i], eps=LN_EPS))
        self.head = nn.Linear(embed_dims[3], num_classes)

    def features(self, x):
        """Each stage's output after its token LayerNorm, as NCHW (what feeds the next stage)."""
        out = []
        for i in range(1, 5):
            x = getattr(self, f"patch_embed{i}")(x)
            n, c, h, w = x.shape
            for blk in getattr(self, f"block{i}"):
                x = blk(x)
            t = getattr(self, f"norm{i}")(x.flatten(2).transpose(1, 2))
            x = t.reshape(n, h, w, c).permute(0, 3, 1, 2).contiguous()
            out.append(x)
        return out

    def forward(self, x):
        x = self.features(x)[-1]
        return self.head(x.flatten(2).transpose(1, 2).mean(dim=1))


# --------------------------------------------------------------------------------------------
# RepLKNet
# --------------------------------------------------------------------------------------------
def conv_bn_relu(cin, cout, kernel_size, stride, padding, groups):
    """RepLKNet's conv_bn_relu: bias-free conv (any stride) -> BN -> ReLU, children conv / bn / nonlinear."""
    return nn.Sequential(OrderedDict([
        ("conv", nn.Conv2d(cin, cout, kernel_size, stride=stride, padding=padding, groups=groups, bias=False)),
        ("bn", nn.BatchNorm2d(cout, eps=B.BN_EPS)),
        ("nonlinear", nn.ReLU()),
    ]))


class RepLKNetStage(nn.Module):
    def __init__(self, channels, num_blocks, lk_size, small_kernel, dw_ratio, ffn_ratio, merged):
        super().__init__()
        blocks = []
        for _ in range(num_blocks):
            blocks.append(B.RepLKBlock(channels, int(channels * dw_ratio), lk_size, small_kernel, merged))
            blocks.append(B.ConvFFN(channels, int(channels * ffn_ratio), channels))
        self.blocks = nn.ModuleList(blocks)

    def forward(self, x):
        for blk in self.blocks:
            x = blk(x)
        return x


class RepLKNet(nn.Module):
    def __init__(self, large_kernel_sizes, layers, channels, small_kernel, dw_ratio=1, ffn_ratio=4, in_channels=3,
                 num_classes=1000, small_kernel_merged=False):
        super().__init__()
        c0 = channels[0]
        self.stem = nn.ModuleList([
            conv_bn_relu(in_channels, c0, 3, 2, 1, 1),
            conv_bn_relu(c0, c0, 3, 1, 1, c0),
            conv_bn_relu(c0, c0, 1, 1, 0, 1),
            conv_bn_relu(c0, c0, 3, 2, 1, c0)])
        self.stages = nn.ModuleList(
            RepLKNetStage(channels[i], layers[i], large_kernel_sizes[i], small_kernel, dw_ratio, ffn_ratio,
                          small_kernel_merged) for i in range(4))
        self.transitions = nn.ModuleList(nn.Sequential(
            conv_bn_relu(channels[i], channels[i + 1], 1, 1, 0, 1),
            conv_bn_relu(channels[i + 1], channels[i + 1], 3, 2, 1, channels[i + 1])) for i in range(3))
        self.norm = nn.BatchNorm2d(channels[-1], eps=B.BN_EPS)
        self.head = nn.Linear(channels[-1], num_classes)

    @torch.no_grad()
    def structural_reparam(self):
        """Every RepLK block's large kernel merged (lkb_origin + small_conv -> lkb_reparam)."""
        for stage in self.stages:
            for blk in stage.blocks:
                if isinstance(blk, B.RepLKBlock) and not blk.large_kernel.reparameterized:
                    blk.large_kernel = blk.large_kernel.merged()
        return self

    @torch.no_grad()
    def deep_fuse_BN(self):
        """The official deep_fuse_BN(): every conv-BN(-ReLU) nn.Sequential (stem, transitions, pw1/pw2 of both block
        kinds, and an unmerged large kernel's lkb_origin / small_conv) gets its BN folded into a conv with bias under
        the same name (`conv`), and the BN replaced by nn.Identity, so `X.bn.*` disappear and `X.conv.bias` appears.
        prelkb_bn, preffn_bn and the final norm are not in such a Sequential and stay."""
        for m in self.modules():
            if not isinstance(m, nn.Sequential) or len(m) not in (2, 3):
                continue
            if isinstance(m[0], nn.Conv2d) and isinstance(m[1], nn.BatchNorm2d):
                conv, bn = m[0], m[1]
                w, b = B.fuse_conv_bn(conv.weight, bn)
                fused = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, stride=conv.stride,
                                  padding=conv.padding, dilation=conv.dilation, groups=conv.groups, bias=True)
                fused = fused.to(conv.weight.dtype)
                fused.weight.copy_(w)
                fused.bias.copy_(b)
                m[0] = fused
                m[1] = nn.Identity()
        return self

    def features(self, x):
        """Each stage's output (after its blocks, before its transition), NCHW."""
        for layer in self.stem:
            x = layer(x)
        out = []
        for i in range(4):
            x = self.stages[i](x)
            out.append(x)
            if i < 3:
                x = self.transitions[i](x)
        return out

    def forward(self, x):
        x = self.norm(self.features(x)[-1])
        return self.head(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


# --------------------------------------------------------------------------------------------
# MogaNet
# --------------------------------------------------------------------------------------------
class MogaNet(nn.Module):
    def __init__(self, arch="tiny", in_channels=3, num_classes=1000, attn_dw_dilation=(1, 2, 3), attn_channel_split=(1, 3, 4),
                 attn_final_dilation=True, attn_force_fp32=False):
        super().__init__()
        a = C.MOGANET_ARCHS[C.MOGANET_ALIASES[arch.lower()]] if isinstance(arch, str) else arch
        assert isinstance(a, dict) and set(a) == {"embed_dims", "depths", "ffn_ratios"}
        dims, depths, ratios = a["embed_dims"], a["depths"], a["ffn_ratios"]
        for i in range(4):
            if i == 0:
                embed = nn.Module()
                embed.projection = nn.Sequential(
                    nn.Conv2d(in_channels, dims[0] // 2, 3, stride=2, padding=1), nn.BatchNorm2d(dims[0] // 2, eps=B.BN_EPS),
                    nn.GELU(), nn.Conv2d(dims[0] // 2, dims[0], 3, stride=2, padding=1), nn.BatchNorm2d(dims[0], eps=B.BN_EPS))
            else:
                embed = nn.Module()
                embed.projection = nn.Conv2d(dims[i - 1], dims[i], 3, stride=2, padding=1)
                embed.norm = nn.BatchNorm2d(dims[i], eps=B.BN_EPS)
            dil = [1, 2, 1] if i == 3 and not attn_final_dilation else list(attn_dw_dilation)
            setattr(self, f"patch_embed{i + 1}", embed)
            setattr(self, f"blocks{i + 1}", nn.ModuleList(
                B.MogaBlock(dims[i], ratios[i], dil, attn_channel_split, attn_force_fp32) for _ in range(depths[i])))
            setattr(self, f"norm{i + 1}", nn.BatchNorm2d(dims[i], eps=B.BN_EPS))
        self.head = nn.Linear(dims[3], num_classes)

    def features(self, x):
        """The four norm{i} outputs (official fork_feat maps); each feeds the next stage."""
        out = []
        for i in range(1, 5):
            e = getattr(self, f"patch_embed{i}")
            x = e.projection(x) if i == 1 else e.norm(e.projection(x))
            for blk in getattr(self, f"blocks{i}"):
                x = blk(x)
            x = getattr(self, f"norm{i}")(x)
            out.append(x)
        return out

    def forward(self, x):
        return self.head(self.features(x)[-1].mean(dim=[2, 3]))


# --------------------------------------------------------------------------------------------
# GFNet (isotropic)
# --------------------------------------------------------------------------------------------
class GFNet(nn.Module):
    """GFNet (raoyongming/GFNet, gfnet.py): patch conv, + pos_embed, blocks of gfnet.block, LN on tokens, token
    mean, Linear. Float64 throughout in a float64 model (the official filter's float32 cast is skipped)."""

    def __init__(self, img_size=224, patch_size=16, embed_dim=768, depth=12, mlp_ratio=4.0, num_classes=1000, in_chans=3):
        super().__init__()
        self.img_size, g = img_size, img_size // patch_size
        self.patch_embed = nn.Module()
        self.patch_embed.proj = nn.Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=patch_size)
        self.pos_embed = nn.Parameter(torch.zeros(1, g * g, embed_dim))
        self.blocks = nn.ModuleList(B.GFNetBlock(embed_dim, g, g // 2 + 1, mlp_ratio, LN_EPS) for _ in range(depth))
        self.norm = nn.LayerNorm(embed_dim, eps=LN_EPS)
        self.head = nn.Linear(embed_dim, num_classes)

    def randomize_(self, gen):
        """blocks_torch.randomize_ for every child, then pos_embed U(-0.5, 0.5)."""
        for child in self.children():
            B.randomize_(child, gen)
        with torch.no_grad():
            self.pos_embed.copy_(-0.5 + torch.rand(tuple(self.pos_embed.shape), generator=gen, dtype=torch.float64))
        return self

    def features(self, x):
        """One map: the last block's output (NCHW), the tokens before the final norm."""
        assert x.shape[2] == x.shape[3] == self.img_size
        x = self.patch_embed.proj(x)
        n, c, h, w = x.shape
        t = x.flatten(2).transpose(1, 2) + self.pos_embed
        x = t.transpose(1, 2).reshape(n, c, h, w)
        for blk in self.blocks:
            x = blk(x)
        return [x]

    def forward(self, x):
        t = self.features(x)[0].flatten(2).transpose(1, 2)
        return self.head(self.norm(t).mean(1))


# --------------------------------------------------------------------------------------------
# GFNet-H (GFNetPyramid)
# --------------------------------------------------------------------------------------------
class GFNetBlockLayerScale(B.GFNetBlock):
    """GFNet's BlockLayerScale: t + gamma * MLP(LN2(Filter(LN1(t)))), gamma [C]."""

    def __init__(self, dim, h, w, mlp_ratio=4.0, layer_norm_eps=LN_EPS):
        super().__init__(dim, h, w, mlp_ratio, layer_norm_eps)
        self.gamma = nn.Parameter(torch.ones(dim))

    def forward_tokens(self, t, H, W):
        return t + self.gamma * self.mlp(self.norm2(self.filter(self.norm1(t), H, W)))


class GFNetPyramid(nn.Module):
    """GFNet-H (raoyongming/GFNet, gfnet.py): patch conv + pos_embed, then per stage 2x2/s2 DownLayer convs (no norm)
    and layer-scale GFNet blocks; LN on tokens, token mean, Linear."""

    def __init__(self, img_size=224, patch_size=4, num_classes=1000, embed_dim=(64, 128, 256, 512), depth=(2, 2, 10, 4),
                 mlp_ratio=(4, 4, 4, 4), no_layerscale=False):
        super().__init__()
        self.img_size = img_size
        sizes = [s * img_size // 224 for s in (56, 28, 14, 7)]
        self.patch_embed = nn.ModuleList()
        for i in range(4):
            e = nn.Module()
            e.proj = (nn.Conv2d(3, embed_dim[0], kernel_size=patch_size, stride=patch_size) if i == 0
                      else nn.Conv2d(embed_dim[i - 1], embed_dim[i], kernel_size=2, stride=2))
            self.patch_embed.append(e)
        self.pos_embed = nn.Parameter(torch.zeros(1, (img_size // patch_size) ** 2, embed_dim[0]))
        block = B.GFNetBlock if no_layerscale else GFNetBlockLayerScale
        self.blocks = nn.ModuleList(
            nn.ModuleList(block(embed_dim[i], sizes[i], sizes[i] // 2 + 1, mlp_ratio[i], LN_EPS) for _ in range(depth[i]))
            for i in range(4))
        self.norm = nn.LayerNorm(embed_dim[-1], eps=LN_EPS)
        self.head = nn.Linear(embed_dim[-1], num_classes)

    randomize_ = GFNet.randomize_

    def features(self, x):
        """Each stage's output (tokens as NCHW)."""
        assert x.shape[2] == x.shape[3] == self.img_size
        out = []
        for i in range(4):
            x = self.patch_embed[i].proj(x)
            if i == 0:
                n, c, h, w = x.shape
                x = (x.flatten(2).transpose(1, 2) + self.pos_embed).transpose(1, 2).reshape(n, c, h, w)
            for blk in self.blocks[i]:
                x = blk(x)
            out.append(x)
        return out

    def forward(self, x):
        t = self.features(x)[-1].flatten(2).transpose(1, 2)
        return self.head(self.norm(t).mean(1))


# --------------------------------------------------------------------------------------------
# UniRepLKNet
# --------------------------------------------------------------------------------------------
def _unireplknet_kernels(depths):
    tables = {(2, 2, 6, 2): [[3] * 2, [13] * 2, [13] * 6, [13] * 2], (2, 2, 8, 2): [[3] * 2, [13] * 2, [13] * 8, [13] * 2],
              (3, 3, 18, 3): [[3] * 3, [13] * 3, [13 if j % 2 == 0 else 3 for j in range(18)], [13] * 3],
              (3, 3, 27, 3): [[3] * 3, [13] * 3, [13 if j % 3 == 0 else 3 for j in range(27)], [13] * 3]}
    return tables[tuple(depths)]


class NCHWtoNHWC(nn.Module):
    def forward(self, x):
        return x.permute(0, 2, 3, 1)


class NHWCtoNCHW(nn.Module):
    def forward(self, x):
        return x.permute(0, 3, 1, 2)


class GRNwithNHWC(nn.Module):
    """GRN on NHWC: G = ||z||_2 over H, W; N = G / (mean_c G + 1e-6); (gamma * N + 1) * z (+ beta)."""

    def __init__(self, dim, use_bias=True):
        super().__init__()
        self.use_bias = use_bias
        self.gamma = nn.Parameter(torch.zeros(1, 1, 1, dim))
        if use_bias:
            self.beta = nn.Parameter(torch.zeros(1, 1, 1, dim))

    def forward(self, x):
        gx = torch.norm(x, p=2, dim=(1, 2), keepdim=True)
        nx = gx / (gx.mean(dim=-1, keepdim=True) + 1e-6)
        return (self.gamma * nx + 1) * x + self.beta if self.use_bias else (self.gamma * nx + 1) * x


class SEBlock(nn.Module):
    def __init__(self, channels, internal):
        super().__init__()
        self.channels = channels
        self.down = nn.Conv2d(channels, internal, 1, bias=True)
        self.up = nn.Conv2d(internal, channels, 1, bias=True)

    def forward(self, inputs):
        x = torch.sigmoid(self.up(F.relu(self.down(F.adaptive_avg_pool2d(inputs, (1, 1))))))
        return inputs * x.view(-1, self.channels, 1, 1)


class UniRepLKNetBlock(nn.Module):
    def __init__(self, dim, kernel_size, deploy=False, layer_scale=True):
        super().__init__()
        self.dim, self.kernel_size = dim, kernel_size
        if kernel_size == 0:  # the official block: no mixer and no norm
            self.dwconv = nn.Identity()
        elif kernel_size >= 7:
            self.dwconv = B.DilatedReparamBlock(dim, kernel_size, deploy)
        else:
            assert kernel_size in (3, 5)
            self.dwconv = nn.Conv2d(dim, dim, kernel_size, padding=kernel_size // 2, groups=dim, bias=deploy)
        self.norm = nn.Identity() if deploy or kernel_size == 0 else nn.BatchNorm2d(dim, eps=B.BN_EPS)
        self.se = SEBlock(dim, dim // 4)
        ffn = 4 * dim
        self.pwconv1 = nn.Sequential(NCHWtoNHWC(), nn.Linear(dim, ffn))
        self.act = nn.Sequential(nn.GELU(), GRNwithNHWC(ffn, use_bias=not deploy))
        if deploy:
            self.pwconv2 = nn.Sequential(nn.Linear(ffn, dim), NHWCtoNCHW())
        else:
            self.pwconv2 = nn.Sequential(nn.Linear(ffn, dim, bias=False), NHWCtoNCHW(), nn.BatchNorm2d(dim, eps=B.BN_EPS))
        self.gamma = nn.Parameter(torch.ones(dim)) if (layer_scale and not deploy) else None

    def forward(self, x):
        y = self.se(self.norm(self.dwconv(x)))
        y = self.pwconv2(self.act(self.pwconv1(y)))
        if self.gamma is not None:
            y = self.gamma.view(1, -1, 1, 1) * y
        return x + y

    @torch.no_grad()
    def deployed(self):
        """The deploy-form block with the same function (this project's merge, in the module's dtype): dilated
        branches merged, BN_norm folded into dwconv, GRN beta pushed through Linear2, BN_out and gamma folded."""
        d = UniRepLKNetBlock(self.dim, self.kernel_size, deploy=True).to(self.se.down.weight.dtype)
        sd = {k: v for k, v in self.state_dict().items() if k.startswith(("se.", "pwconv1.", "act.1.gamma"))}
        bn = self.norm
        if self.kernel_size > 0:  # kernel size 0: no mixer and no norm to fold
            t = bn.weight / torch.sqrt(bn.running_var + bn.eps)
            if self.kernel_size >= 7:
                w, b = self.dwconv.equivalent_kernel_bias()
                sd["dwconv.lk_origin.weight"] = w * t.reshape(-1, 1, 1, 1)
                sd["dwconv.lk_origin.bias"] = bn.bias + (b - bn.running_mean) * t
            else:
                sd["dwconv.weight"] = self.dwconv.weight * t.reshape(-1, 1, 1, 1)
                sd["dwconv.bias"] = bn.bias - bn.running_mean * t
        lin, bno = self.pwconv2[0], self.pwconv2[2]
        scale = self.gamma if self.gamma is not None else torch.ones_like(bno.weight)
        to = bno.weight / torch.sqrt(bno.running_var + bno.eps)
        b_lin = lin.weight @ self.act[1].beta.reshape(-1)
        sd["pwconv2.0.weight"] = lin.weight * (to * scale).reshape(-1, 1)
        sd["pwconv2.0.bias"] = (bno.bias + (b_lin - bno.running_mean) * to) * scale
        d.load_state_dict(sd, strict=True)
        return d.eval()


class UniRepLKNet(nn.Module):
    def __init__(self, depths=(3, 3, 27, 3), dims=(96, 192, 384, 768), kernel_sizes=None, deploy=False,
                 layer_scale_init_value=1e-6, num_classes=1000, in_chans=3):
        super().__init__()
        kernel_sizes = kernel_sizes or _unireplknet_kernels(depths)
        self.downsample_layers = nn.ModuleList([nn.Sequential(
            nn.Conv2d(in_chans, dims[0] // 2, 3, stride=2, padding=1), LayerNormChannelsFirst(dims[0] // 2, eps=LN_EPS), nn.GELU(),
            nn.Conv2d(dims[0] // 2, dims[0], 3, stride=2, padding=1), LayerNormChannelsFirst(dims[0], eps=LN_EPS))])
        for i in range(3):
            self.downsample_layers.append(nn.Sequential(
                nn.Conv2d(dims[i], dims[i + 1], 3, stride=2, padding=1), LayerNormChannelsFirst(dims[i + 1], eps=LN_EPS)))
        ls = layer_scale_init_value is not None and layer_scale_init_value > 0
        self.stages = nn.ModuleList(nn.Sequential(*[UniRepLKNetBlock(dims[i], kernel_sizes[i][j], deploy, ls)
                                                    for j in range(depths[i])]) for i in range(4))
        self.norm = nn.LayerNorm(dims[-1], eps=LN_EPS)
        self.head = nn.Linear(dims[-1], num_classes)

    def randomize_(self, gen):
        """blocks_torch.randomize_ for the standard layers; GRN gamma U(0.5, 1.5), beta U(-0.5, 0.5), block gamma U(0.5, 1.5)."""
        for _, m in self.named_modules():
            if isinstance(m, (nn.BatchNorm2d, nn.LayerNorm, nn.Conv2d, nn.Linear)):
                B.randomize_(m, gen)
                continue
            for name, p in m.named_parameters(recurse=False):
                lo, hi = {"gamma": (0.5, 1.5), "beta": (-0.5, 0.5)}[name]
                with torch.no_grad():
                    p.copy_(lo + (hi - lo) * torch.rand(tuple(p.shape), generator=gen, dtype=torch.float64))
        return self

    @torch.no_grad()
    def structural_reparam(self):
        """Every block in deploy form (reparameterize_unireplknet)."""
        for stage in self.stages:
            for j in range(len(stage)):
                stage[j] = stage[j].deployed()
        return self

    def features(self, x):
        out = []
        for i in range(4):
            x = self.stages[i](self.downsample_layers[i](x))
            out.append(x)
        return out

    def forward(self, x):
        return self.head(self.norm(self.features(x)[-1].mean([-2, -1])))


# Each family's class and its presets: the converter's explicit official configs (convert_checkpoint.PRESETS), so the
# reference models and the converter cannot disagree (a separate table here once built VAN with mlp_ratios
# [4, 4, 4, 4]); every preset builds the same parameter count as `globalconv bench --model` (model_compare.py checks).
MODELS = {family: (cls, C.PRESETS[family]) for family, cls in [
    ("convnext", ConvNeXt), ("van", VAN), ("replknet", RepLKNet), ("slak", SLaK), ("parc_convnext", ParCConvNeXt),
    ("moganet", MogaNet), ("gfnet", GFNet), ("gfnet_h", GFNetPyramid), ("unireplknet", UniRepLKNet),
    ("convnextv2", ConvNeXtV2)]}


def build(model, config):
    """The model of family `model` from a fixture config (a "preset" key plus overrides)."""
    cls, presets = MODELS[model]
    cfg = dict(config)
    kwargs = dict(presets[cfg.pop("preset")]) if "preset" in cfg else {}
    kwargs.update(cfg)
    return cls(**kwargs)
