# Copyright (c) mmhdf contributors. All rights reserved.
"""Global gradient norm of an optimizer's parameters, and a wrapper that
records it before every step (the ``g`` of HDF's DSM scaling)."""
from typing import List, Optional

import torch
from torch import Tensor
from torch.optim import Optimizer

from mmengine.optim import OptimWrapper
from mmaction.registry import OPTIM_WRAPPERS


def params_with_grad(optimizer: Optimizer) -> List[Tensor]:
    """Parameters of all param groups that currently hold a gradient.

    Args:
        optimizer (Optimizer): A torch optimizer.

    Returns:
        list[Tensor]: Parameters with ``p.grad is not None``, each once.
    """
    seen, params = set(), []
    for group in optimizer.param_groups:
        for p in group['params']:
            if p.grad is not None and id(p) not in seen:
                seen.add(id(p))
                params.append(p)
    return params


def global_grad_norm(optimizer: Optimizer) -> Optional[Tensor]:
    """Global L2 norm of all gradients held by ``optimizer``'s parameters.

    Args:
        optimizer (Optimizer): A torch optimizer.

    Returns:
        Tensor | None: A detached scalar ``sqrt(Σ_p ||∇p||²)``, or None if
        no parameter has a gradient.
    """
    grads = [p.grad.detach() for p in params_with_grad(optimizer)]
    if not grads:
        return None
    return torch.nn.utils.get_total_norm(grads, norm_type=2.0).detach()


@OPTIM_WRAPPERS.register_module()
class GradNormOptimWrapper(OptimWrapper):
    """:class:`OptimWrapper` that records the global gradient norm.

    Before each parameter update (and before any ``clip_grad``), the global
    L2 norm of the accumulated gradients is stored in :attr:`last_grad_norm`
    (a detached scalar tensor). :class:`DSMScalingHook` reads it. Everything
    else is :class:`OptimWrapper`'s behaviour.

    Args:
        optimizer (Optimizer): The wrapped optimizer.
        **kwargs: ``accumulative_counts``, ``clip_grad`` as in
            :class:`OptimWrapper`.
    """

    def __init__(self, optimizer: Optimizer, **kwargs) -> None:
        super().__init__(optimizer, **kwargs)
        #: Pre-clip global grad norm of the latest update, or None.
        self.last_grad_norm: Optional[Tensor] = None

    def step(self, **kwargs) -> None:
        """Record the pre-clip gradient norm, then clip (if configured) and
        step."""
        self.last_grad_norm = global_grad_norm(self.optimizer)
        super().step(**kwargs)
