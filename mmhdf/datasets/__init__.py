"""DFER datasets (DFEW, FERV39k, MAFW) and transforms."""
from . import transforms  # noqa: F401
from .base_dfer import BaseDFERDataset, stratified_carve
from .dfew import DFEWDataset
from .errors import DFERDatasetError
from .label_presets import (LABEL_PRESETS, build_label_map,
                            canonical_emotion, get_label_order, remap_labels)

__all__ = [
    'BaseDFERDataset', 'DFEWDataset', 'DFERDatasetError',
    'stratified_carve', 'LABEL_PRESETS', 'build_label_map',
    'canonical_emotion', 'get_label_order', 'remap_labels'
]
