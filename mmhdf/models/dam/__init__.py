"""DAM: HDF's Time-Frequency Distributional Attention Module."""
from .dam import DAM
from .dct import (dct_basis_1d, dct_filter_bank, select_frequencies,
                  zigzag_order)
from .frequency import FrequencyDistributionalAttention
from .temporal import TemporalDistributionalAttention

__all__ = [
    'DAM', 'TemporalDistributionalAttention',
    'FrequencyDistributionalAttention', 'dct_basis_1d', 'dct_filter_bank',
    'select_frequencies', 'zigzag_order'
]
