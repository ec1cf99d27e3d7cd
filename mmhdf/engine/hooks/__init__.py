"""Training hooks: DSM gradient-driven loss scaling."""
from .dsm_scaling_hook import DSMScalingHook

__all__ = ['DSMScalingHook']
