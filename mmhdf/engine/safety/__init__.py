"""Training-safety hooks: exact resume, non-finite loss detection, reports
of samples skipped for corrupt media, one training per work dir."""
from .bad_sample_hook import BadSamplePolicyError, BadSampleReportHook
from .epoch_seed_hook import EpochSeedHook, epoch_seed
from .finite_loss_hook import FiniteLossHook, NonFiniteLossError
from .workdir_lock_hook import WorkDirLockHook

__all__ = ['EpochSeedHook', 'epoch_seed', 'FiniteLossHook',
           'NonFiniteLossError', 'BadSampleReportHook', 'BadSamplePolicyError',
           'WorkDirLockHook']
