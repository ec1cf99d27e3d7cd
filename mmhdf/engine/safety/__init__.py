"""Training-safety hooks: exact resume and non-finite loss detection."""
from .epoch_seed_hook import EpochSeedHook, epoch_seed
from .finite_loss_hook import FiniteLossHook, NonFiniteLossError

__all__ = ['EpochSeedHook', 'epoch_seed', 'FiniteLossHook',
           'NonFiniteLossError']
