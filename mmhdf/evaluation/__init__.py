"""DFER evaluation: WAR / UAR metric, robustness and cross-dataset tools."""
from . import metrics  # noqa: F401
from . import robustness  # noqa: F401
