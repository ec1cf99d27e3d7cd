"""Safe checkpoint loading for mmengine 0.10.x under torch >= 2.6.

mmengine 0.10.7 calls ``torch.load`` without ``weights_only``; torch >= 2.6
defaults to ``weights_only=True`` and then refuses mmengine's own training
checkpoints (``Unsupported global: ... HistoryBuffer``). mmhdf fixes both
sides instead of turning the safety check off:

* every checkpoint an mmhdf run writes holds only tensors and plain types
  (:class:`mmhdf.compat.PlainCheckpointHook` encodes the message hub), and
* :func:`load_from_local`, registered as mmengine's loader for local paths
  by :func:`register_safe_loader` (``mmhdf.compat.apply('checkpoint')``,
  selected by mmhdf's configs and tools; not by ``import mmhdf``), always
  loads with ``weights_only=True`` and decodes the plain state again;
  every other source mmengine accepts (``http(s)://``, ``torchvision://``,
  ``open-mmlab://``, ``mmcls://``, ...) gets a weights-only loader too
  (:mod:`mmhdf.compat.checkpoint_schemes`): one policy for every source.

A truncated or corrupt file is refused with :class:`CheckpointCorruptError`
naming it. A file that needs full unpickling is refused with
:class:`UnsafeCheckpointError` and its payload never runs. Full unpickling
is an explicit opt-in for local files you trust (legacy checkpoints): list
them in the environment variable ``MMHDF_TRUSTED_CHECKPOINTS``
(``os.pathsep``-separated) or call :func:`trust_checkpoint`;
``tools/train.py`` / ``tools/test.py`` expose it as ``--trust-checkpoint``.
It is never a silent fallback, and never applies to a download.
"""
import os
import os.path as osp
import pickle
from typing import Any, Callable, Optional, Set, Union

import torch

from .checkpoint_integrity import (CheckpointCorruptError,
                                   checkpoint_problem, corrupt_message)
from .plain_state import decode_plain_state

TRUST_ENV = 'MMHDF_TRUSTED_CHECKPOINTS'
# torch.load's RuntimeError messages for a truncated / damaged file
_CORRUPT_MARKERS = ('zip archive', 'unexpected EOF', 'corrupted')
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


def unsafe_message(source: str, first: str, cached: Optional[str]) -> str:
    """The refusal message for a checkpoint that needs full unpickling.

    Args:
        source (str): The path or URL the user gave.
        first (str): First line of torch's error.
        cached (str, optional): The local file behind ``source``.

    Returns:
        str: A message naming the source and the ways out.
    """
    where = f' (cached at {cached})' if cached and cached != source else ''
    remote = cached is not None and cached != source
    advice = (
        'A remote checkpoint is never fully unpickled. If you trust its '
        'publisher, convert the downloaded file once with `python '
        'tools/convert_checkpoint.py CACHED OUT --trust` and load OUT.'
        if remote else
        'If you wrote this file yourself and trust it (e.g. a legacy '
        'mmengine checkpoint), convert it once with `python '
        'tools/convert_checkpoint.py IN OUT --trust`, or opt in explicitly '
        f'with --trust-checkpoint / the {TRUST_ENV} environment variable.')
    return (
        f'Refusing to load checkpoint {source}{where}: it is not loadable '
        f'with torch.load(weights_only=True) ({first}). mmhdf never '
        'unpickles arbitrary objects, because a pickle payload can run code. '
        'Checkpoints written by mmhdf runs and by tools/publish_model.py '
        'hold only tensors and plain types; so do ordinary OpenMMLab model '
        f'zoo checkpoints. {advice}')


def safe_torch_load(filename: str,
                    map_location: Optional[Union[str, Callable]] = None,
                    source: Optional[str] = None) -> Any:
    """Load a checkpoint with ``weights_only=True`` and decode plain state.

    Args:
        filename (str): Local path of the checkpoint.
        map_location: Passed to :func:`torch.load`.
        source (str, optional): Where the file came from (a URL or a
            ``scheme://name``), named in error messages. Defaults to
            ``filename``. A file with a ``source`` other than itself (a
            download) is never trusted for full unpickling.

    Returns:
        The checkpoint object, with mmengine state objects restored.

    Raises:
        FileNotFoundError: If ``filename`` is not a file.
        UnsafeCheckpointError: If the file needs full unpickling and was not
            marked as trusted.
        CheckpointCorruptError: If the file is truncated or corrupt.
    """
    filename = osp.expanduser(filename)
    source = filename if source is None else source
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    problem = checkpoint_problem(filename)
    if problem is not None:
        raise CheckpointCorruptError(
            corrupt_message(source, problem, filename))
    trusted = source == filename and is_trusted(filename)
    try:
        ckpt = torch.load(
            filename, map_location=map_location, weights_only=not trusted)
    except pickle.UnpicklingError as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else ''
        raise UnsafeCheckpointError(
            unsafe_message(source, first, filename)) from None
    except (EOFError, RuntimeError) as err:
        text = str(err).strip().splitlines()
        if isinstance(err, RuntimeError) and not (text and any(
                m in text[0] for m in _CORRUPT_MARKERS)):
            raise
        raise CheckpointCorruptError(corrupt_message(
            source, text[0] if text else 'unexpected end of file',
            filename)) from None
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
    """Make mmhdf's weights-only loaders mmengine's loaders for every scheme.

    Local paths get :func:`load_from_local`; ``http(s)://``, ``modelzoo://``,
    ``torchvision://``, ``open-mmlab://``, ``openmmlab://``, ``mmcls://``,
    ``pavi://`` and ``s3://`` / ``petrel://`` get the loaders of
    :mod:`mmhdf.compat.checkpoint_schemes`.
    """
    from mmengine.runner.checkpoint import CheckpointLoader

    from .checkpoint_schemes import register_remote_loaders
    CheckpointLoader.register_scheme(prefixes='', loader=load_from_local,
                                     force=True)
    register_remote_loaders()
