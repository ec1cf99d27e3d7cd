"""DFER transforms: temporal sampling, frame decoding, safe video decoding."""
from .corruptions import DFERCorruption
from .loading import DFERFrameDecode
from .sampling import DFERUniformSample
from .video import SafeDecordDecode, SafeDecordInit

__all__ = ['DFERUniformSample', 'DFERFrameDecode', 'SafeDecordInit',
           'SafeDecordDecode', 'DFERCorruption']
