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

from .dsm_share import SHARE_SCOPES, DSMShareProbe, share_params

_MODES = ('grad', 'fixed')
GRAD_SOURCES = ('deweighted', 'weighted')


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

    ``mode='grad'`` (HDF): ``λ_CE = α·g/(g+1)``, ``λ_SC = β/(g+1)``, with
    ``g`` a global gradient norm **measured in the previous iteration** (a
    plain, detached number). Which norm is ``grad_source``:

    * ``'deweighted'`` (default): ``g = ‖∇(λ_CE·L_CE + λ_SC·L_DSM)‖ / λ_CE
      = ‖∇(L_CE + (λ_SC/λ_CE)·L_DSM)‖``, the gradient norm of the training
      objective rescaled to unit CE weight (the λ used in that iteration).
      ``λ_CE`` does not scale it, so no feedback loop can form; it costs
      nothing (the same measured norm, divided).
    * ``'weighted'`` (mmhdf ≤ 0.1 behaviour): ``g = ‖∇(λ_CE·L_CE +
      λ_SC·L_DSM)‖``. This feeds back: ``g ≈ λ_CE·‖∇L_CE‖`` settles near
      ``α·‖∇L_CE‖`` (20-45 on the CPU recipe with α = 10), so ``λ_SC ≈
      β/(α‖∇L_CE‖)`` and DSM is effectively off; if ``α‖∇L_CE‖ < 1``, ``g``
      and ``λ_CE`` collapse to 0. Kept only to reproduce old runs.

    Either way, the measured norm is over all parameters, before clipping;
    with :class:`SAMOptimWrapper` it is SAM's first-pass norm (unperturbed
    weights). Before the first update ``g = init_grad_norm`` (default 1.0,
    giving ``α/2`` and ``β/2``). A non-finite ``g`` (e.g. an AMP overflow)
    is ignored and the previous one kept; an iteration without an update
    (gradient accumulation) keeps ``g`` too.

    ``mode='fixed'`` (ablation; the released code): constant
    ``lambda_ce`` / ``lambda_sc``. ``g`` is still logged.

    **DSM's share of the update.** Every ``share_interval`` iterations the
    hook arms a :class:`DSMShareProbe` in the head: before the backward, it
    differentiates ``λ_CE·L_CE`` and ``λ_SC·L_DSM`` separately w.r.t. the
    parameters of ``share_scope`` (default: the backbone's last stage and
    the head) and logs ``dsm_share = ‖λ_SC·∇L_DSM‖ / ‖λ_CE·∇L_CE‖`` with
    ``dsm_ce_grad`` and ``dsm_dsm_grad``. ``share_interval=0`` disables it.

    Where the measured norm comes from: any optim wrapper with a
    ``last_grad_norm`` attribute (:class:`SAMOptimWrapper`,
    :class:`GradNormOptimWrapper`). For other wrappers (e.g. mmengine's
    ``OptimWrapper``), the hook installs an optimizer step pre-hook that
    records it (see :class:`_StepGradNormRecorder`). With an
    :class:`OptimWrapperDict`, it is the global norm over all wrappers.

    The weights go to every module of the model that has a
    ``set_loss_weights(lambda_ce, lambda_sc)`` method (:class:`HDFHead`,
    :class:`HDFX3DHead`). Logged through the message hub at each logging
    interval (text log and visualizer backends): ``lambda_ce`` and
    ``lambda_sc`` (the weights used in the iteration), ``dsm_grad_norm``
    (the ``g`` measured in the iteration) and the share scalars above.

    Args:
        mode (str): ``'grad'`` or ``'fixed'``. Defaults to ``'grad'``.
        alpha (float): α, the maximum CE weight. Defaults to 10.0 (the
            released code's fixed CE weight; the paper gives no value).
        beta (float): β, the maximum DSM weight. Defaults to 0.1 (idem).
            Recipes set their own (``configs/_base_/hdf_dsm.py``).
        grad_source (str): ``'deweighted'`` (default) or ``'weighted'``.
        init_grad_norm (float): ``g`` before the first update (> 0).
            Defaults to 1.0.
        lambda_ce (float): CE weight in ``'fixed'`` mode. Defaults to 10.0.
        lambda_sc (float): DSM weight in ``'fixed'`` mode. Defaults to 0.1.
        share_interval (int): Measure DSM's update share every this many
            iterations (0: never). Defaults to 10.
        share_scope (str): ``'last_stage'`` (default) or ``'all'``; see
            :func:`~mmhdf.engine.hooks.dsm_share.share_params`.
    """

    priority = 'NORMAL'

    def __init__(self,
                 mode: str = 'grad',
                 alpha: float = 10.0,
                 beta: float = 0.1,
                 grad_source: str = 'deweighted',
                 init_grad_norm: float = 1.0,
                 lambda_ce: float = 10.0,
                 lambda_sc: float = 0.1,
                 share_interval: int = 10,
                 share_scope: str = 'last_stage') -> None:
        if mode not in _MODES:
            raise ValueError(f'mode must be one of {_MODES}, got {mode!r}')
        if grad_source not in GRAD_SOURCES:
            raise ValueError(f'grad_source must be one of {GRAD_SOURCES}, '
                             f'got {grad_source!r}')
        if grad_source == 'deweighted' and not init_grad_norm > 0:
            raise ValueError("init_grad_norm must be > 0 with grad_source="
                             f"'deweighted' (λ_CE = 0 otherwise), got "
                             f'{init_grad_norm}')
        if int(share_interval) < 0:
            raise ValueError(
                f'share_interval must be >= 0, got {share_interval}')
        if share_scope not in SHARE_SCOPES:
            raise ValueError(f'scope must be one of {SHARE_SCOPES}, got '
                             f'{share_scope!r}')
        self.mode = mode
        self.grad_source = grad_source
        self.share_interval = int(share_interval)
        self.share_scope = share_scope
        self._probe: Optional[DSMShareProbe] = None
        self._used: Optional[tuple] = None
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
        self._probe = None
        if self.share_interval > 0:
            probe = DSMShareProbe(share_params(model, self.share_scope))
            for target in self._targets:
                if callable(getattr(target, 'set_grad_probe', None)):
                    target.set_grad_probe(probe)
                    self._probe = probe
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
        self._used = (lambda_ce, lambda_sc)
        for target in self._targets:
            target.set_loss_weights(lambda_ce, lambda_sc)
        runner.message_hub.update_scalar('train/lambda_ce', lambda_ce)
        runner.message_hub.update_scalar('train/lambda_sc', lambda_sc)
        if (self._probe is not None
                and runner.iter % self.share_interval == 0):
            self._probe.arm()

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs=None) -> None:
        self._log_share(runner)
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
        g = self.source_norm(math.sqrt(squares))
        if g is None:
            return
        self.grad_norm = g
        runner.message_hub.update_scalar('train/dsm_grad_norm', g)

    def source_norm(self, measured: float) -> Optional[float]:
        """``g`` from the measured norm of the weighted objective's gradient.

        Args:
            measured (float): ``‖∇(λ_CE·L_CE + λ_SC·L_DSM)‖`` of the
                iteration that just ran.

        Returns:
            float | None: ``g`` per :attr:`grad_source`, or None when it
            cannot be formed (non-finite, or ``λ_CE = 0``): keep the old one.
        """
        if not math.isfinite(measured):
            return None
        if self.grad_source == 'weighted':
            return measured
        lambda_ce = (self._used or self.current_weights())[0]
        if not lambda_ce > 0:
            return None
        return measured / lambda_ce

    def _log_share(self, runner) -> None:
        probe = self._probe
        if probe is None or probe.result is None:
            return
        result, probe.result = probe.result, None
        hub = runner.message_hub
        hub.update_scalar('train/dsm_share', result['share'])
        hub.update_scalar('train/dsm_ce_grad', result['ce'])
        hub.update_scalar('train/dsm_dsm_grad', result['dsm'])

    def after_train(self, runner) -> None:
        for recorder in self._recorders:
            recorder.handle.remove()
        self._recorders = []
        for target in self._targets:
            if callable(getattr(target, 'set_grad_probe', None)):
                target.set_grad_probe(None)
        self._probe = None
