# Copyright (c) mmhdf contributors. All rights reserved.
"""Gradient-driven CE/DSM loss weights (HDF's Distribution-aware Scaling)."""
import math
from typing import List, Optional, Sequence

import torch
from torch import Tensor
from torch.optim import Optimizer

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapper, OptimWrapperDict
from mmaction.registry import HOOKS

from mmhdf.engine.optimizers.grad_norm import global_grad_norm
from mmhdf.models.losses.dsm_scaling import grad_scaled_weights

_MODES = ('grad', 'fixed')


class _StepGradNormRecorder:
    """Records ``g`` for an optim wrapper that does not do it itself.

    Installed as a torch optimizer step pre-hook on the wrapper's optimizer,
    i.e. it runs after ``clip_grad``. If the wrapper clips by L2 norm, the
    pre-clip norm mmengine has just logged as ``train/grad_norm`` is used;
    otherwise the norm of the gradients reaching ``optimizer.step`` (which,
    with value clipping, are the clipped ones).
    """

    def __init__(self, optim_wrapper: OptimWrapper) -> None:
        self.optim_wrapper = optim_wrapper
        self.last_grad_norm: Optional[Tensor] = None
        self.handle = optim_wrapper.optimizer.register_step_pre_hook(
            self._record)

    def _record(self, optimizer: Optimizer, args, kwargs) -> None:
        wrapper = self.optim_wrapper
        clip = getattr(wrapper, 'clip_grad_kwargs', None)
        if (clip and getattr(wrapper, 'grad_name', None) == 'grad_norm'
                and float(clip.get('norm_type', 2.0)) == 2.0):
            buffer = wrapper.message_hub.log_scalars.get('train/grad_norm')
            if buffer is not None:
                self.last_grad_norm = torch.tensor(buffer.current())
                return
        self.last_grad_norm = global_grad_norm(optimizer)


@HOOKS.register_module()
class DSMScalingHook(Hook):
    """Sets HDF's loss weights ``λ_CE``, ``λ_SC`` before every iteration.

    ``mode='grad'`` (HDF): ``λ_CE = α·g/(g+1)``, ``λ_SC = β/(g+1)``, where
    ``g`` is the global L2 norm of the gradient of the total training loss
    ``λ_CE·L_CE + λ_SC·L_DSM`` (all parameters, before clipping) **computed
    in the previous iteration**, as a plain number (detached). With
    :class:`SAMOptimWrapper` it is SAM's first-pass norm, i.e. at the
    unperturbed weights. Before the first update ``g = init_grad_norm``
    (default 1.0, giving ``α/2`` and ``β/2``). A non-finite ``g`` (e.g. an
    AMP overflow) is ignored and the previous one kept; an iteration without
    an update (gradient accumulation) keeps ``g`` too.

    ``mode='fixed'`` (ablation; the released code): constant
    ``lambda_ce`` / ``lambda_sc``. ``g`` is still logged.

    Where ``g`` comes from: any optim wrapper with a ``last_grad_norm``
    attribute (:class:`SAMOptimWrapper`, :class:`GradNormOptimWrapper`).
    For other wrappers (e.g. mmengine's ``OptimWrapper``), the hook installs
    an optimizer step pre-hook that records it (see
    :class:`_StepGradNormRecorder`). With an :class:`OptimWrapperDict`, ``g``
    is the global norm over all of its wrappers.

    The weights go to every module of the model that has a
    ``set_loss_weights(lambda_ce, lambda_sc)`` method (:class:`HDFHead`,
    :class:`HDFX3DHead`). Logged through the message hub at each logging
    interval (text log and visualizer backends): ``lambda_ce`` and
    ``lambda_sc`` (the weights used in the iteration) and ``dsm_grad_norm``
    (the ``g`` measured in the iteration, averaged over the interval).

    Args:
        mode (str): ``'grad'`` or ``'fixed'``. Defaults to ``'grad'``.
        alpha (float): α, the maximum CE weight. Defaults to 10.0 (inferred
            from the released code's fixed 10; the paper gives no value).
        beta (float): β, the maximum DSM weight. Defaults to 0.1 (idem,
            from the fixed 0.1).
        init_grad_norm (float): ``g`` before the first update. Defaults to
            1.0.
        lambda_ce (float): CE weight in ``'fixed'`` mode. Defaults to 10.0.
        lambda_sc (float): DSM weight in ``'fixed'`` mode. Defaults to 0.1.
    """

    priority = 'NORMAL'

    def __init__(self,
                 mode: str = 'grad',
                 alpha: float = 10.0,
                 beta: float = 0.1,
                 init_grad_norm: float = 1.0,
                 lambda_ce: float = 10.0,
                 lambda_sc: float = 0.1) -> None:
        if mode not in _MODES:
            raise ValueError(f'mode must be one of {_MODES}, got {mode!r}')
        self.mode = mode
        self.alpha = float(alpha)
        self.beta = float(beta)
        self.init_grad_norm = float(init_grad_norm)
        self.fixed = (float(lambda_ce), float(lambda_sc))
        grad_scaled_weights(self.init_grad_norm)  # validates it
        self.grad_norm = self.init_grad_norm
        self._targets: List = []
        self._sources: List = []
        self._recorders: List[_StepGradNormRecorder] = []

    # ------------------------------------------------------------------
    def current_weights(self) -> tuple:
        """``(λ_CE, λ_SC)`` for the next iteration."""
        if self.mode == 'fixed':
            return self.fixed
        return grad_scaled_weights(self.grad_norm, self.alpha, self.beta)

    def before_train(self, runner) -> None:
        model = runner.model
        if is_model_wrapper(model):
            model = model.module
        self._targets = [
            m for m in model.modules()
            if callable(getattr(m, 'set_loss_weights', None))
        ]
        if not self._targets:
            raise RuntimeError(
                'DSMScalingHook found no module with set_loss_weights() in '
                'the model; use HDFHead / HDFX3DHead as cls_head')
        wrappers = runner.optim_wrapper
        if isinstance(wrappers, OptimWrapperDict):
            wrappers = list(wrappers.values())
        elif not isinstance(wrappers, Sequence):
            wrappers = [wrappers]
        self._sources = []
        for wrapper in wrappers:
            if hasattr(wrapper, 'last_grad_norm'):
                self._sources.append(wrapper)
            else:
                recorder = _StepGradNormRecorder(wrapper)
                self._recorders.append(recorder)
                self._sources.append(recorder)
        # resume: continue from the last logged g
        buffer = runner.message_hub.log_scalars.get('train/dsm_grad_norm')
        if buffer is not None and len(buffer.data[0]) > 0:
            self.grad_norm = float(buffer.current())

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        lambda_ce, lambda_sc = self.current_weights()
        for target in self._targets:
            target.set_loss_weights(lambda_ce, lambda_sc)
        runner.message_hub.update_scalar('train/lambda_ce', lambda_ce)
        runner.message_hub.update_scalar('train/lambda_sc', lambda_sc)

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs=None) -> None:
        squares, found = 0.0, False
        for source in self._sources:
            value = source.last_grad_norm
            if value is None:
                continue
            source.last_grad_norm = None  # consumed
            squares += float(value)**2
            found = True
        if not found:
            return
        g = math.sqrt(squares)
        if not math.isfinite(g):
            return
        self.grad_norm = g
        runner.message_hub.update_scalar('train/dsm_grad_norm', g)

    def after_train(self, runner) -> None:
        for recorder in self._recorders:
            recorder.handle.remove()
        self._recorders = []
