# Copyright (c) mmhdf contributors. All rights reserved.
"""HDF classification heads: CE + DSM on the pooled pre-fc embedding."""
from typing import Callable, Dict, Optional, Tuple, Union

import torch
from torch import Tensor

from mmaction.models.heads import I3DHead, X3DHead
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, SampleList


def _full_precision(x: Tensor) -> Tensor:
    """``x`` in fp32 if it is fp16 / bf16 (mixed precision), else as is."""
    if x.dtype in (torch.float16, torch.bfloat16):
        return x.float()
    return x


def _no_autocast(x: Tensor):
    """A context disabling autocast on ``x``'s device (a no-op outside
    mixed precision): the losses are computed in full precision."""
    return torch.autocast(device_type=x.device.type, enabled=False)


class DSMHeadMixin:
    """CE + DSM loss logic shared by :class:`HDFHead` and :class:`HDFX3DHead`.

    The host head implements ``embed(x) -> (cls_input, dsm_feature)`` and
    ``classify(cls_input) -> cls_scores``. ``loss`` then

    1. computes the embedding once and the logits from it;
    2. calls mmaction2's standard ``loss_by_feat`` (label smoothing,
       ``top{k}_acc``), renames ``loss_cls`` to ``loss_ce`` and multiplies it
       by ``lambda_ce``;
    3. adds ``loss_dsm = lambda_sc * DSMLoss(dsm_feature, labels)`` and the
       unweighted, detached diagnostics ``dsm_con`` / ``dsm_ib`` (no "loss"
       in their names, so mmengine logs them without summing them).

    The training loss is therefore ``loss_ce + loss_dsm``. Under mixed
    precision (autocast) both losses are computed in fp32, from the logits
    and the DSM feature cast up. ``lambda_ce`` and
    ``lambda_sc`` are plain floats, changed between iterations by
    :class:`DSMScalingHook` through :meth:`set_loss_weights`. The hook may
    also install a gradient probe (:meth:`set_grad_probe`), called with the
    two weighted terms before the backward pass to measure DSM's share of
    the update.
    """

    def _init_dsm(self, loss_dsm: Optional[ConfigType], lambda_ce: float,
                  lambda_sc: float) -> None:
        if loss_dsm is None:
            self.loss_dsm = None
        elif isinstance(loss_dsm, dict):
            self.loss_dsm = MODELS.build(loss_dsm)
        else:
            self.loss_dsm = loss_dsm
        self.set_loss_weights(lambda_ce, lambda_sc)
        self.grad_probe: Optional[Callable[[Tensor, Tensor], None]] = None

    def set_grad_probe(
            self, probe: Optional[Callable[[Tensor, Tensor], None]]) -> None:
        """Install (or remove, with None) a callable ``probe(loss_ce,
        loss_dsm)`` that :meth:`loss` calls with the weighted terms.

        Args:
            probe (callable, optional): E.g. a
                :class:`~mmhdf.engine.hooks.DSMShareProbe`.
        """
        self.grad_probe = probe

    def set_loss_weights(self, lambda_ce: float, lambda_sc: float) -> None:
        """Set the weights used by the next :meth:`loss` call.

        Args:
            lambda_ce (float): Weight of the cross-entropy term.
            lambda_sc (float): Weight of the DSM term.
        """
        self.lambda_ce = float(lambda_ce)
        self.lambda_sc = float(lambda_sc)

    def forward(self, x: Tensor, **kwargs) -> Tensor:
        """Classification scores, as the parent head computes them.

        Args:
            x (Tensor): Backbone/neck output ``(N, C, T, H, W)``.

        Returns:
            Tensor: ``(N, num_classes)``.
        """
        return self.classify(self.embed(x)[0])

    def loss(self, feats: Union[Tensor, Tuple[Tensor]],
             data_samples: SampleList, **kwargs) -> Dict[str, Tensor]:
        """CE (renamed ``loss_ce``) + DSM losses and diagnostics.

        Args:
            feats (Tensor): Backbone/neck output ``(N, C, T, H, W)``.
            data_samples (list[ActionDataSample]): With ``gt_label``.

        Returns:
            dict[str, Tensor]: ``loss_ce``, ``top{k}_acc`` (hard labels) and,
            if ``loss_dsm`` is set, ``loss_dsm``, ``dsm_con``, ``dsm_ib``.
        """
        cls_input, dsm_feat = self.embed(feats)
        # losses in fp32 under mixed precision (autocast leaves half-precision
        # logits / features; mmaction2's top-k accuracy cannot read bf16)
        cls_scores = _full_precision(self.classify(cls_input))
        dsm_feat = _full_precision(dsm_feat)
        with _no_autocast(dsm_feat):
            return self._losses(cls_scores, dsm_feat, data_samples)

    def _losses(self, cls_scores: Tensor, dsm_feat: Tensor,
                data_samples: SampleList) -> Dict[str, Tensor]:
        """The loss dict of :meth:`loss` from logits and DSM features."""
        ce_losses = self.loss_by_feat(cls_scores, data_samples)
        losses = dict()
        for key, value in ce_losses.items():
            if 'loss' in key:
                key = 'loss_ce' if key == 'loss_cls' else key
                value = self.lambda_ce * value
            losses[key] = value
        if self.loss_dsm is not None:
            labels = torch.stack([ds.gt_label for ds in data_samples])
            labels = labels.to(dsm_feat.device)
            if labels.dim() > 1 and labels.size(-1) == 1:
                labels = labels.flatten()
            if labels.size(0) != dsm_feat.size(0):
                # several clips per sample: every clip keeps its label
                labels = labels.repeat_interleave(
                    dsm_feat.size(0) // labels.size(0), dim=0)
            dsm = dict(self.loss_dsm(dsm_feat, labels))
            losses['loss_dsm'] = self.lambda_sc * dsm.pop('loss_dsm')
            losses.update(dsm)
            if self.grad_probe is not None:
                self.grad_probe(losses['loss_ce'], losses['loss_dsm'])
        return losses


@MODELS.register_module()
class HDFHead(DSMHeadMixin, I3DHead):
    """I3D-style head (pool → dropout → fc) with HDF's CE + DSM losses.

    DSM uses the pooled, flattened pre-fc feature (``in_channels``-d, taken
    before dropout), as in the HDF figure ("after AvgPool, before FC").

    Args:
        num_classes (int): Number of classes.
        in_channels (int): Channels of the input feature map.
        loss_cls (dict): CE loss config. Defaults to
            ``dict(type='CrossEntropyLoss')``.
        loss_dsm (dict, optional): DSM loss config, e.g.
            ``dict(type='DSMLoss')``. None disables DSM (plain CE head with
            the ``loss_ce`` key). Defaults to None.
        lambda_ce (float): Initial CE weight. Defaults to 10.0.
        lambda_sc (float): Initial DSM weight. Defaults to 0.1. (The released
            code's fixed weights; :class:`DSMScalingHook` overrides both.)
        spatial_type (str): ``'avg'`` or None. Defaults to ``'avg'``.
        dropout_ratio (float): Dropout before fc. Defaults to 0.5.
        init_std (float): Std of the fc initialisation. Defaults to 0.01.
        **kwargs: Passed to :class:`BaseHead` (``label_smooth_eps``,
            ``topk``, ``average_clips``...).
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 loss_cls: ConfigType = dict(type='CrossEntropyLoss'),
                 loss_dsm: Optional[ConfigType] = None,
                 lambda_ce: float = 10.0,
                 lambda_sc: float = 0.1,
                 spatial_type: str = 'avg',
                 dropout_ratio: float = 0.5,
                 init_std: float = 0.01,
                 **kwargs) -> None:
        super().__init__(
            num_classes,
            in_channels,
            loss_cls=loss_cls,
            spatial_type=spatial_type,
            dropout_ratio=dropout_ratio,
            init_std=init_std,
            **kwargs)
        self._init_dsm(loss_dsm, lambda_ce, lambda_sc)

    def embed(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        """Pool and flatten.

        Args:
            x (Tensor): ``(N, C, T, H, W)``.

        Returns:
            tuple[Tensor, Tensor]: The classifier input and the DSM feature,
            both the pooled ``(N, C)`` tensor.
        """
        if self.avg_pool is not None:
            x = self.avg_pool(x)
        x = x.view(x.shape[0], -1)
        return x, x

    def classify(self, x: Tensor) -> Tensor:
        """Dropout → fc. ``(N, C)`` → ``(N, num_classes)``."""
        if self.dropout is not None:
            x = self.dropout(x)
        return self.fc_cls(x)


@MODELS.register_module()
class HDFX3DHead(DSMHeadMixin, X3DHead):
    """X3D-style head (pool → fc1 → ReLU → dropout → fc2) with CE + DSM.

    Keeps :class:`X3DHead`'s parameter names (``fc1``, ``fc2``), so X3D
    checkpoints load unchanged.

    Args:
        num_classes (int): Number of classes.
        in_channels (int): Channels of the input feature map (432 for X3D-S).
        loss_cls (dict): CE loss config.
        loss_dsm (dict, optional): DSM loss config; None disables DSM.
        lambda_ce (float): Initial CE weight. Defaults to 10.0.
        lambda_sc (float): Initial DSM weight. Defaults to 0.1.
        dsm_feature (str): ``'pool'`` — the pooled ``in_channels``-d map
            (default; the figure's "after AvgPool, before FC") — or ``'fc1'``
            — the 2048-d ReLU(fc1) output (pytorchvideo's ``lin_5``).
        spatial_type (str): ``'avg'`` or ``'max'``.
        dropout_ratio (float): Dropout before fc2. Defaults to 0.5.
        init_std (float): Std of the fc initialisation. Defaults to 0.01.
        fc1_bias (bool): Whether fc1 has a bias. Defaults to False.
        **kwargs: Passed to :class:`BaseHead`.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 loss_cls: ConfigType = dict(type='CrossEntropyLoss'),
                 loss_dsm: Optional[ConfigType] = None,
                 lambda_ce: float = 10.0,
                 lambda_sc: float = 0.1,
                 dsm_feature: str = 'pool',
                 spatial_type: str = 'avg',
                 dropout_ratio: float = 0.5,
                 init_std: float = 0.01,
                 fc1_bias: bool = False,
                 **kwargs) -> None:
        if dsm_feature not in ('pool', 'fc1'):
            raise ValueError(
                f"dsm_feature must be 'pool' or 'fc1', got {dsm_feature!r}")
        super().__init__(
            num_classes,
            in_channels,
            loss_cls=loss_cls,
            spatial_type=spatial_type,
            dropout_ratio=dropout_ratio,
            init_std=init_std,
            fc1_bias=fc1_bias,
            **kwargs)
        self.dsm_feature = dsm_feature
        self._init_dsm(loss_dsm, lambda_ce, lambda_sc)

    def embed(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        """Pool → flatten → fc1 → ReLU.

        Args:
            x (Tensor): ``(N, in_channels, T, H, W)``.

        Returns:
            tuple[Tensor, Tensor]: The classifier input ``(N, 2048)`` and the
            DSM feature (``(N, in_channels)`` for ``'pool'``, the classifier
            input for ``'fc1'``).
        """
        pooled = self.pool(x).view(x.shape[0], -1)
        hidden = self.relu(self.fc1(pooled))
        return hidden, (pooled if self.dsm_feature == 'pool' else hidden)

    def classify(self, x: Tensor) -> Tensor:
        """Dropout → fc2. ``(N, 2048)`` → ``(N, num_classes)``."""
        if self.dropout is not None:
            x = self.dropout(x)
        return self.fc2(x)
