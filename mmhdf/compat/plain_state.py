"""Encode mmengine's non-tensor training state into plain Python types.

mmengine 0.10.x stores ``HistoryBuffer`` objects, numpy arrays and numpy
scalars in a checkpoint's ``message_hub`` (and sometimes in ``meta``). Such a
checkpoint can only be opened by full unpickling, which runs arbitrary code.
mmhdf keeps every checkpoint it writes loadable with
``torch.load(weights_only=True)`` by encoding those objects into tagged dicts
of tensors / str / int / float on save (:func:`encode_plain_state`) and back on
load (:func:`decode_plain_state`).
"""
from collections import OrderedDict
from typing import Any

import numpy as np
import torch

TAG = '__mmhdf_type__'
_PLAIN = (str, int, float, bool, type(None), torch.Tensor, torch.Size)


def _history_buffer_cls():
    from mmengine.logging import HistoryBuffer
    return HistoryBuffer


def encode_plain_state(obj: Any, path: str = 'checkpoint') -> Any:
    """Recursively convert ``obj`` into types ``weights_only`` loading allows.

    Args:
        obj: A checkpoint dict or any value inside it.
        path (str): Key path used in error messages.

    Returns:
        The encoded object: dicts, lists, tuples, tensors and Python scalars.

    Raises:
        TypeError: For an object that has no plain encoding; the message
            names the key path.
    """
    # np.float64 subclasses float, so numpy scalars are checked first.
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, _PLAIN):
        return obj
    if isinstance(obj, np.ndarray):
        if obj.dtype == object:
            return {TAG: 'ndarray_list', 'data':
                    [encode_plain_state(v, f'{path}[{i}]')
                     for i, v in enumerate(obj.tolist())]}
        return {TAG: 'ndarray', 'data': torch.from_numpy(obj.copy())}
    if isinstance(obj, _history_buffer_cls()):
        return {
            TAG: 'HistoryBuffer',
            'log_history': encode_plain_state(
                np.asarray(obj._log_history), path + '.log_history'),
            'count_history': encode_plain_state(
                np.asarray(obj._count_history), path + '.count_history'),
            'max_length': int(obj.max_length),
        }
    if isinstance(obj, OrderedDict):
        return OrderedDict((k, encode_plain_state(v, f'{path}.{k}'))
                           for k, v in obj.items())
    if isinstance(obj, dict):
        return {k: encode_plain_state(v, f'{path}.{k}') for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        out = [encode_plain_state(v, f'{path}[{i}]') for i, v in enumerate(obj)]
        return out if isinstance(obj, list) else tuple(out)
    raise TypeError(
        f'{path}: cannot store an object of type {type(obj).__qualname__} in '
        'a weights-only checkpoint. mmhdf checkpoints hold only tensors and '
        'plain Python types; convert it to those before saving.')


def decode_plain_state(obj: Any) -> Any:
    """Invert :func:`encode_plain_state` (idempotent on decoded objects).

    Args:
        obj: An encoded checkpoint or value.

    Returns:
        The value with ``HistoryBuffer`` objects and numpy arrays restored.
    """
    if isinstance(obj, dict):
        kind = obj.get(TAG)
        if kind == 'HistoryBuffer':
            buf = _history_buffer_cls()(max_length=obj['max_length'])
            buf._log_history = decode_plain_state(obj['log_history'])
            buf._count_history = decode_plain_state(obj['count_history'])
            return buf
        if kind == 'ndarray':
            return obj['data'].numpy().copy()
        if kind == 'ndarray_list':
            return np.array([decode_plain_state(v) for v in obj['data']],
                            dtype=object)
        items = ((k, decode_plain_state(v)) for k, v in obj.items())
        return OrderedDict(items) if isinstance(obj, OrderedDict) else dict(
            items)
    if isinstance(obj, list):
        return [decode_plain_state(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(decode_plain_state(v) for v in obj)
    return obj
