"""Shared helpers for backbones with a DAM after selected stages."""
from typing import Optional, Sequence, Tuple

import torch.nn as nn

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
    """Raise a clear error when the clip length differs from the built one."""
    if expected != actual:
        raise ValueError(
            f'{owner} was built for num_frames={expected} but got an input '
            f'clip with T={actual}; DAM parameters depend on T, so set '
            f'num_frames={actual} in the backbone config (or feed '
            f'{expected}-frame clips).')
