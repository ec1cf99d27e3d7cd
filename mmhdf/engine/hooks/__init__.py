"""Training hooks: DSM gradient-driven loss scaling and its update share,
DAM fusion-weight / gate statistics."""
from .dam_stats_hook import DAM_STATS, DAMStatsHook
from .dsm_scaling_hook import GRAD_SOURCES, DSMScalingHook
from .dsm_share import DSMShareProbe, share_params

__all__ = [
    'DSMScalingHook', 'DSMShareProbe', 'GRAD_SOURCES', 'share_params',
    'DAMStatsHook', 'DAM_STATS'
]
