"""Optimizer wrappers: SAM (with or without mixed precision), and a wrapper
recording the gradient norm."""
from .amp_sam_optim_wrapper import AmpSAMOptimWrapper
from .grad_norm import GradNormOptimWrapper, global_grad_norm
from .sam_optim_wrapper import SAMOptimWrapper

__all__ = [
    'AmpSAMOptimWrapper', 'GradNormOptimWrapper', 'SAMOptimWrapper',
    'global_grad_norm'
]
