# Copyright (c) mmhdf contributors. All rights reserved.
"""DSM's share of the update: ``‖λ_SC·∇L_DSM‖ / ‖λ_CE·∇L_CE‖`` on a few
parameters, measured from the loss terms before the backward pass."""
from typing import Dict, List, Optional, Sequence

import torch
import torch.nn as nn
from torch import Tensor

SHARE_SCOPES = ('last_stage', 'all')


def _last_stage_prefixes(model: nn.Module) -> List[str]:
    """Qualified-name prefixes of the backbone's last stage (and the DAM
    that follows it, if any) and of the classification head."""
    prefixes = []
    backbone = getattr(model, 'backbone', None)
    if backbone is not None:
        stages = list(getattr(backbone, 'res_layers', []) or [])
        if stages:
            last = stages[-1]
            prefixes.append(f'backbone.{last}.')
            dams = getattr(backbone, 'dams', None)
            if dams is not None:
                index = last.replace('layer', '')
                if f'dam{index}' in dams:
                    prefixes.append(f'backbone.dams.dam{index}.')
        else:  # unknown backbone: its last child that has parameters
            children = [(n, m) for n, m in backbone.named_children()
                        if any(True for _ in m.parameters())]
            if children:
                prefixes.append(f'backbone.{children[-1][0]}.')
    if getattr(model, 'cls_head', None) is not None:
        prefixes.append('cls_head.')
    return prefixes


def share_params(model: nn.Module, scope: str = 'last_stage') -> List[Tensor]:
    """Parameters on which :class:`DSMShareProbe` measures the share.

    Args:
        model (nn.Module): The recognizer (unwrapped).
        scope (str): ``'last_stage'`` — the backbone's last stage (for
            mmaction2's ResNet3d / X3D: ``res_layers[-1]``, plus the DAM
            after it) and the head; the DSM feature is pooled from that
            stage, so it is where both gradients meet, and a backward
            through it is cheap. ``'all'`` — every trainable parameter (an
            extra full backward per term).

    Returns:
        list[Tensor]: Trainable parameters, in ``named_parameters`` order.
    """
    if scope not in SHARE_SCOPES:
        raise ValueError(f'scope must be one of {SHARE_SCOPES}, got {scope!r}')
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    if scope == 'all':
        return [p for _, p in named]
    prefixes = tuple(_last_stage_prefixes(model))
    chosen = [p for n, p in named if n.startswith(prefixes)]
    return chosen or [p for _, p in named]


def _norm(grads: Sequence[Optional[Tensor]]) -> float:
    present = [g.detach() for g in grads if g is not None]
    if not present:
        return 0.0
    return float(torch.nn.utils.get_total_norm(present, norm_type=2.0))


class DSMShareProbe:
    """One-shot measurement of the CE and DSM gradient norms.

    The head calls the probe with its (weighted) loss terms right after
    computing them, before mmengine's backward; the probe differentiates
    each term alone w.r.t. :attr:`params` with ``torch.autograd.grad``
    (``retain_graph=True``, so the training backward is unaffected and no
    ``.grad`` is touched) and disarms itself, so SAM's second pass is not
    measured.

    Args:
        params (Sequence[Tensor]): Parameters to measure on.
    """

    def __init__(self, params: Sequence[Tensor]) -> None:
        self.params = list(params)
        self.armed = False
        #: ``{'ce': ‖λ_CE ∇L_CE‖, 'dsm': ‖λ_SC ∇L_DSM‖, 'share': ratio}``
        self.result: Optional[Dict[str, float]] = None

    def arm(self) -> None:
        """Measure at the next call."""
        self.armed = True
        self.result = None

    def __call__(self, loss_ce: Tensor, loss_dsm: Tensor) -> None:
        """Measure if armed.

        Args:
            loss_ce (Tensor): ``λ_CE · L_CE`` (scalar, graph attached).
            loss_dsm (Tensor): ``λ_SC · L_DSM`` (scalar, graph attached).
        """
        if not self.armed or not torch.is_grad_enabled():
            return
        self.armed = False
        norms = {}
        for key, term in (('ce', loss_ce), ('dsm', loss_dsm)):
            if not term.requires_grad:
                norms[key] = 0.0
                continue
            grads = torch.autograd.grad(
                term, self.params, retain_graph=True, allow_unused=True)
            norms[key] = _norm(grads)
        share = norms['dsm'] / norms['ce'] if norms['ce'] > 0 else float(
            'inf')
        self.result = dict(norms, share=share)
