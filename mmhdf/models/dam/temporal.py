"""Temporal distributional attention branch of DAM (HDF §3.2)."""
import math
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

DIFF_AXES = ('time', 'channel')


class TemporalDistributionalAttention(nn.Module):
    """Per-frame gate from pooled time x channel-group descriptors.

    With ``A`` / ``M`` the average / max pooled descriptors in
    ``R^{N x T x K}`` (``K`` adaptive bins over the channels, global over
    ``H, W``), the branch computes (HDF §3.2)::

        D     = || A[n, t, :] - mean_k A[n, t, :] ||_2   (broadcast over k)
        Delta = |A - shift(A)|                           (see ``diff_axis``)
        Fu    = a1 * A + a2 * M
        U     = sigmoid(Gamma * Fu + Lambda * D - Delta)  Gamma, Lambda: T x K
        U'    = W_t U                                    W_t: T x T, no bias
        V     = softmax(q(U') k(U')^T / sqrt(K)) v(U')   single head, dim K
        g     = sigmoid(mean_k V)                        in (0, 1)^{N x T}

    The caller applies the gate as ``X_t = X * g + X``.

    Pooling is computed as a spatial mean / max per channel followed by a
    1-D adaptive pool over channels. This is exactly
    ``AdaptiveAvgPool3d((K, 1, 1))`` / ``AdaptiveMaxPool3d((K, 1, 1))`` on the
    ``[N, T, C, H, W]`` view used by the released code, without the permute
    and copy of the full feature map.

    Difference term (``diff_axis``): the paper's "Compensate" term is a frame
    difference, so the default ``'time'`` uses
    ``Delta[n, t, k] = |A[n, t, k] - A[n, t - 1, k]|`` with
    ``Delta[:, 0] = 0``.
    The released code differences along the channel-group axis
    (``|A[n, t, k] - A[n, t, k - 1]|``, ``Delta[..., 0] = 0``); both axes have
    length ``T`` there. ``diff_axis='channel'`` reproduces that behaviour.

    Args:
        num_frames (int): ``T``, the temporal length of the input. The
            ``Gamma`` / ``Lambda`` gates and ``W_t`` depend on it.
        num_bins (int, optional): ``K``, number of adaptive bins over the
            channels (the code's ``step``). Defaults to ``num_frames``.
        diff_axis (str): ``'time'`` (paper meaning, default) or ``'channel'``
            (released code).
        pool_init (tuple[float, float]): Initial ``(a1, a2)``. Defaults to
            ``(0.5, 0.5)``.
    """

    def __init__(self,
                 num_frames: int,
                 num_bins: Optional[int] = None,
                 diff_axis: str = 'time',
                 pool_init: Tuple[float, float] = (0.5, 0.5)) -> None:
        super().__init__()
        if num_frames < 1:
            raise ValueError(f'num_frames must be >= 1, got {num_frames}')
        if diff_axis not in DIFF_AXES:
            raise ValueError(f'diff_axis must be one of {DIFF_AXES}, '
                             f'got {diff_axis!r}')
        num_bins = num_frames if num_bins is None else num_bins
        if num_bins < 1:
            raise ValueError(f'num_bins must be >= 1, got {num_bins}')
        self.num_frames = num_frames
        self.num_bins = num_bins
        self.diff_axis = diff_axis

        self.avg_weight = nn.Parameter(torch.tensor(float(pool_init[0])))
        self.max_weight = nn.Parameter(torch.tensor(float(pool_init[1])))
        self.fused_gate = nn.Parameter(torch.ones(num_frames, num_bins))
        self.dispersion_gate = nn.Parameter(torch.zeros(num_frames, num_bins))
        self.time_linear = nn.Linear(num_frames, num_frames, bias=False)
        self.query = nn.Linear(num_bins, num_bins)
        self.key = nn.Linear(num_bins, num_bins)
        self.value = nn.Linear(num_bins, num_bins)
        self.scale = 1.0 / math.sqrt(num_bins)

    def pool(self, x: torch.Tensor) -> tuple:
        """Average / max descriptors over channel bins and space.

        Args:
            x (torch.Tensor): ``[N, C, T, H, W]``.

        Returns:
            tuple[torch.Tensor, torch.Tensor]: ``A`` and ``M``, ``[N, T, K]``.
        """
        # sum, then divide the small result: cheaper backward than mean()
        avg = x.sum(dim=(3, 4)).transpose(1, 2) / (x.size(3) * x.size(4))
        # max with indices: its backward is a scatter, cheaper than amax's
        mx = x.flatten(3).max(dim=-1).values.transpose(1, 2)  # [N, T, C]
        avg = F.adaptive_avg_pool1d(avg, self.num_bins)
        mx = F.adaptive_max_pool1d(mx, self.num_bins)
        return avg, mx

    def difference(self, avg: torch.Tensor) -> torch.Tensor:
        """"Compensate" term: absolute first difference, zero-padded in front.

        Args:
            avg (torch.Tensor): ``A``, ``[N, T, K]``.

        Returns:
            torch.Tensor: ``Delta``, ``[N, T, K]``.
        """
        dim = 1 if self.diff_axis == 'time' else 2
        length = avg.size(dim) - 1
        diff = (avg.narrow(dim, 1, length) - avg.narrow(dim, 0, length)).abs()
        return torch.cat([torch.zeros_like(avg.narrow(dim, 0, 1)), diff], dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Compute the per-frame gate.

        Args:
            x (torch.Tensor): ``[N, C, T, H, W]`` with ``T == num_frames``.

        Returns:
            torch.Tensor: Gate ``g`` in ``(0, 1)``, ``[N, T]``.
        """
        avg, mx = self.pool(x)
        dispersion = (avg - avg.mean(dim=-1, keepdim=True)).norm(
            dim=-1, keepdim=True)  # [N, T, 1]
        fused = self.avg_weight * avg + self.max_weight * mx
        inter = torch.sigmoid(self.fused_gate * fused +
                              self.dispersion_gate * dispersion -
                              self.difference(avg))  # [N, T, K]
        inter = self.time_linear(inter.transpose(1, 2)).transpose(1, 2)
        q, k, v = self.query(inter), self.key(inter), self.value(inter)
        attn = torch.softmax(q @ k.transpose(1, 2) * self.scale, dim=-1)
        return torch.sigmoid((attn @ v).mean(dim=-1))

    def extra_repr(self) -> str:
        return (f'num_frames={self.num_frames}, num_bins={self.num_bins}, '
                f'diff_axis={self.diff_axis!r}')
