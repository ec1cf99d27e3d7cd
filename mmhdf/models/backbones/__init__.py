"""Backbones with HDF's DAM after selected stages."""
from .resnet3d_dam import ResNet3dDAM
from .x3d_dam import X3DDAM

__all__ = ['X3DDAM', 'ResNet3dDAM']
