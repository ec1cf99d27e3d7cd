"""DFER datasets (DFEW, FERV39k, MAFW) and transforms."""
from . import transforms  # noqa: F401
from .bad_samples import CorruptMediaError
from .base_dfer import BaseDFERDataset, stratified_carve
from .dfew import DFEWDataset
from .errors import DFERDatasetError
from .ferv39k import FERV39kDataset
from .label_mapped import LabelMappedDataset, map_labels_by_name
from .label_presets import (LABEL_PRESETS, build_label_map,
                            canonical_emotion, get_label_order, remap_labels)
from .mafw import MAFWDataset

__all__ = [
    'BaseDFERDataset', 'DFEWDataset', 'FERV39kDataset', 'MAFWDataset',
    'LabelMappedDataset', 'map_labels_by_name',
    'DFERDatasetError', 'CorruptMediaError',
    'stratified_carve', 'LABEL_PRESETS', 'build_label_map',
    'canonical_emotion', 'get_label_order', 'remap_labels'
]
