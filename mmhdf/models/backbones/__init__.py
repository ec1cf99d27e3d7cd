"""Backbones with HDF's DAM after selected stages (one mechanism:
:func:`insert_dams`, forward hooks on the stage modules)."""
from .dam_insertion import (build_dam_inserted, insert_dams,
                            probe_stage_frames)
from .resnet3d_dam import ResNet3dDAM
from .x3d_dam import X3DDAM

__all__ = [
    'X3DDAM', 'ResNet3dDAM', 'insert_dams', 'probe_stage_frames',
    'build_dam_inserted'
]
