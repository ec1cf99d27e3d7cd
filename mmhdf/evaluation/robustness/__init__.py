"""Robustness summaries: mPC / rPC arithmetic, tables and plots.

Pure functions over metric dicts; the Runner harness that produces them is
:func:`mmhdf.apis.evaluate_robustness` (corruption grid) and
:func:`mmhdf.apis.evaluate_cross_dataset` (another DFER dataset).
"""
from .summary import (METRIC_NAMES, corruption_summary, markdown_report,
                      pick_war_uar, plot_report, summarize, write_report)

__all__ = [
    'METRIC_NAMES', 'corruption_summary', 'markdown_report', 'pick_war_uar',
    'plot_report', 'summarize', 'write_report'
]
