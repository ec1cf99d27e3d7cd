"""Safe checkpoint loading for mmengine 0.10.x under torch >= 2.6.

mmengine 0.10.7 calls ``torch.load`` without ``weights_only``; torch >= 2.6
defaults to ``weights_only=True`` and then refuses mmengine's own training
checkpoints (``Unsupported global: ... HistoryBuffer``). mmhdf fixes both
sides instead of turning the safety check off:

* every checkpoint an mmhdf run writes holds only tensors and plain types
  (:class:`mmhdf.compat.PlainCheckpointHook` encodes the message hub), and
* :func:`load_from_local`, registered as mmengine's loader for local paths,
  always loads with ``weights_only=True`` and decodes the plain state again.

A file that needs full unpickling is refused with :class:`UnsafeCheckpointError`
and its payload never runs. Full unpickling is an explicit opt-in for files
you trust (legacy checkpoints): list them in the environment variable
``MMHDF_TRUSTED_CHECKPOINTS`` (``os.pathsep``-separated) or call
:func:`trust_checkpoint`; ``tools/train.py`` / ``tools/test.py`` expose it as
``--trust-checkpoint``. It is never a silent fallback.
"""
import os
import os.path as osp
import pickle
from typing import Any, Callable, Optional, Set, Union

import torch

from .plain_state import decode_plain_state

TRUST_ENV = 'MMHDF_TRUSTED_CHECKPOINTS'
_trusted: Set[str] = set()


class UnsafeCheckpointError(RuntimeError):
    """Raised when a checkpoint cannot be loaded with ``weights_only=True``."""


def _canonical(path: str) -> str:
    return osp.realpath(osp.expanduser(path))


def trust_checkpoint(path: str) -> None:
    """Opt in to full unpickling of one checkpoint file you trust.

    Args:
        path (str): The checkpoint file. Only this exact file is trusted.
    """
    _trusted.add(_canonical(path))


def is_trusted(path: str) -> bool:
    """Whether ``path`` was explicitly marked as trusted.

    Args:
        path (str): A checkpoint path.

    Returns:
        bool: True if :func:`trust_checkpoint` or ``MMHDF_TRUSTED_CHECKPOINTS``
        names this file.
    """
    env = os.environ.get(TRUST_ENV, '')
    listed = {_canonical(p) for p in env.split(os.pathsep) if p}
    return _canonical(path) in (_trusted | listed)


def safe_torch_load(filename: str,
                    map_location: Optional[Union[str, Callable]] = None
                    ) -> Any:
    """Load a checkpoint with ``weights_only=True`` and decode plain state.

    Args:
        filename (str): Local path of the checkpoint.
        map_location: Passed to :func:`torch.load`.

    Returns:
        The checkpoint object, with mmengine state objects restored.

    Raises:
        FileNotFoundError: If ``filename`` is not a file.
        UnsafeCheckpointError: If the file needs full unpickling and was not
            marked as trusted.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    trusted = is_trusted(filename)
    try:
        ckpt = torch.load(
            filename, map_location=map_location, weights_only=not trusted)
    except pickle.UnpicklingError as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else ''
        raise UnsafeCheckpointError(
            f'Refusing to load checkpoint {filename}: it is not loadable with '
            f'torch.load(weights_only=True) ({first}). mmhdf never unpickles '
            'arbitrary objects, because a pickle payload can run code. '
            'Checkpoints written by mmhdf runs and by tools/publish_model.py '
            'hold only tensors and plain types. If you wrote this file '
            'yourself and trust it (e.g. a legacy mmengine checkpoint), '
            'convert it once with `python tools/convert_checkpoint.py IN OUT '
            '--trust`, or opt in explicitly with --trust-checkpoint / the '
            f'{TRUST_ENV} environment variable.') from None
    return decode_plain_state(ckpt)


def load_from_local(filename: str,
                    map_location: Optional[Union[str, Callable]] = None
                    ) -> Any:
    """mmengine ``CheckpointLoader`` scheme for local files (weights-only).

    Named ``load_from_local`` because mmengine logs ``fn.__name__[10:]``.

    Args:
        filename (str): Local path, optionally ``file://``-free.
        map_location: Passed to :func:`torch.load`.

    Returns:
        The loaded checkpoint.
    """
    return safe_torch_load(filename, map_location=map_location)


def register_safe_loader() -> None:
    """Make :func:`load_from_local` mmengine's loader for local paths."""
    from mmengine.runner.checkpoint import CheckpointLoader
    CheckpointLoader.register_scheme(prefixes='', loader=load_from_local,
                                     force=True)
