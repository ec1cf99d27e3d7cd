"""Frequency distributional attention branch of DAM (HDF §3.3)."""
from typing import Tuple

import torch
import torch.nn as nn

from .dct import FreqSelect, dct_filter_bank, select_frequencies
from .ops import conv2d_many_to_one, conv2d_one_to_many


class FrequencyDistributionalAttention(nn.Module):
    """Spatial attention logits from DCT responses of the time-mean feature.

    With ``Xbar = mean_t X`` and the fixed DCT bank ``B`` (``F`` filters of
    size ``S x S``) the branch computes (HDF §3.3)::

        Y     = conv2d(Xbar, B repeated over C)            [N, F, H, W]
        R_k   = || Y_k - mean_hw Y_k ||_2                   per (n, k)
        P     = (noise * a + coef * b * R) * sign(Y)        learned shift
        Yhat  = (c1 * Y + c2 * (Y + P)) / 2
        s     = sqrt(Var_k Yhat + eps)                      per (n, h, w)
        Z     = gamma * tanh(alpha / (s + eps) * Yhat) + beta   adaptive DyT
        m     = conv2d(Z, W_att)                            [N, 1, H, W]

    The caller applies ``X_f = X * sigmoid(m) + X``.

    Efficiency: the bank is identical for every channel, so
    ``conv2d(Xbar, B repeated over C) == conv2d(sum_c Xbar_c, B)`` exactly
    (linearity). The branch therefore reduces ``X`` once to the map
    ``sum_{c,t} X / T`` and runs a 1-in / ``F``-out convolution with the
    registered (non-persistent) bank buffer: ``F*S^2*H*W`` MACs instead of
    ``F*C*S^2*H*W``, and no per-forward rebuild or ``repeat`` of the bank.

    The "perturbation" is a learned, sign-aligned magnitude shift trained
    with the task loss (as in the released code); there is no inner
    maximisation. ``Var_k`` is the unbiased variance over the ``F``
    frequency channels (``torch.var`` default), so ``F >= 2`` is required.

    Args:
        freq_select (str | Sequence[tuple[int, int]]): DCT frequencies, see
            :func:`~mmhdf.models.dam.dct.select_frequencies`. Defaults to
            ``'all'`` (49 filters).
        filter_size (int): DCT filter size ``S``. Defaults to 7.
        attn_kernel_size (int): Kernel size of the ``F -> 1`` attention
            convolution. Defaults to 7.
        noise_std (float): Std of the normal init of the learnable
            perturbation ``noise``. Defaults to 0.1.
        perturb_coef (float): Fixed coefficient ``coef`` of the dispersion
            term in ``P`` (the code's ``wasserstein_reg``). Defaults to 0.05.
        mix_init (tuple[float, float]): Initial ``(c1, c2)``. Defaults to
            ``(0.5, 0.5)``.
        dyt_alpha (float): Initial DyT ``alpha``. Defaults to 0.5.
        eps (float): DyT epsilon. Defaults to 1e-6.
        conv_impl (str): How the DCT and attention convolutions run:
            ``'auto'`` (matmul + fold on CPU, ``conv2d`` elsewhere),
            ``'matmul'`` or ``'conv'``; all are numerically equivalent, see
            :mod:`mmhdf.models.dam.ops`. Defaults to ``'auto'``.
    """

    def __init__(self,
                 freq_select: FreqSelect = 'all',
                 filter_size: int = 7,
                 attn_kernel_size: int = 7,
                 noise_std: float = 0.1,
                 perturb_coef: float = 0.05,
                 mix_init: Tuple[float, float] = (0.5, 0.5),
                 dyt_alpha: float = 0.5,
                 eps: float = 1e-6,
                 conv_impl: str = 'auto') -> None:
        super().__init__()
        self.freq_pairs = select_frequencies(freq_select, filter_size)
        num_freqs = len(self.freq_pairs)
        if num_freqs < 2:
            raise ValueError('the adaptive DyT needs the variance over at '
                             'least 2 DCT frequencies, got '
                             f'{self.freq_pairs}')
        self.num_freqs = num_freqs
        self.filter_size = filter_size
        self.perturb_coef = perturb_coef
        self.eps = eps
        if conv_impl not in ('auto', 'matmul', 'conv'):
            raise ValueError("conv_impl must be 'auto', 'matmul' or 'conv', "
                             f'got {conv_impl!r}')
        if attn_kernel_size % 2 != 1 or filter_size % 2 != 1:
            raise ValueError('filter_size and attn_kernel_size must be odd')
        self.conv_impl = conv_impl

        self.register_buffer(
            'dct_bank',
            dct_filter_bank(self.freq_pairs, filter_size).unsqueeze(1),
            persistent=False)  # [F, 1, S, S]

        self.noise = nn.Parameter(torch.randn(num_freqs) * noise_std)
        self.noise_scale = nn.Parameter(torch.ones(num_freqs))
        self.dispersion_scale = nn.Parameter(torch.zeros(num_freqs))
        self.clean_weight = nn.Parameter(torch.tensor(float(mix_init[0])))
        self.perturbed_weight = nn.Parameter(torch.tensor(float(mix_init[1])))
        self.dyt_alpha = nn.Parameter(torch.tensor(float(dyt_alpha)))
        self.dyt_gamma = nn.Parameter(torch.ones(num_freqs))
        self.dyt_beta = nn.Parameter(torch.zeros(num_freqs))
        self.attn_conv = nn.Conv2d(
            num_freqs,
            1,
            attn_kernel_size,
            padding=attn_kernel_size // 2,
            bias=False)

    def dct(self, x: torch.Tensor) -> torch.Tensor:
        """DCT responses of the time-mean feature, summed over channels.

        Args:
            x (torch.Tensor): ``[N, C, T, H, W]``.

        Returns:
            torch.Tensor: ``Y``, ``[N, F, H, W]``.
        """
        summed = x.sum(dim=(1, 2)).unsqueeze(1) / x.size(2)  # [N, 1, H, W]
        return conv2d_one_to_many(summed, self.dct_bank, self.conv_impl)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Compute the spatial attention logits.

        Args:
            x (torch.Tensor): ``[N, C, T, H, W]``.

        Returns:
            torch.Tensor: Logits ``m``, ``[N, 1, H, W]``.
        """
        y = self.dct(x)
        # R_k = ||Y_k - mean_hw Y_k||_2; norm() has a zero (not NaN)
        # gradient for a constant map, and is ~3x faster than torch.std
        spread = (y - y.mean(dim=(2, 3), keepdim=True)).flatten(2).norm(
            dim=-1)[..., None, None]  # [N, F, 1, 1]
        shift = (self.noise * self.noise_scale)[:, None, None] + \
            self.perturb_coef * self.dispersion_scale[:, None, None] * spread
        # (c1 Y + c2 (Y + P)) / 2 with P = shift * sign(Y), in one pass:
        # Y (c1 + c2) / 2 + (c2 / 2) shift sign(Y)
        clean_scale = (self.clean_weight + self.perturbed_weight) / 2
        mixed = torch.addcmul(y * clean_scale,
                              shift * (self.perturbed_weight / 2),
                              torch.sign(y))
        centred = mixed - mixed.mean(dim=1, keepdim=True)
        # unbiased variance over the F channels (= torch.var, ~3x faster
        # forward+backward on CPU than var() over a non-inner dim)
        var = (centred * centred).sum(dim=1, keepdim=True) / (
            self.num_freqs - 1)
        scale = self.dyt_alpha / (torch.sqrt(var + self.eps) + self.eps)
        z = torch.addcmul(self.dyt_beta[:, None, None],
                          self.dyt_gamma[:, None, None],
                          torch.tanh(scale * mixed))  # [N, F, H, W]
        return conv2d_many_to_one(z, self.attn_conv.weight, self.conv_impl)

    def extra_repr(self) -> str:
        return f'num_freqs={self.num_freqs}, filter_size={self.filter_size}'
