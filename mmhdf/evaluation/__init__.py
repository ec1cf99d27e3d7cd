"""DFER evaluation: the WAR / UAR metric and robustness summaries.

Pure: nothing here builds a Runner or runs a model (that is
:mod:`mmhdf.apis`).
"""
from . import metrics  # noqa: F401
from . import robustness  # noqa: F401
