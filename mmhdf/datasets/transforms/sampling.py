"""Temporal sampling for DFER clips."""
from typing import Dict

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

SAMPLING_MODES = ('tsn', 'm3dfel')
PAD_MODES = ('stretch', 'repeat_last', 'loop')


@TRANSFORMS.register_module()
class DFERUniformSample(BaseTransform):
    """Sample ``clip_len`` frames from ``clip_len`` uniform segments.

    Behaviour (``n`` = ``total_frames``, ``L`` = ``clip_len``, 0-based frame
    positions before ``start_index`` is added):

    * ``mode='tsn'`` (default) and ``n >= L``: segment ``i`` covers frames
      ``[i*n//L, (i+1)*n//L - 1]`` (never empty).

      - training: one frame drawn uniformly inside each segment;
      - test: the segment centre ``(2i+1)*n // (2L)``, deterministic.
        With ``num_clips=k > 1`` at test, clip ``j`` takes position
        ``(i + (j+1)/(k+1)) * n / L`` (floored), evenly spread views.

    * ``n < L`` (short clip, ~10% of FERV39k), padded by repetition in every
      mode, identically in training and test:

      - ``pad_mode='stretch'`` (default): ``(2i+1)*n // (2L)``, i.e. every
        frame is shown, in order, repeated ``L/n`` times on average (the
        behaviour of HDF's parent code and mmaction2's ``UniformSample``);
      - ``'repeat_last'``: ``0..n-1`` then the last frame repeated;
      - ``'loop'``: ``i % n``.

    * ``mode='m3dfel'``: the M3DFEL/HDF formula ``min(i*n//L + o, n-1)`` with
      one random offset ``o = floor(U*L)`` per clip, ``U ~ U[0,1)``
      (applied to short clips too). At test ``o = 0`` unless
      ``random_test=True``, which reproduces M3DFEL's stochastic test-time
      sampling (parity checks only; results are then not repeatable).

    Required keys: ``total_frames``, ``start_index``.
    Added keys: ``frame_inds``, ``clip_len``, ``frame_interval``,
    ``num_clips``.

    Args:
        clip_len (int): frames per clip. Defaults to 16.
        num_clips (int): clips (views) per sample. Defaults to 1.
        test_mode (bool): deterministic test sampling. Defaults to False.
        mode (str): ``'tsn'`` or ``'m3dfel'``.
        pad_mode (str): short-clip padding, see above.
        random_test (bool): M3DFEL's random offset at test (``m3dfel``
            mode only).
    """

    def __init__(self,
                 clip_len: int = 16,
                 num_clips: int = 1,
                 test_mode: bool = False,
                 mode: str = 'tsn',
                 pad_mode: str = 'stretch',
                 random_test: bool = False) -> None:
        if clip_len < 1 or num_clips < 1:
            raise ValueError('clip_len and num_clips must be >= 1')
        if mode not in SAMPLING_MODES:
            raise ValueError(f'mode must be one of {SAMPLING_MODES}')
        if pad_mode not in PAD_MODES:
            raise ValueError(f'pad_mode must be one of {PAD_MODES}')
        if random_test and mode != 'm3dfel':
            raise ValueError("random_test is only defined for mode='m3dfel'")
        self.clip_len = clip_len
        self.num_clips = num_clips
        self.test_mode = test_mode
        self.mode = mode
        self.pad_mode = pad_mode
        self.random_test = random_test

    def _pad(self, n: int) -> np.ndarray:
        L = self.clip_len
        i = np.arange(L)
        if self.pad_mode == 'stretch':
            return (2 * i + 1) * n // (2 * L)
        if self.pad_mode == 'repeat_last':
            return np.minimum(i, n - 1)
        return i % n

    def _one_clip(self, n: int, view: int) -> np.ndarray:
        L = self.clip_len
        i = np.arange(L)
        if self.mode == 'm3dfel':
            random = (not self.test_mode) or self.random_test
            offset = int(np.floor(np.random.rand() * L)) if random else 0
            return np.minimum(i * n // L + offset, n - 1)
        if n < L:
            return self._pad(n)
        lo = i * n // L
        hi = (i + 1) * n // L  # exclusive
        if not self.test_mode:
            return np.random.randint(lo, hi)
        if self.num_clips == 1:
            return (2 * i + 1) * n // (2 * L)
        frac = (view + 1) / (self.num_clips + 1)
        pos = np.floor((i + frac) * n / L).astype(np.int64)
        return np.clip(pos, lo, hi - 1)

    def transform(self, results: Dict) -> Dict:
        """Add ``frame_inds`` (``num_clips * clip_len`` indices)."""
        n = int(results['total_frames'])
        if n < 1:
            raise ValueError(
                f'clip {results.get("frame_dir", results.get("filename"))} '
                'has no frames')
        inds = np.concatenate(
            [self._one_clip(n, v) for v in range(self.num_clips)])
        inds = inds + results.get('start_index', 0)
        results['frame_inds'] = inds.astype(np.int64)
        results['clip_len'] = self.clip_len
        results['frame_interval'] = None
        results['num_clips'] = self.num_clips
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, '
                f'num_clips={self.num_clips}, test_mode={self.test_mode}, '
                f'mode={self.mode!r}, pad_mode={self.pad_mode!r}, '
                f'random_test={self.random_test})')
