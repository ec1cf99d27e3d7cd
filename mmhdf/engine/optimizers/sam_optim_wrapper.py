# Copyright (c) mmhdf contributors. All rights reserved.
"""Sharpness-Aware Minimisation as an mmengine optimizer wrapper."""
from contextlib import contextmanager, nullcontext
from typing import (Any, Callable, ContextManager, Dict, Iterator, List,
                    Optional, Tuple)

import torch
import torch.nn as nn
from torch import Tensor
from torch.optim import Optimizer

from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapper
from mmengine.utils.dl_utils.parrots_wrapper import _BatchNorm
from mmaction.registry import OPTIM_WRAPPERS

from .grad_norm import params_with_grad

LossClosure = Callable[[], Tensor]


@OPTIM_WRAPPERS.register_module()
class SAMOptimWrapper(OptimWrapper):
    """SAM (Foret et al., ICLR 2021) around any optimizer, e.g. AdamW.

    One :meth:`update_params` call performs the full SAM update:

    1. back-propagate the given loss ``L(w)``; record the global L2 norm
       ``g = ||∇L(w)||`` (over all parameters with a gradient) in
       :attr:`last_grad_norm` (detached; HDF's DSM scaling reads it);
    2. move to ``w + e`` with ``e = rho · ∇L(w) / (g + 1e-12)``;
    3. zero the gradients, recompute the loss at ``w + e`` and
       back-propagate it;
    4. restore ``w`` exactly (from a copy) and let the wrapped optimizer step
       with ``∇L(w + e)``; ``clip_grad`` (if configured) clips these
       second-pass gradients, as in the released HDF code.

    **The second pass inside the standard train loop.** mmengine's
    ``BaseModel.train_step`` (and ``MMDistributedDataParallel.train_step``)
    run the forward inside ``optim_wrapper.optim_context(model)``. This
    wrapper's context registers a forward pre-hook on ``model`` that captures
    the (already pre-processed) arguments of the ``model(..., mode='loss')``
    call; step 3 calls ``model`` again with them and reduces the returned
    loss dict with ``parse_losses``. So SAM works with mmaction2's stock
    ``tools/train.py`` and any recognizer, with no ``train_step`` patch. A
    custom loop may instead pass ``closure`` (a callable returning the loss
    at the current weights) to :meth:`update_params`.

    **Batch norm.** In the captured path the running statistics of every
    ``_BatchNorm`` module are saved before the second forward and restored
    after it (``freeze_bn_second_pass=True``), so they are updated once per
    step, by the first (unperturbed) pass. Dropout draws a fresh mask in the
    second pass. With an explicit ``closure`` the caller owns this.

    Args:
        optimizer (Optimizer): The base optimizer (AdamW in HDF's recipe).
        rho (float): Neighbourhood radius ρ. Defaults to 0.05.
        freeze_bn_second_pass (bool): Restore BN running stats after the
            second forward. Defaults to True.
        **kwargs: ``clip_grad`` as in :class:`OptimWrapper`.
            ``accumulative_counts`` must be 1 (SAM needs the full gradient
            before perturbing).
    """

    def __init__(self,
                 optimizer: Optimizer,
                 rho: float = 0.05,
                 freeze_bn_second_pass: bool = True,
                 **kwargs) -> None:
        if kwargs.get('accumulative_counts', 1) != 1:
            raise ValueError('SAMOptimWrapper does not support gradient '
                             'accumulation (accumulative_counts must be 1)')
        if rho < 0:
            raise ValueError(f'rho must be >= 0, got {rho}')
        super().__init__(optimizer, **kwargs)
        self.rho = float(rho)
        self.freeze_bn_second_pass = freeze_bn_second_pass
        #: First-pass (unperturbed) global grad norm of the latest update.
        self.last_grad_norm: Optional[Tensor] = None
        self._captured: Optional[Tuple[nn.Module, tuple, dict]] = None

    # ------------------------------------------------------------------
    # capture of the forward call inside the standard train_step
    @contextmanager
    def optim_context(self, model: nn.Module) -> Iterator[None]:
        """Capture ``model``'s forward arguments for the second pass.

        Args:
            model (nn.Module): The training model (or its DDP wrapper).
        """
        self._captured = None

        def capture(module: nn.Module, args: tuple, kwargs: dict) -> None:
            if self._captured is None:
                self._captured = (module, args, kwargs)

        handle = model.register_forward_pre_hook(capture, with_kwargs=True)
        try:
            with super().optim_context(model):
                yield
        finally:
            handle.remove()

    def _captured_closure(
            self) -> Tuple[Optional[LossClosure], Optional[nn.Module]]:
        """A closure re-running the captured forward and the model whose
        BN statistics it touches, or ``(None, None)``."""
        if self._captured is None:
            return None, None
        model, args, kwargs = self._captured
        base = model.module if is_model_wrapper(model) else model

        def closure() -> Tensor:
            losses = model(*args, **kwargs)
            loss, _ = base.parse_losses(losses)
            return loss

        return closure, base

    @contextmanager
    def _bn_frozen(self, model: Optional[nn.Module]) -> Iterator[None]:
        """Restore BN running statistics on exit (if enabled). Must enclose
        the backward too: autograd checks the version of the buffers."""
        saved: List[Tuple[Tensor, Tensor]] = []
        if self.freeze_bn_second_pass and model is not None:
            for m in model.modules():
                if isinstance(m, _BatchNorm) and m.training:
                    for buf in (m.running_mean, m.running_var,
                                m.num_batches_tracked):
                        if buf is not None:
                            saved.append((buf, buf.clone()))
        try:
            yield
        finally:
            with torch.no_grad():
                for buf, value in saved:
                    buf.copy_(value)

    # ------------------------------------------------------------------
    def update_params(  # type: ignore[override]
            self,
            loss: Tensor,
            step_kwargs: Optional[Dict] = None,
            zero_kwargs: Optional[Dict] = None,
            closure: Optional[LossClosure] = None) -> None:
        """One SAM update.

        Args:
            loss (Tensor): Loss at the current weights (graph attached).
            step_kwargs (dict, optional): Passed to ``optimizer.step``.
            zero_kwargs (dict, optional): Passed to ``optimizer.zero_grad``.
            closure (callable, optional): Returns the loss recomputed at the
                current (perturbed) weights. Defaults to the forward captured
                by :meth:`optim_context`.
        """
        step_kwargs = step_kwargs or {}
        zero_kwargs = zero_kwargs or {}
        bn_model = None
        if closure is None:
            closure, bn_model = self._captured_closure()
        self._captured = None
        if closure is None:
            raise RuntimeError(
                'SAMOptimWrapper needs a second forward pass: call '
                'update_params inside optim_wrapper.optim_context(model) '
                "around the model's forward (as mmengine's train_step does), "
                'or pass closure=')
        self.backward(self.scale_loss(loss))
        old = self.first_step()
        if old is None:  # non-finite first pass (AmpSAMOptimWrapper only)
            self.skip_update()
            self.zero_grad(**zero_kwargs)
            return
        self.zero_grad()
        with self._bn_frozen(bn_model):
            with self.second_pass_context():
                second_loss = closure()
            self.second_backward(second_loss)
        self.second_step(old, **step_kwargs)
        self.zero_grad(**zero_kwargs)

    # ------------------------------------------------------------------
    # extension points (AmpSAMOptimWrapper overrides them)
    def second_pass_context(self) -> ContextManager:
        """Context of the second forward (none here; autocast with AMP)."""
        return nullcontext()

    def second_backward(self, loss: Tensor) -> None:
        """Back-propagate the loss at ``w + e``.

        Args:
            loss (Tensor): The second-pass loss (graph attached).
        """
        loss.backward()

    def skip_update(self) -> None:
        """Called instead of the second pass and the step when
        :meth:`first_step` returns None (never here)."""

    @torch.no_grad()
    def first_step(self) -> Optional[List[Tuple[Tensor, Tensor]]]:
        """Record ``g`` and move the weights to ``w + ρ ∇/(g + 1e-12)``.

        Returns:
            list[tuple[Tensor, Tensor]] | None: ``(param, original value)``
            pairs for :meth:`second_step`; None (only in
            :class:`AmpSAMOptimWrapper`, on an overflow) skips the update.
        """
        params = params_with_grad(self.optimizer)
        if not params:
            self.last_grad_norm = None
            return []
        grad_norm = torch.nn.utils.get_total_norm(
            [p.grad for p in params], norm_type=2.0).detach()
        self.last_grad_norm = grad_norm
        return self.perturb(params, grad_norm)

    @torch.no_grad()
    def perturb(self, params: List[Tensor],
                grad_norm: Tensor) -> List[Tuple[Tensor, Tensor]]:
        """Move ``params`` to ``w + ρ ∇/(g + 1e-12)``.

        Args:
            params (list[Tensor]): Parameters holding a gradient.
            grad_norm (Tensor): ``g``, the global norm of their gradients.

        Returns:
            list[tuple[Tensor, Tensor]]: ``(param, original value)`` pairs.
        """
        scale = self.rho / (grad_norm + 1e-12)
        old = []
        for p in params:
            old.append((p, p.detach().clone()))
            p.add_(p.grad * scale.to(p.grad.dtype))
        return old

    def second_step(self, old: List[Tuple[Tensor, Tensor]],
                    **step_kwargs: Any) -> None:
        """Restore the original weights and step with the current grads.

        Args:
            old (list): The value returned by :meth:`first_step`.
            **step_kwargs: Passed to ``optimizer.step``.
        """
        with torch.no_grad():
            for p, value in old:
                p.copy_(value)
        self.step(**step_kwargs)
