"""One mechanism to put HDF's DAM after chosen stages of a 3D backbone.

:func:`insert_dams` attaches a :class:`~mmhdf.models.dam.DAM` to chosen
stage modules of an already built backbone through forward hooks: the
stage's output is replaced by ``DAM(output)``, so the backbone's own
``forward`` runs unchanged (no copy of it per backbone family, in the
spirit of timm's ``attn_layer=`` / mmdetection's ``plugins=``). The DAMs
live in ``backbone.dams`` (``dam1`` .. ``damN``, 1-based like ``layer{i}``),
so the state_dict keys are the backbone's own plus ``dams.dam{i}.*``.

Users of the mechanism:

* :class:`~mmhdf.models.backbones.X3DDAM` and
  :class:`~mmhdf.models.backbones.ResNet3dDAM`: thin subclasses that keep
  their registered names and config keys;
* ``DAMInserted`` (registered builder, :func:`build_dam_inserted`): any
  registered mmaction2 backbone, e.g. ``ResNet2Plus1d`` or
  ``ResNet3dSlowOnly``, with the stage ``T`` measured by
  :func:`probe_stage_frames`.
"""
import copy
import functools
from typing import Any, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmaction.registry import MODELS

from ..dam import DAM


def check_dam_stages(dam_stages: Sequence[int], num_stages: int,
                     owner: str) -> Tuple[int, ...]:
    """Validate 0-based stage indices.

    Args:
        dam_stages (Sequence[int]): Stages followed by a DAM.
        num_stages (int): Number of backbone stages.
        owner (str): Class name, for the error message.

    Returns:
        tuple[int, ...]: Sorted, de-duplicated indices.
    """
    stages = tuple(sorted(set(int(i) for i in dam_stages)))
    bad = [i for i in stages if not 0 <= i < num_stages]
    if bad:
        raise ValueError(f'{owner}: dam_stages {tuple(dam_stages)} has '
                         f'indices {bad} outside [0, {num_stages - 1}]')
    return stages


def build_dams(stage_frames: Sequence[int], dam_stages: Sequence[int],
               dam_cfg: Optional[dict]) -> nn.ModuleDict:
    """One :class:`~mmhdf.models.dam.DAM` per selected stage.

    Args:
        stage_frames (Sequence[int]): ``T`` of every stage's output.
        dam_stages (Sequence[int]): 0-based stages followed by a DAM.
        dam_cfg (dict, optional): Extra keyword arguments of ``DAM``.

    Returns:
        nn.ModuleDict: ``{'dam{i + 1}': DAM}`` (1-based names, matching
        ``layer{i + 1}``).
    """
    dam_cfg = dict(dam_cfg or {})
    if 'num_frames' in dam_cfg:
        raise ValueError('dam_cfg must not set num_frames: each DAM gets its '
                         "stage's T, computed from the backbone's num_frames")
    return nn.ModuleDict({
        f'dam{i + 1}':
        DAM(num_frames=stage_frames[i], **dam_cfg)
        for i in dam_stages
    })


def check_num_frames(owner: str, expected: int, actual: int) -> None:
    """Raise a clear error when the clip length differs from the built one.

    Args:
        owner (str): Backbone name, for the message.
        expected (int): ``num_frames`` the backbone was built for.
        actual (int): ``T`` of the input clip.
    """
    if expected != actual:
        raise ValueError(
            f'{owner} was built for num_frames={expected} but got an input '
            f'clip with T={actual}; DAM parameters depend on T, so set '
            f'num_frames={actual} in the backbone config (or feed '
            f'{expected}-frame clips).')


def _apply_dam(dams: nn.ModuleDict, name: str, stage: nn.Module,
               args: Tuple[Any, ...], output: torch.Tensor) -> torch.Tensor:
    """Forward hook of a stage: its output goes through ``dams[name]``.

    A ``functools.partial`` binds the ``ModuleDict`` and the key, and the
    DAM is looked up at call time, so replacing an entry
    (``backbone.dams['dam2'] = other``) takes effect. ``copy.deepcopy`` of
    the model (EMA, model averaging) deep-copies the partial's arguments
    with the same memo, so the copy's hooks use the copy's DAMs.
    """
    return dams[name](output)


def _check_clip(backbone: nn.Module, args: Tuple[Any, ...]) -> None:
    """Forward pre-hook of the backbone: clip ``T`` vs ``num_frames``."""
    if args and isinstance(args[0], torch.Tensor) and args[0].dim() == 5:
        check_num_frames(backbone._dam_owner, backbone.num_frames,
                         args[0].size(2))


def insert_dams(backbone: nn.Module,
                num_frames: int,
                stage_names: Sequence[str],
                stage_frames: Sequence[int],
                dam_stages: Sequence[int] = (0, 1, 2, 3),
                dam_cfg: Optional[dict] = None,
                owner: Optional[str] = None) -> nn.ModuleDict:
    """Put a DAM after chosen stages of ``backbone`` (in place).

    For each ``i`` in ``dam_stages`` a DAM with ``T = stage_frames[i]`` is
    built and a forward hook on ``getattr(backbone, stage_names[i])``
    replaces that stage's output ``[N, C, T, H, W]`` by the DAM's output
    (same shape). Whatever the backbone's ``forward`` does next (pooling,
    collecting ``out_indices``, the next stage) sees the DAM's output. A
    forward pre-hook on ``backbone`` checks the clip's ``T`` against
    ``num_frames`` before the stem runs.

    Sets on ``backbone``: ``num_frames``, ``dam_stages`` (sorted tuple),
    ``stage_frames`` (list) and ``dams`` (``nn.ModuleDict`` with
    ``dam{i + 1}``, a registered submodule: state_dict keys
    ``dams.dam{i + 1}.*``). The hooks look the DAM up in ``backbone.dams``
    at every call: an entry may be replaced (e.g. by a reference
    implementation), the ``ModuleDict`` itself must stay.

    Args:
        backbone (nn.Module): A built backbone whose stages are attributes.
        num_frames (int): Clip length ``T`` of the input ``[N, C, T, H, W]``.
        stage_names (Sequence[str]): Attribute names of the stages, in
            order (mmaction2's ResNet3d / X3D: ``backbone.res_layers``).
        stage_frames (Sequence[int]): ``T`` of every stage's output for a
            ``num_frames`` clip (see :func:`probe_stage_frames`).
        dam_stages (Sequence[int]): 0-based stages followed by a DAM.
            Defaults to ``(0, 1, 2, 3)``.
        dam_cfg (dict, optional): Extra arguments of
            :class:`~mmhdf.models.dam.DAM` (not ``num_frames``).
        owner (str, optional): Name used in error messages. Defaults to the
            backbone's class name.

    Returns:
        nn.ModuleDict: ``backbone.dams``.
    """
    owner = owner or type(backbone).__name__
    if 'dams' in backbone._modules:
        raise ValueError(f'{owner} already has DAMs (backbone.dams); '
                         'insert_dams must be called once per backbone')
    stage_names = list(stage_names)
    stage_frames = [int(t) for t in stage_frames]
    if len(stage_frames) != len(stage_names):
        raise ValueError(f'{owner}: {len(stage_names)} stages '
                         f'{stage_names} but {len(stage_frames)} '
                         f'stage_frames {stage_frames}')
    missing = [n for n in stage_names if not hasattr(backbone, n)]
    if missing:
        raise ValueError(f'{owner} has no stage module(s) {missing}')
    dam_stages = check_dam_stages(dam_stages, len(stage_names), owner)
    backbone._dam_owner = owner
    backbone.num_frames = num_frames
    backbone.dam_stages = dam_stages
    backbone.stage_frames = stage_frames
    backbone.dams = build_dams(stage_frames, dam_stages, dam_cfg)
    for i in dam_stages:
        getattr(backbone, stage_names[i]).register_forward_hook(
            functools.partial(_apply_dam, backbone.dams, f'dam{i + 1}'))
    backbone.register_forward_pre_hook(_check_clip)
    return backbone.dams


@torch.no_grad()
def probe_stage_frames(backbone: nn.Module,
                       stage_names: Sequence[str],
                       num_frames: int,
                       in_channels: Optional[int] = None,
                       spatial_size: int = 64) -> List[int]:
    """Measure ``T`` of every stage output, without computing anything.

    A copy of ``backbone`` on the ``meta`` device (shapes only, no memory,
    no arithmetic; the backbone itself is untouched) is run in eval mode on
    a ``[1, in_channels, num_frames, spatial_size, spatial_size]`` clip and
    the stage outputs' ``T`` are recorded. Call it before
    :func:`insert_dams`.

    Args:
        backbone (nn.Module): The built backbone.
        stage_names (Sequence[str]): Attribute names of the stages.
        num_frames (int): Clip length.
        in_channels (int, optional): Input channels. Defaults to
            ``backbone.in_channels`` or 3.
        spatial_size (int): ``H = W`` of the probe clip; large enough for
            the backbone's spatial strides. Defaults to 64.

    Returns:
        list[int]: ``T`` after each stage.
    """
    owner = type(backbone).__name__
    if num_frames < 1:
        raise ValueError(f'{owner}: num_frames must be >= 1, got '
                         f'{num_frames}')
    if in_channels is None:
        in_channels = getattr(backbone, 'in_channels', 3)
    probe = copy.deepcopy(backbone).to('meta')
    probe.eval()  # some backbones' train() returns None: no chaining
    frames: List[Optional[int]] = [None] * len(stage_names)

    def record(i: int, module: nn.Module, args: tuple, out: Any) -> None:
        frames[i] = out.shape[2]

    for i, name in enumerate(stage_names):
        getattr(probe, name).register_forward_hook(
            functools.partial(record, i))
    x = torch.empty(1, in_channels, num_frames, spatial_size, spatial_size,
                    device='meta')
    try:
        probe(x)
    except RuntimeError as err:
        raise ValueError(
            f'{owner}: could not measure the stage T for num_frames='
            f'{num_frames} (probe clip {tuple(x.shape)}): {err}') from err
    if any(t is None for t in frames):
        raise ValueError(f'{owner}: stages {list(stage_names)} did not all '
                         f'run in forward (T measured: {frames})')
    return [int(t) for t in frames]


@MODELS.register_module(name='DAMInserted')
def build_dam_inserted(backbone: dict,
                       num_frames: int = 16,
                       dam_stages: Sequence[int] = (0, 1, 2, 3),
                       dam_cfg: Optional[dict] = None,
                       stage_names: Optional[Sequence[str]] = None,
                       stage_frames: Optional[Sequence[int]] = None,
                       probe_size: int = 64) -> nn.Module:
    """Build any registered backbone with a DAM after chosen stages.

    Registered in ``MODELS`` as ``DAMInserted``::

        backbone=dict(
            type='DAMInserted',
            backbone=dict(type='ResNet2Plus1d', depth=18, ...),
            num_frames=16, dam_stages=(0, 1, 2, 3),
            dam_cfg=dict(fusion_norm='mean'))

    The result is the inner backbone itself (same class, same state_dict
    keys as a plain one, plus ``dams.dam{i}.*``), with the DAMs inserted
    by :func:`insert_dams`.

    Args:
        backbone (dict): Config of the inner backbone (``MODELS`` type).
        num_frames (int): Clip length ``T``. Defaults to 16.
        dam_stages (Sequence[int]): 0-based stages followed by a DAM.
            Defaults to ``(0, 1, 2, 3)``.
        dam_cfg (dict, optional): Extra arguments of ``DAM``.
        stage_names (Sequence[str], optional): Stage attributes. Defaults
            to ``backbone.res_layers`` (mmaction2's ResNet family, X3D).
        stage_frames (Sequence[int], optional): ``T`` of every stage output.
            Defaults to :func:`probe_stage_frames`.
        probe_size (int): ``H = W`` of the probe clip. Defaults to 64.

    Returns:
        nn.Module: The backbone with DAMs.
    """
    model = MODELS.build(backbone)
    if stage_names is None:
        if not hasattr(model, 'res_layers'):
            raise ValueError(
                f'DAMInserted: {type(model).__name__} has no res_layers; '
                'pass stage_names (the attribute names of its stages)')
        stage_names = model.res_layers
    if stage_frames is None:
        stage_frames = probe_stage_frames(
            model, stage_names, num_frames, spatial_size=probe_size)
    insert_dams(
        model,
        num_frames,
        stage_names,
        stage_frames,
        dam_stages=dam_stages,
        dam_cfg=dam_cfg,
        owner=f'DAMInserted({type(model).__name__})')
    return model
