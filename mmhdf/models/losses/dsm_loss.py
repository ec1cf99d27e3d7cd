# Copyright (c) mmhdf contributors. All rights reserved.
"""DSM: distributionally-robust supervised contrastive loss + IB term.

HDF (ACM MM 2025) regularises the pooled pre-fc embedding with

    L_IB-D-SC = L_DSC + c_IB * L_IB

where, for the L2-normalised features ẑ of a batch of N samples,

* ``L_DSC`` is a supervised contrastive loss whose denominator is reweighted
  by a Gaussian "DRO" bump ``w_ij = exp(-(cos_ij - η)² / (2η²))`` centred on
  the similarity ``η``:

      L_DSC(i) = -1/|P(i)| Σ_{p∈P(i)} log[ exp(s_ip) / Σ_{a≠i} w_ia exp(s_ia) ]

  with ``s_ij = cos_ij / τ`` and ``P(i) = {p ≠ i : y_p = y_i}``;
* ``L_IB = tr Cov(ẑ)`` (1/N normalisation) is the information-bottleneck
  "feature compression by covariance minimisation" term.

The gradient-driven weight ``λ_SC`` is *not* applied here; the head
multiplies the returned ``loss_dsm`` by it (see :class:`HDFHead` and
:class:`DSMScalingHook`).
"""
from typing import Dict

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from mmaction.registry import MODELS

_VARIANTS = ('paper', 'released')


@MODELS.register_module()
class DSMLoss(nn.Module):
    """Distributionally-robust supervised contrastive loss with an IB term.

    ``variant='paper'`` (default) is the formulation of the HDF figure with
    the choices described in ``docs/method.md`` §3.3:

    * ẑ = L2-normalised features; ``s_ij = cos_ij / temperature``;
    * ``w_ij = exp(-(cos_ij - eta)² / (2 eta²))`` on the **raw cosine**,
      **detached** (it reweights, it is not optimised), multiplying every
      ``a ≠ i`` term of the denominator;
    * positives: same label, ``p ≠ i``. Anchors without a positive contribute
      nothing; the contrastive term is the mean over anchors that have at
      least one positive, and ``0`` (finite, still attached to the graph) if
      there is none (batch size 1, all labels distinct);
    * ``+ ib_weight * tr Cov(ẑ)`` with 1/N normalisation (minimised, i.e.
      compression). For unit vectors ``tr Cov(ẑ) = 1 - ||mean(ẑ)||² ∈ [0, 1]``.

    ``variant='released'`` reproduces ``models/DSM.py`` of the official code
    (``QIcita/HDF_DFER``) for ablation:

    * ``l_ij = ẑ_i·ẑ_j / τ`` minus the detached row max (so ``l_ii = 0``);
    * ``ω_ij = exp(-½((l_ij - η)/η)²)`` normalised per row (over all ``j``,
      diagonal included), not detached;
    * ``log_prob_ij = l_ij - log Σ_a exp(l_ia)`` (unweighted, ``a = i``
      included);
    * ``L_con = mean_i[-Σ_j M_ij ω_ij log_prob_ij / Σ_j M_ij]`` with the
      SupCon mask ``M`` (same label minus diagonal; the released code leaves
      it undefined). Anchors without a positive are skipped here too (the
      code would divide by zero);
    * returns ``L_con - ib_weight * tr(torch.cov(ẑᵀ) + 1e-6·I)`` (1/(N-1)
      normalisation, **maximises** spread).

    Its documented behaviour: the row-normalised ω puts ~all its mass on the
    self pair, so ``L_con`` is exactly 0 unless positives are nearly
    collinear (cos ≳ 0.8 in float32) and the loss reduces to
    ``-ib_weight * tr Cov``.

    Args:
        temperature (float): τ in ``s_ij = cos_ij / τ``. Defaults to 0.07
            (released code; paper value not published).
        eta (float): Centre and width η of the DRO Gaussian. Defaults to 0.2
            (released code).
        ib_weight (float): Coefficient of the IB term. Defaults to 0.1. The
            paper's value is not published; 0.1 is the magnitude of the
            released ``DSM()`` default β (its training script passes 0.5,
            with a minus sign).
        variant (str): ``'paper'`` or ``'released'``. Defaults to
            ``'paper'``.
        eps (float): Lower clamp of the feature norm in the L2
            normalisation. Defaults to 1e-12.
    """

    def __init__(self,
                 temperature: float = 0.07,
                 eta: float = 0.2,
                 ib_weight: float = 0.1,
                 variant: str = 'paper',
                 eps: float = 1e-12) -> None:
        super().__init__()
        if variant not in _VARIANTS:
            raise ValueError(f'variant must be one of {_VARIANTS}, '
                             f'got {variant!r}')
        if temperature <= 0:
            raise ValueError(f'temperature must be > 0, got {temperature}')
        if eta <= 0:
            raise ValueError(f'eta must be > 0, got {eta}')
        self.temperature = float(temperature)
        self.eta = float(eta)
        self.ib_weight = float(ib_weight)
        self.variant = variant
        self.eps = float(eps)

    def extra_repr(self) -> str:
        return (f'variant={self.variant!r}, temperature={self.temperature}, '
                f'eta={self.eta}, ib_weight={self.ib_weight}')

    def forward(self, features: Tensor, labels: Tensor) -> Dict[str, Tensor]:
        """Compute the DSM loss.

        Args:
            features (Tensor): Embeddings of shape ``(N, D)`` (not yet
                normalised).
            labels (Tensor): Hard labels of shape ``(N,)`` (int). Soft or
                one-hot labels of shape ``(N, C)`` are reduced by argmax.

        Returns:
            dict[str, Tensor]: ``loss_dsm`` (scalar, the unweighted total
            ``dsm_con ± ib_weight * dsm_ib``, differentiable), ``dsm_con``
            (the contrastive part) and ``dsm_ib`` (the trace of the
            covariance), the last two detached for logging.
        """
        if features.dim() != 2:
            features = features.flatten(1)
        if labels.dim() > 1:
            labels = labels.argmax(dim=-1) if labels.size(-1) > 1 \
                else labels.flatten()
        labels = labels.to(features.device).view(-1)
        if labels.numel() != features.size(0):
            raise ValueError(f'{features.size(0)} features but '
                             f'{labels.numel()} labels')
        z = F.normalize(features, p=2, dim=1, eps=self.eps)
        if self.variant == 'paper':
            con = self._paper_contrastive(z, labels)
            ib = self._trace_cov(z, unbiased=False)
            total = con + self.ib_weight * ib
        else:
            con = self._released_contrastive(z, labels)
            ib = self._trace_cov(z, unbiased=True) + 1e-6 * z.size(1)
            total = con - self.ib_weight * ib
        return dict(
            loss_dsm=total, dsm_con=con.detach(), dsm_ib=ib.detach())

    # ------------------------------------------------------------------
    @staticmethod
    def _positive_mask(labels: Tensor) -> Tensor:
        """``M_ij = 1[y_i = y_j, i ≠ j]`` as a bool ``(N, N)`` tensor."""
        same = labels[:, None] == labels[None, :]
        eye = torch.eye(labels.numel(), dtype=torch.bool,
                        device=labels.device)
        return same & ~eye

    def _paper_contrastive(self, z: Tensor, labels: Tensor) -> Tensor:
        """Figure form, anchors restricted to those with a positive.

        Args:
            z (Tensor): Unit-norm features ``(N, D)``.
            labels (Tensor): ``(N,)``.

        Returns:
            Tensor: Scalar contrastive loss.
        """
        pos = self._positive_mask(labels)  # (N, N)
        has_pos = pos.any(dim=1)  # (N,)
        if not bool(has_pos.any()):
            # No anchor has a positive: contribute 0 but stay in the graph.
            return z.sum() * 0.0
        anchors = has_pos.nonzero(as_tuple=True)[0]  # (K,)
        cos = z[anchors] @ z.t()  # (K, N)
        logits = cos / self.temperature
        # log w_ia, detached: w on the raw cosine.
        log_w = -((cos.detach() - self.eta)**2) / (2.0 * self.eta**2)
        self_mask = torch.zeros_like(pos[anchors])
        self_mask[torch.arange(anchors.numel(), device=z.device),
                  anchors] = True
        # log Σ_{a≠i} w_ia exp(s_ia); every kept row has ≥ 1 finite term.
        log_den = torch.logsumexp(
            (logits + log_w).masked_fill(self_mask, float('-inf')), dim=1)
        pos_a = pos[anchors].to(z.dtype)  # (K, N)
        log_prob = logits - log_den[:, None]
        per_anchor = -(pos_a * log_prob).sum(1) / pos_a.sum(1)
        return per_anchor.mean()

    def _released_contrastive(self, z: Tensor, labels: Tensor) -> Tensor:
        """Released-code form (numerator-side, row-normalised weights).

        Args:
            z (Tensor): Unit-norm features ``(N, D)``.
            labels (Tensor): ``(N,)``.

        Returns:
            Tensor: Scalar contrastive loss.
        """
        pos = self._positive_mask(labels)
        has_pos = pos.any(dim=1)
        if not bool(has_pos.any()):
            return z.sum() * 0.0
        logits = z @ z.t() / self.temperature  # (N, N)
        logits = logits - logits.max(dim=1, keepdim=True)[0].detach()
        omega = torch.exp(-0.5 * ((logits - self.eta) / self.eta)**2)
        omega = omega / omega.sum(dim=1, keepdim=True)
        log_prob = logits - torch.logsumexp(logits, dim=1, keepdim=True)
        pos_f = pos.to(z.dtype)
        num = (pos_f * omega * log_prob).sum(1)[has_pos]
        per_anchor = -num / pos_f.sum(1)[has_pos]
        return per_anchor.mean()

    @staticmethod
    def _trace_cov(z: Tensor, unbiased: bool) -> Tensor:
        """Trace of the feature covariance.

        Args:
            z (Tensor): ``(N, D)``.
            unbiased (bool): 1/(N-1) normalisation (as ``torch.cov``) when
                True, else 1/N. With N = 1 both give 0.

        Returns:
            Tensor: Scalar ``tr Cov(z)``.
        """
        n = z.size(0)
        centred = z - z.mean(dim=0, keepdim=True)
        denom = max(n - 1, 1) if unbiased else n
        return centred.pow(2).sum() / denom
