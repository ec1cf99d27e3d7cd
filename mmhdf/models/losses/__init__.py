"""HDF losses: DSM (DRO supervised contrastive + information bottleneck)."""
from .dsm_loss import DSMLoss
from .dsm_scaling import grad_scaled_weights

__all__ = ['DSMLoss', 'grad_scaled_weights']
