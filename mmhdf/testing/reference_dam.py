"""Straightforward reference formulation of DAM, for tests and benchmarks.

Follows HDF §3 literally, the way the released code computes it: the
``[N, C, T, H, W]`` input is permuted to ``[N, T, C, H, W]``; pooling uses
``nn.AdaptiveAvgPool3d`` / ``nn.AdaptiveMaxPool3d`` with output ``(K, 1, 1)``;
the DCT bank is rebuilt from the cosine formula with Python loops and
repeated over the ``C`` channels on every forward; ``X_t`` and ``X_f`` are
materialised and fused. Parameter names match :class:`mmhdf.models.dam.DAM`
so ``ReferenceDAM.load_state_dict(dam.state_dict())`` works.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def reference_dct_bank(pairs, size=7):
    """Bank ``[F, S, S]`` from the cosine formula, entry by entry."""
    bank = torch.zeros(len(pairs), size, size, dtype=torch.float64)
    for k, (u, v) in enumerate(pairs):
        cu = math.sqrt(1 / size) if u == 0 else math.sqrt(2 / size)
        cv = math.sqrt(1 / size) if v == 0 else math.sqrt(2 / size)
        for i in range(size):
            for j in range(size):
                bank[k, i, j] = cu * cv * math.cos(
                    (2 * i + 1) * u * math.pi / (2 * size)) * math.cos(
                        (2 * j + 1) * v * math.pi / (2 * size))
    return bank


class _RefTemporal(nn.Module):

    def __init__(self, t, k, diff_axis):
        super().__init__()
        self.t, self.k, self.diff_axis = t, k, diff_axis
        self.avg_weight = nn.Parameter(torch.tensor(0.5))
        self.max_weight = nn.Parameter(torch.tensor(0.5))
        self.fused_gate = nn.Parameter(torch.ones(t, k))
        self.dispersion_gate = nn.Parameter(torch.zeros(t, k))
        self.time_linear = nn.Linear(t, t, bias=False)
        self.query = nn.Linear(k, k)
        self.key = nn.Linear(k, k)
        self.value = nn.Linear(k, k)
        self.avg_pool = nn.AdaptiveAvgPool3d((k, 1, 1))
        self.max_pool = nn.AdaptiveMaxPool3d((k, 1, 1))

    def forward(self, xt):
        """xt: [B, T, C, H, W] -> gated X_t, gate [B, T]."""
        b = xt.size(0)
        a = self.avg_pool(xt).view(b, self.t, self.k)
        m = self.max_pool(xt).view(b, self.t, self.k)
        # dispersion: L2 distance of each frame's K values to their mean
        d = torch.sqrt(((a - a.mean(2, keepdim=True))**2).sum(2, keepdim=True))
        d = d.expand(-1, -1, self.k)
        delta = torch.zeros_like(a)
        if self.diff_axis == 'time':
            for t in range(1, self.t):
                delta[:, t] = (a[:, t] - a[:, t - 1]).abs()
        else:
            for k in range(1, self.k):
                delta[:, :, k] = (a[:, :, k] - a[:, :, k - 1]).abs()
        fused = self.avg_weight * a + self.max_weight * m
        u = torch.sigmoid(self.fused_gate * fused + self.dispersion_gate * d -
                          delta)
        u = torch.einsum('ts,bsk->btk', self.time_linear.weight, u)
        q, k, v = self.query(u), self.key(u), self.value(u)
        attn = F.softmax(
            torch.bmm(q, k.transpose(1, 2)) / math.sqrt(self.k), dim=-1)
        gate = torch.sigmoid(torch.bmm(attn, v).mean(2))  # [B, T]
        return xt * gate[:, :, None, None, None] + xt, gate


class _RefFrequency(nn.Module):

    def __init__(self, pairs, size=7):
        super().__init__()
        nf = len(pairs)
        self.pairs, self.size = pairs, size
        self.noise = nn.Parameter(torch.randn(nf) * 0.1)
        self.noise_scale = nn.Parameter(torch.ones(nf))
        self.dispersion_scale = nn.Parameter(torch.zeros(nf))
        self.clean_weight = nn.Parameter(torch.tensor(0.5))
        self.perturbed_weight = nn.Parameter(torch.tensor(0.5))
        self.dyt_alpha = nn.Parameter(torch.tensor(0.5))
        self.dyt_gamma = nn.Parameter(torch.ones(nf))
        self.dyt_beta = nn.Parameter(torch.zeros(nf))
        self.attn_conv = nn.Conv2d(nf, 1, 7, padding=3, bias=False)

    def forward(self, xt):
        """xt: [B, T, C, H, W] -> X_f, attention map [B, H, W]."""
        b, t, c, h, w = xt.shape
        xbar = xt.mean(1)  # [B, C, H, W]
        bank = reference_dct_bank(self.pairs, self.size).to(xt.dtype)
        weight = bank.unsqueeze(1).repeat(1, c, 1, 1)  # [F, C, S, S]
        y = F.conv2d(
            xbar,
            weight,
            torch.zeros(len(self.pairs), dtype=xt.dtype),
            padding=self.size // 2)
        nf = y.size(1)
        r = torch.sqrt(((y - y.mean((2, 3), keepdim=True))**2).sum(
            (2, 3), keepdim=True))
        p = (self.noise.view(1, nf, 1, 1) * self.noise_scale.view(1, nf, 1, 1)
             + 0.05 * self.dispersion_scale.view(1, nf, 1, 1) * r) * \
            torch.sign(y)
        y_pert = y + p
        y_mix = (self.clean_weight * y + self.perturbed_weight * y_pert) / 2
        s = torch.sqrt(torch.var(y_mix, dim=1, keepdim=True) + 1e-6)
        alpha = self.dyt_alpha / (s + 1e-6)
        z = self.dyt_gamma.view(1, nf, 1, 1) * torch.tanh(alpha * y_mix) + \
            self.dyt_beta.view(1, nf, 1, 1)
        attn = torch.sigmoid(self.attn_conv(z))  # [B, 1, H, W]
        attn5 = attn.unsqueeze(1).repeat(1, t, c, 1, 1)
        return xt * attn5 + xt, attn[:, 0]


class ReferenceDAM(nn.Module):
    """Reference DAM on ``[N, C, T, H, W]`` (see module docstring)."""

    def __init__(self,
                 num_frames,
                 num_bins=None,
                 diff_axis='time',
                 freq_pairs=None):
        super().__init__()
        k = num_bins or num_frames
        pairs = freq_pairs or [(i % 7, i // 7) for i in range(49)]
        self.temporal = _RefTemporal(num_frames, k, diff_axis)
        self.frequency = _RefFrequency(pairs)
        self.temporal_weight = nn.Parameter(torch.tensor(0.8))
        self.frequency_weight = nn.Parameter(torch.tensor(0.3))

    def forward_with_maps(self, x):
        xt = x.permute(0, 2, 1, 3, 4).contiguous()  # [B, T, C, H, W]
        x_t, gate = self.temporal(xt)
        x_f, attn = self.frequency(xt)
        out = (self.temporal_weight * x_t + self.frequency_weight * x_f) / 2
        return out.permute(0, 2, 1, 3, 4).contiguous(), dict(
            temporal_gate=gate, freq_attn=attn)

    def forward(self, x):
        return self.forward_with_maps(x)[0]
