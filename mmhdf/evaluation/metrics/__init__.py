"""DFER metrics."""
from .dfer_metric import DFERMetric, confusion_matrix, recall_stats

__all__ = ['DFERMetric', 'confusion_matrix', 'recall_stats']
