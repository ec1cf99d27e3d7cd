"""Necks: HDF's DAM as a neck."""
from .dam_neck import DAMNeck

__all__ = ['DAMNeck']
