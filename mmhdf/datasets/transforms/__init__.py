"""DFER transforms: temporal sampling and frame decoding."""
from .loading import DFERFrameDecode
from .sampling import DFERUniformSample

__all__ = ['DFERUniformSample', 'DFERFrameDecode']
