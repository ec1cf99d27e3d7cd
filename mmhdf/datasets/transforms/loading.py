"""Frame decoding for DFER frame folders."""
import copy
import os.path as osp
from typing import Dict

import mmcv
import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform
from mmengine.fileio import get


@TRANSFORMS.register_module()
class DFERFrameDecode(BaseTransform):
    """Decode the sampled frames of a DFER frame folder (RGB, HxWx3 uint8).

    Reads ``frame_list[idx - start_index]`` when the sample carries an
    explicit, numerically sorted ``frame_list``; otherwise formats
    ``filename_tmpl.format(idx + offset)`` exactly like mmaction2's
    ``RawFrameDecode`` (so both sample kinds produced by the DFER datasets
    work).  Repeated indices (padded short clips) are decoded once.
    An unreadable frame raises ``OSError`` naming the file.

    Required keys: ``frame_dir``, ``frame_inds`` and ``frame_list`` or
    ``filename_tmpl`` (+ ``offset``), ``start_index``.
    Added keys: ``imgs``, ``img_shape``, ``original_shape``.

    Args:
        backend_args (dict, optional): mmengine file backend arguments.
    """

    def __init__(self, backend_args: dict = None) -> None:
        self.backend_args = backend_args

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

    def transform(self, results: Dict) -> Dict:
        """Load ``imgs`` for ``frame_inds``."""
        inds = np.asarray(results['frame_inds']).reshape(-1)
        imgs, cache = [], {}
        for idx in inds:
            idx = int(idx)
            if idx in cache:
                imgs.append(copy.deepcopy(imgs[cache[idx]]))
                continue
            path = self._path(results, idx)
            try:
                img = mmcv.imfrombytes(
                    get(path, backend_args=self.backend_args),
                    channel_order='rgb')
            except (FileNotFoundError, OSError) as e:
                raise OSError(f'cannot read frame {path}: {e}') from e
            if img is None:
                raise OSError(f'cannot decode frame {path}')
            cache[idx] = len(imgs)
            imgs.append(img)
        results['imgs'] = imgs
        results['original_shape'] = imgs[0].shape[:2]
        results['img_shape'] = imgs[0].shape[:2]
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(backend_args={self.backend_args})'
