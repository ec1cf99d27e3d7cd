"""Robustness evaluation: corruption grids (mPC / rPC) and cross-dataset.

* :func:`evaluate_robustness` - clean + corruption x severity evaluation of a
  checkpoint with one Runner, report as JSON / markdown / PNG.
* :func:`evaluate_cross_dataset` - test a checkpoint on another DFER dataset
  with labels mapped by name (:class:`LabelMappedDataset`).
"""
from .cross_dataset import (LabelMappedDataset, build_cross_dataset_cfg,
                            classes_from_dataset_cfg, evaluate_cross_dataset,
                            map_labels_by_name, source_class_names)
from .evaluate import (DECODE_TYPES, PipelineSwitch, evaluate_robustness,
                       find_decode_index, insert_corruption,
                       parse_corruptions, parse_severities, prepare_config)
from .summary import (METRIC_NAMES, corruption_summary, markdown_report,
                      pick_war_uar, plot_report, summarize, write_report)

__all__ = [
    'evaluate_robustness', 'evaluate_cross_dataset', 'LabelMappedDataset',
    'build_cross_dataset_cfg', 'classes_from_dataset_cfg',
    'map_labels_by_name', 'source_class_names', 'DECODE_TYPES',
    'PipelineSwitch', 'find_decode_index', 'insert_corruption',
    'parse_corruptions', 'parse_severities', 'prepare_config',
    'METRIC_NAMES', 'corruption_summary', 'markdown_report', 'pick_war_uar',
    'plot_report', 'summarize', 'write_report'
]
