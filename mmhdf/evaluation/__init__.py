"""DFER evaluation: WAR / UAR metric."""
from . import metrics  # noqa: F401
