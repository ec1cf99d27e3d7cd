"""DAM: Time-Frequency Distributional Attention Module (HDF §3)."""
from typing import Dict, Optional, Tuple

import torch
import torch.nn as nn

from .dct import FreqSelect
from .frequency import FrequencyDistributionalAttention
from .temporal import TemporalDistributionalAttention

FUSION_NORMS = ('none', 'mean')


class DAM(nn.Module):
    """Time-Frequency Distributional Attention Module.

    Two parallel residual attention branches on the same input ``X`` and a
    learnable fusion (HDF §3.2-3.4)::

        X_t = X * g + X                   g: [N, 1, T, 1, 1] temporal gate
        X_f = X * sigmoid(m) + X          m: [N, 1, 1, H, W] frequency logits
        out = (w_t * X_t + w_f * X_f) / 2  w_t = 0.8, w_f = 0.3 at init

    Both branches only rescale ``X``, so the output is computed with a single
    broadcast multiply ``out = X * (w_t (1 + g) + w_f (1 + sigmoid(m))) / 2``
    (the scale is ``[N, 1, T, H, W]``); ``X_t`` and ``X_f`` are never
    materialised.

    **Gain-free fusion** (``fusion_norm='mean'``, an mmhdf option, not in the
    paper): ``out = X * s / mean_{T,H,W}(s)`` per sample, with ``s`` the
    fused scale above (not detached). The paper form (``'none'``, default)
    multiplies ``X`` by a learnable global gain (``w_t``, ``w_f``, the gate
    biases and the attention conv all move it; 0.78 at init on typical
    inputs). Where a normalisation layer follows, that gain is absorbed;
    where DAM feeds pooling and a linear classifier directly (e.g. after the
    last stage of ResNet3d), it is redundant with the classifier's weight
    scale and can shrink while cross-entropy sits on the class-prior
    plateau, stalling training. With ``'mean'`` the per-sample mean scale is
    exactly 1, so a common rescaling of ``(w_t, w_f)`` leaves the output
    unchanged (no gradient along the global-gain direction); DAM still
    redistributes emphasis over time and space. See :class:`TemporalDistributionalAttention` and
    :class:`FrequencyDistributionalAttention` for the branches, including
    the ``diff_axis`` choice (paper: time, released code: channel groups).

    The temporal parameters depend on ``T``; the module checks the input's
    ``T`` against ``num_frames``. With the default options the module has
    ``2 + 2TK + T^2 + 3(K^2 + K)`` temporal, ``3F + 2 + 1 + 2F + F*7*7``
    frequency and 2 fusion parameters: 4,237 for ``T = K = 16`` and
    ``F = 49``, independent of ``C``.

    Args:
        num_frames (int): ``T`` of the input ``[N, C, T, H, W]``.
        num_bins (int, optional): ``K`` channel bins of the temporal
            descriptors (the code's ``step``). Defaults to ``num_frames``.
        diff_axis (str): Axis of the temporal difference term, ``'time'``
            (paper meaning, default) or ``'channel'`` (released code).
        freq_select (str | Sequence[tuple[int, int]]): DCT frequencies,
            ``'all'`` (49, default), ``'low'``, ``'lowN'`` or ``(u, v)`` pairs.
        fusion_init (tuple[float, float]): Initial ``(w_t, w_f)``. Defaults
            to ``(0.8, 0.3)``.
        fusion_norm (str): ``'none'`` (paper form, default) or ``'mean'``
            (gain-free: divide the fused scale by its per-sample mean over
            ``T, H, W``).
        keep_maps (bool): Store the last temporal gate and frequency
            attention map (detached) in :attr:`last_maps`, for
            visualisation. Defaults to False.
        **freq_kwargs: Further arguments of
            :class:`FrequencyDistributionalAttention` (``noise_std``,
            ``perturb_coef``, ``dyt_alpha``, ...).
    """

    def __init__(self,
                 num_frames: int,
                 num_bins: Optional[int] = None,
                 diff_axis: str = 'time',
                 freq_select: FreqSelect = 'all',
                 fusion_init: Tuple[float, float] = (0.8, 0.3),
                 fusion_norm: str = 'none',
                 keep_maps: bool = False,
                 **freq_kwargs) -> None:
        super().__init__()
        if fusion_norm not in FUSION_NORMS:
            raise ValueError(f'fusion_norm must be one of {FUSION_NORMS}, '
                             f'got {fusion_norm!r}')
        self.fusion_norm = fusion_norm
        self.num_frames = num_frames
        self.temporal = TemporalDistributionalAttention(
            num_frames, num_bins=num_bins, diff_axis=diff_axis)
        self.frequency = FrequencyDistributionalAttention(
            freq_select=freq_select, **freq_kwargs)
        self.temporal_weight = nn.Parameter(
            torch.tensor(float(fusion_init[0])))
        self.frequency_weight = nn.Parameter(
            torch.tensor(float(fusion_init[1])))
        self.keep_maps = keep_maps
        self.last_maps: Optional[Dict[str, torch.Tensor]] = None

    def _check_input(self, x: torch.Tensor) -> None:
        if x.dim() != 5:
            raise ValueError('DAM expects a [N, C, T, H, W] tensor, got shape '
                             f'{tuple(x.shape)}')
        if x.size(2) != self.num_frames:
            raise ValueError(
                f'DAM was built for T={self.num_frames} frames (num_frames) '
                f'but got an input with T={x.size(2)} (shape '
                f'{tuple(x.shape)}); its temporal parameters depend on T, so '
                'build it with the T of the feature map it is applied to.')

    def forward_with_maps(
            self,
            x: torch.Tensor) -> Tuple[torch.Tensor, Dict[str, torch.Tensor]]:
        """Forward pass that also returns the attention maps.

        Args:
            x (torch.Tensor): ``[N, C, T, H, W]`` with ``T == num_frames``.

        Returns:
            tuple[torch.Tensor, dict]: The output, ``[N, C, T, H, W]``, and
            ``{'temporal_gate': g [N, T], 'freq_attn': sigmoid(m) [N, H, W]}``
            (not detached).
        """
        self._check_input(x)
        n, _, t, h, w = x.shape
        gate = self.temporal(x)  # [N, T]
        freq_attn = torch.sigmoid(self.frequency(x))  # [N, 1, H, W]
        scale = (
            self.temporal_weight * (1 + gate).view(n, 1, t, 1, 1) +
            self.frequency_weight * (1 + freq_attn).view(n, 1, 1, h, w))
        if self.fusion_norm == 'mean':
            # [N, 1, T, H, W] / [N, 1, 1, 1, 1]: unit mean scale per sample
            scale = scale / scale.mean(dim=(2, 3, 4), keepdim=True)
        else:
            scale = scale / 2
        out = x * scale
        return out, dict(temporal_gate=gate, freq_attn=freq_attn[:, 0])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply DAM.

        Args:
            x (torch.Tensor): ``[N, C, T, H, W]`` with ``T == num_frames``.

        Returns:
            torch.Tensor: ``[N, C, T, H, W]``.
        """
        out, maps = self.forward_with_maps(x)
        if self.keep_maps:
            self.last_maps = {k: v.detach() for k, v in maps.items()}
        return out

    def extra_repr(self) -> str:
        return (f'num_frames={self.num_frames}, '
                f'fusion_norm={self.fusion_norm!r}, keep_maps={self.keep_maps}')
