"""Frame decoding for DFER frame folders."""
import copy
import os.path as osp
from typing import Dict, Optional

import mmcv
import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform
from mmengine.fileio import get

from ..bad_samples import CorruptMediaError, check_on_corrupt, handle_corrupt


@TRANSFORMS.register_module()
class DFERFrameDecode(BaseTransform):
    """Decode the sampled frames of a DFER frame folder (RGB, HxWx3 uint8).

    Reads ``frame_list[idx - start_index]`` when the sample carries an
    explicit, numerically sorted ``frame_list``; otherwise formats
    ``filename_tmpl.format(idx + offset)`` exactly like mmaction2's
    ``RawFrameDecode`` (so both sample kinds produced by the DFER datasets
    work).  Repeated indices (padded short clips) are decoded once.
    A missing, zero-byte or undecodable frame, or one whose size differs
    from the clip's first frame, raises
    :class:`~mmhdf.datasets.bad_samples.CorruptMediaError` (an ``OSError``)
    naming the frame file and its clip folder; with ``on_corrupt='skip'``
    (training pipelines only) the sample is logged, counted in the skip log
    and ``None`` is returned, so mmengine draws another sample (see
    :mod:`mmhdf.datasets.bad_samples`).

    Required keys: ``frame_dir``, ``frame_inds`` and ``frame_list`` or
    ``filename_tmpl`` (+ ``offset``), ``start_index``.
    Added keys: ``imgs``, ``img_shape``, ``original_shape``.

    Args:
        backend_args (dict, optional): mmengine file backend arguments.
        on_corrupt (str): ``'error'`` (default) or ``'skip'``.
    """

    def __init__(self, backend_args: dict = None,
                 on_corrupt: str = 'error') -> None:
        self.backend_args = backend_args
        self.on_corrupt = check_on_corrupt(on_corrupt)

    def _path(self, results: Dict, idx: int) -> str:
        frame_list = results.get('frame_list')
        if frame_list is not None:
            pos = idx - results.get('start_index', 0)
            if not 0 <= pos < len(frame_list):
                raise IndexError(
                    f'frame index {pos} out of range for '
                    f'{results["frame_dir"]} ({len(frame_list)} frames)')
            return osp.join(results['frame_dir'], frame_list[pos])
        return osp.join(results['frame_dir'],
                        results['filename_tmpl'].format(
                            idx + results.get('offset', 0)))

    def _read(self, path: str, frame_dir: str):
        """Decode one frame or raise :class:`CorruptMediaError`."""
        where = f'(frame of clip folder {frame_dir})'
        try:
            data = get(path, backend_args=self.backend_args)
        except FileNotFoundError:
            raise CorruptMediaError(f'frame file not found {where}',
                                    path) from None
        except OSError as e:
            raise CorruptMediaError(f'cannot read frame {where}: {e}',
                                    path) from None
        if not data:
            raise CorruptMediaError(f'zero-byte frame file {where}', path)
        try:
            img = mmcv.imfrombytes(data, channel_order='rgb')
        except Exception:  # cv2.error on undecodable bytes
            raise CorruptMediaError(
                f'corrupt frame, not a decodable image {where}',
                path) from None
        if img is None or img.size == 0:
            raise CorruptMediaError(
                f'corrupt frame, not a decodable image {where}', path)
        return img

    def transform(self, results: Dict) -> Optional[Dict]:
        """Load ``imgs`` for ``frame_inds`` (``None`` when skipped)."""
        inds = np.asarray(results['frame_inds']).reshape(-1)
        frame_dir = results['frame_dir']
        imgs, cache = [], {}
        for idx in inds:
            idx = int(idx)
            if idx in cache:
                imgs.append(copy.deepcopy(imgs[cache[idx]]))
                continue
            path = self._path(results, idx)
            try:
                img = self._read(path, frame_dir)
                if imgs and img.shape != imgs[0].shape:
                    raise CorruptMediaError(
                        f'frame has shape {img.shape} but the first sampled '
                        f'frame of clip folder {frame_dir} has '
                        f'{imgs[0].shape}', path)
            except CorruptMediaError as err:
                handle_corrupt(self.on_corrupt, err, path, frame_dir,
                               type(self).__name__)
                return None
            cache[idx] = len(imgs)
            imgs.append(img)
        results['imgs'] = imgs
        results['original_shape'] = imgs[0].shape[:2]
        results['img_shape'] = imgs[0].shape[:2]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(backend_args={self.backend_args}, '
                f'on_corrupt={self.on_corrupt!r})')
