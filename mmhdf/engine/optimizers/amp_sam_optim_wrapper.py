# Copyright (c) mmhdf contributors. All rights reserved.
"""SAM with automatic mixed precision (autocast + a loss scaler over both
SAM passes), with mmengine ``AmpOptimWrapper``'s arguments."""
from contextlib import contextmanager, nullcontext
from typing import ContextManager, Iterator, List, Optional, Tuple, Union

import torch
import torch.nn as nn
from torch import Tensor
from torch.optim import Optimizer

from mmaction.registry import OPTIM_WRAPPERS

from .grad_norm import params_with_grad
from .sam_optim_wrapper import SAMOptimWrapper

VALID_DTYPES = ('float16', 'bfloat16', 'float32', 'float64')


def _optimizer_device_type(optimizer: Optimizer) -> str:
    """Device type (``'cuda'``, ``'cpu'`` ...) of the first parameter."""
    for group in optimizer.param_groups:
        for p in group['params']:
            return p.device.type
    return 'cpu'


def _all_finite(tensors: List[Tensor]) -> bool:
    """Whether every element of every tensor is finite (one host sync)."""
    if not tensors:
        return True
    return bool(torch.stack([torch.isfinite(t).all() for t in tensors]).all())


@OPTIM_WRAPPERS.register_module()
class AmpSAMOptimWrapper(SAMOptimWrapper):
    """:class:`SAMOptimWrapper` with automatic mixed precision.

    What ``tools/train.py --amp`` selects for a ``SAMOptimWrapper`` config
    (every HDF recipe). The arguments and the checkpoint state are those of
    mmengine's ``AmpOptimWrapper`` (``loss_scale``, ``dtype``; the scaler's
    state under ``'loss_scaler'``), the update is SAM's:

    * **autocast** around both forwards: the first one through
      :meth:`optim_context` (mmengine's ``train_step``), the second one
      (the captured forward, or ``closure``) by :meth:`second_pass_context`.
      The device type is that of the optimizer's parameters, so bf16 works
      on CPU. ``dtype=None`` is the device's default autocast type
      (float16 on CUDA, bfloat16 on CPU); float32 / float64 disable
      autocast (the loss scaler still runs: a test mode of the scaler).
    * **one loss scaler** (``torch.amp.GradScaler``) for both passes, with
      one update per step:

      1. the first-pass loss is scaled and back-propagated; the gradients
         are unscaled in place and ``g`` is their global norm. If ``g`` is
         not finite (an fp16 overflow), the step is **skipped**: no
         perturbation, no second pass, parameters and optimizer state
         unchanged, the scale backed off, :attr:`last_grad_norm` = None
         (so :class:`DSMScalingHook` keeps its previous ``g``);
      2. otherwise the weights move to ``w + ρ ∇/g`` (unscaled gradients),
         the second-pass loss is scaled and back-propagated, the weights
         are restored, and the scaler unscales the second-pass gradients,
         clips them (``clip_grad``), steps the optimizer unless one of them
         is not finite (overflow in the second pass: step skipped,
         parameters unchanged, scale backed off) and updates the scale.
         ``g`` (finite, of the unperturbed weights, which did not move) is
         kept for :class:`DSMScalingHook` either way.

      :attr:`last_step_skipped` says whether the latest step was skipped
      (``1`` / ``2``: overflow in the first / second pass, ``0``: stepped).
      The current scale is logged as ``train/loss_scale``.

    Args:
        optimizer (Optimizer): The base optimizer (AdamW in HDF's recipe).
        rho (float): SAM's ρ. Defaults to 0.05.
        freeze_bn_second_pass (bool): As in :class:`SAMOptimWrapper`.
        loss_scale (str | float | dict): ``'dynamic'`` (default; the
            ``GradScaler`` defaults: initial scale 2**16, ×2 after 2000
            steps without overflow, ×0.5 on an overflow), a float (static
            scale; steps with an overflow are still skipped) or a dict of
            ``GradScaler`` arguments (``init_scale``, ``growth_factor``,
            ``backoff_factor``, ``growth_interval``, ``enabled``).
        dtype (str | torch.dtype, optional): Autocast type, one of
            ``'float16'``, ``'bfloat16'``, ``'float32'``, ``'float64'``.
            Defaults to None (the device's default).
        **kwargs: ``clip_grad`` as in :class:`OptimWrapper`.
    """

    def __init__(self,
                 optimizer: Optimizer,
                 rho: float = 0.05,
                 freeze_bn_second_pass: bool = True,
                 loss_scale: Union[str, float, dict] = 'dynamic',
                 dtype: Union[str, torch.dtype, None] = None,
                 **kwargs) -> None:
        super().__init__(optimizer, rho=rho,
                         freeze_bn_second_pass=freeze_bn_second_pass,
                         **kwargs)
        self.device_type = _optimizer_device_type(optimizer)
        self._scale_update_param: Optional[float] = None
        if loss_scale == 'dynamic':
            scaler_kwargs = {}
        elif isinstance(loss_scale, (int, float)) and not isinstance(
                loss_scale, bool):
            self._scale_update_param = float(loss_scale)
            scaler_kwargs = dict(init_scale=float(loss_scale))
        elif isinstance(loss_scale, dict):
            scaler_kwargs = dict(loss_scale)
        else:
            raise TypeError('AmpSAMOptimWrapper: loss_scale must be "dynamic"'
                            f', a float or a dict, got {loss_scale!r}')
        self.loss_scaler = torch.amp.GradScaler(self.device_type,
                                                **scaler_kwargs)
        if isinstance(dtype, str):
            if dtype not in VALID_DTYPES:
                raise ValueError(f'AmpSAMOptimWrapper: dtype must be one of '
                                 f'{VALID_DTYPES}, got {dtype!r}')
            dtype = getattr(torch, dtype)
        if dtype is not None and not isinstance(dtype, torch.dtype):
            raise TypeError('AmpSAMOptimWrapper: dtype must be None, a str '
                            f'or a torch.dtype, got {dtype!r}')
        self.cast_dtype: Optional[torch.dtype] = dtype
        #: 0 if the latest update stepped, 1 / 2 if an overflow in the
        #: first / second pass skipped it, None before the first update.
        self.last_step_skipped: Optional[int] = None

    # ------------------------------------------------------------------
    def autocast(self) -> ContextManager:
        """The autocast context of both forwards (on the parameters'
        device type, in :attr:`cast_dtype`)."""
        dtype = self.cast_dtype
        if dtype in (torch.float32, torch.float64):
            return nullcontext()  # full precision: nothing to cast
        if dtype is None:
            dtype = torch.get_autocast_dtype(self.device_type)
        return torch.autocast(device_type=self.device_type, dtype=dtype)

    @contextmanager
    def optim_context(self, model: nn.Module) -> Iterator[None]:
        """SAM's forward capture plus autocast (the first forward).

        Args:
            model (nn.Module): The training model (or its DDP wrapper).
        """
        with super().optim_context(model), self.autocast():
            yield

    def second_pass_context(self) -> ContextManager:
        """Autocast for the second forward."""
        return self.autocast()

    def backward(self, loss: Tensor, **kwargs) -> None:
        """Back-propagate the scaled first-pass loss.

        Args:
            loss (Tensor): The loss at ``w``.
            **kwargs: Passed to :meth:`Tensor.backward`.
        """
        self.loss_scaler.scale(loss).backward(**kwargs)
        self._inner_count += 1

    def second_backward(self, loss: Tensor) -> None:
        """Back-propagate the scaled second-pass loss (same scale).

        Args:
            loss (Tensor): The loss at ``w + e``.
        """
        self.loss_scaler.scale(loss).backward()

    # ------------------------------------------------------------------
    @torch.no_grad()
    def first_step(self) -> Optional[List[Tuple[Tensor, Tensor]]]:
        """Unscale the first-pass gradients, record ``g`` and perturb.

        Returns:
            list[tuple[Tensor, Tensor]] | None: As in
            :meth:`SAMOptimWrapper.first_step`; None if ``g`` is not finite
            (the update is then skipped).
        """
        params = params_with_grad(self.optimizer)
        if not params:
            self.last_grad_norm = None
            return []
        grads = [p.grad for p in params]
        if self.loss_scaler.is_enabled():
            torch._foreach_mul_(grads, 1.0 / self.loss_scaler.get_scale())
        grad_norm = torch.nn.utils.get_total_norm(grads, norm_type=2.0)
        if not bool(torch.isfinite(grad_norm)):
            self.last_grad_norm = None
            self.last_step_skipped = 1
            return None
        self.last_grad_norm = grad_norm.detach()
        return self.perturb(params, grad_norm)

    def skip_update(self) -> None:
        """First-pass overflow: no step; the scaler backs off.

        The scaler's own inf check must see the overflow (also when only
        the norm overflowed): one gradient is set to NaN (the gradients are
        discarded anyway), so
        ``GradScaler.step`` skips ``optimizer.step`` and ``update`` lowers
        the scale and resets its growth count, exactly as for an overflow
        in the second pass.
        """
        scaler = self.loss_scaler
        if not scaler.is_enabled():
            return
        params = params_with_grad(self.optimizer)
        if params:
            params[0].grad.fill_(float('nan'))
        scaler.unscale_(self.optimizer)
        scaler.step(self.optimizer)
        scaler.update(self._scale_update_param)
        self._log_scale()

    def step(self, **kwargs) -> None:
        """Unscale the second-pass gradients, clip, step unless one is not
        finite, and update the scale.

        Args:
            **kwargs: Passed to :meth:`torch.optim.Optimizer.step`.
        """
        scaler = self.loss_scaler
        scaler.unscale_(self.optimizer)
        finite = _all_finite(
            [p.grad for p in params_with_grad(self.optimizer)])
        self.last_step_skipped = 0 if finite else 2
        if self.clip_grad_kwargs:
            self._clip_grad()
        if scaler.is_enabled():
            scaler.step(self.optimizer, **kwargs)
            scaler.update(self._scale_update_param)
            self._log_scale()
        elif finite:
            self.optimizer.step(**kwargs)

    def _log_scale(self) -> None:
        self.message_hub.update_scalar('train/loss_scale',
                                       self.loss_scaler.get_scale())

    # ------------------------------------------------------------------
    def state_dict(self) -> dict:
        """The optimizer's state plus the scaler's under ``'loss_scaler'``
        (the layout of mmengine's ``AmpOptimWrapper``).

        Returns:
            dict: The state dict.
        """
        state = super().state_dict()
        state['loss_scaler'] = self.loss_scaler.state_dict()
        return state

    def load_state_dict(self, state_dict: dict) -> None:
        """Load the optimizer's state and, if present, the scaler's (a
        checkpoint of a run without AMP has none: the scaler starts fresh).

        Args:
            state_dict (dict): As returned by :meth:`state_dict`.
        """
        state_dict = dict(state_dict)
        scaler_state = state_dict.pop('loss_scaler', None)
        if scaler_state is not None:
            self.loss_scaler.load_state_dict(scaler_state)
        super().load_state_dict(state_dict)
