"""Optimizer wrappers: SAM, and a wrapper recording the gradient norm."""
from .grad_norm import GradNormOptimWrapper, global_grad_norm
from .sam_optim_wrapper import SAMOptimWrapper

__all__ = ['GradNormOptimWrapper', 'SAMOptimWrapper', 'global_grad_norm']
