"""Decord video loading with clear errors and the ``on_corrupt`` policy.

decord reports a zero-byte, truncated or corrupt video as ``RuntimeError:
Error reading 0 bytes...`` without the file name (mmaction2 hands it a
``BytesIO``). :class:`SafeDecordInit` / :class:`SafeDecordDecode` are
mmaction2's ``DecordInit`` / ``DecordDecode`` plus

* a :class:`~mmhdf.datasets.bad_samples.CorruptMediaError` naming the video
  (and clip id) for a missing, zero-byte, unreadable or frameless file and for
  frames that fail to decode, and
* ``on_corrupt='skip'`` (training pipelines only): a logged, counted skip
  (see :mod:`mmhdf.datasets.bad_samples`).

They are registered under their own names only; mmaction2's ``DecordInit``
/ ``DecordDecode`` stay untouched in its transform registry. mmhdf's video
pipelines (``configs/_base_/datasets/video_list.py``, the video baseline
recipe) name ``SafeDecordInit`` / ``SafeDecordDecode``; valid videos are
decoded exactly as by mmaction2's classes (same code path).
"""
import os.path as osp
from typing import Dict, Optional

import numpy as np
from mmaction.datasets.transforms.loading import DecordDecode, DecordInit
from mmaction.registry import TRANSFORMS

from ..bad_samples import CorruptMediaError, check_on_corrupt, handle_corrupt


def _clip_of(results: Dict) -> Optional[str]:
    cid = results.get('clip_id')
    return None if cid is None else f'clip {cid}'


def _where(results: Dict) -> str:
    clip = _clip_of(results)
    return f' ({clip})' if clip else ''


def _first_line(err: Exception) -> str:
    text = str(err).strip()
    return text.splitlines()[0][:200] if text else type(err).__name__


@TRANSFORMS.register_module('SafeDecordInit')
class SafeDecordInit(DecordInit):
    """mmaction2's ``DecordInit`` with clear errors and ``on_corrupt``.

    Args:
        io_backend (str): io backend. Defaults to ``'disk'``.
        num_threads (int): decord threads. Defaults to 1.
        on_corrupt (str): ``'error'`` (default) or ``'skip'``.
        **kwargs: file client arguments.
    """

    def __init__(self, io_backend: str = 'disk', num_threads: int = 1,
                 on_corrupt: str = 'error', **kwargs) -> None:
        super().__init__(io_backend=io_backend, num_threads=num_threads,
                         **kwargs)
        self.on_corrupt = check_on_corrupt(on_corrupt)

    def transform(self, results: Dict) -> Optional[Dict]:
        """Open the video; ``None`` when skipped under ``on_corrupt``."""
        filename = results['filename']
        path = filename
        if osp.splitext(path)[0] == path:
            path = path + '.mp4'
        where = _where(results)
        try:
            if self.io_backend == 'disk':
                if not osp.isfile(path):
                    raise CorruptMediaError(f'video file not found{where}',
                                            path)
                if osp.getsize(path) == 0:
                    raise CorruptMediaError(f'zero-byte video file{where}',
                                            path)
            try:
                container = self._get_video_reader(filename)
                total = len(container)
                fps = container.get_avg_fps()
            except CorruptMediaError:
                raise
            except FileNotFoundError:
                raise CorruptMediaError(f'video file not found{where}',
                                        path) from None
            except Exception as e:  # decord raises RuntimeError/DECORDError
                raise CorruptMediaError(
                    f'corrupt or truncated video, decord cannot open it'
                    f'{where}: {_first_line(e)}', path) from None
            if total < 1:
                raise CorruptMediaError(f'video has no frames{where}', path)
        except CorruptMediaError as err:
            handle_corrupt(self.on_corrupt, err, path, _clip_of(results),
                           type(self).__name__)
            return None
        results['total_frames'] = total
        results['video_reader'] = container
        results['avg_fps'] = fps
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(io_backend={self.io_backend}, '
                f'num_threads={self.num_threads}, '
                f'on_corrupt={self.on_corrupt!r})')


@TRANSFORMS.register_module('SafeDecordDecode')
class SafeDecordDecode(DecordDecode):
    """mmaction2's ``DecordDecode`` with clear errors and ``on_corrupt``.

    Catches frames that fail to decode (a video whose index opens but whose
    data is damaged) and names the video.

    Args:
        mode (str): ``'accurate'`` or ``'efficient'``.
        on_corrupt (str): ``'error'`` (default) or ``'skip'``.
    """

    def __init__(self, mode: str = 'accurate',
                 on_corrupt: str = 'error') -> None:
        super().__init__(mode=mode)
        self.on_corrupt = check_on_corrupt(on_corrupt)

    def transform(self, results: Dict) -> Optional[Dict]:
        """Decode ``frame_inds``; ``None`` when skipped under
        ``on_corrupt``."""
        path = results.get('filename', '<video>')
        try:
            try:
                out = super().transform(results)
                imgs = out['imgs']
            except Exception as e:
                raise CorruptMediaError(
                    'cannot decode frames '
                    f'{np.asarray(results["frame_inds"]).tolist()} of video'
                    f'{_where(results)}: {_first_line(e)}', path) from None
            if not imgs or any(
                    getattr(im, 'size', 0) == 0 for im in imgs):
                raise CorruptMediaError(
                    f'decoded empty frames from video{_where(results)}', path)
        except CorruptMediaError as err:
            results['video_reader'] = None
            handle_corrupt(self.on_corrupt, err, path, _clip_of(results),
                           type(self).__name__)
            return None
        return out

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(mode={self.mode}, '
                f'on_corrupt={self.on_corrupt!r})')
