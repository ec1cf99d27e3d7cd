"""Weights-only loaders for every checkpoint source mmengine accepts.

mmengine 0.10.7 registers a loader per source in ``CheckpointLoader``.
mmhdf replaces the local one (:func:`mmhdf.compat.checkpoint.load_from_local`);
without this module every other source would still fully unpickle:

* ``http(s)://`` goes to ``torch.hub.load_state_dict_from_url``, whose
  default is ``weights_only=False``, so a payload served from a web address
  runs (``load_from=http://...``, ``--resume http://...``,
  ``model.backbone.pretrained=http://...``, mmaction2's own tools/test.py);
* ``modelzoo://`` / ``torchvision://``, ``open-mmlab://`` / ``openmmlab://``
  and ``mmcls://`` resolve a model name to a URL and end on the same path
  (``open-mmlab://`` may also name a file under ``$MMENGINE_HOME``);
* ``pavi://`` and ``s3://`` / ``petrel://`` call ``torch.load`` without
  ``weights_only`` (so ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` turns on full
  unpickling).

Each loader here resolves names exactly like mmengine (same JSON tables, read
through ``mmengine.runner.checkpoint`` at call time), downloads into the same
cache (``<torch hub dir>/checkpoints``, i.e. ``$TORCH_HOME/hub/checkpoints``;
an existing cached file is not downloaded again; in distributed runs rank 0
downloads first), and loads the file with
:func:`mmhdf.compat.checkpoint.safe_torch_load`: a payload is refused with
:class:`~mmhdf.compat.UnsafeCheckpointError` naming the URL, a truncated file
with :class:`~mmhdf.compat.CheckpointCorruptError`. Ordinary OpenMMLab zoo
checkpoints (``state_dict`` plus a ``meta`` of plain types) load unchanged.
"""
import logging
import os
import os.path as osp
import pickle
import sys
import tempfile
from typing import Any, Callable, Optional, Union
from urllib.parse import urlparse

import torch
from mmengine.dist import get_dist_info
from mmengine.logging import print_log

from .checkpoint import (UnsafeCheckpointError, safe_torch_load,
                         unsafe_message)
from .plain_state import decode_plain_state

MapLocation = Optional[Union[str, Callable]]


def _mm_checkpoint():
    # Looked up at call time, so the URL tables are mmengine's current ones.
    from mmengine.runner import checkpoint
    return checkpoint


def cached_file_for(url: str, model_dir: Optional[str] = None) -> str:
    """Where a download of ``url`` is cached (torch hub / mmengine layout).

    Args:
        url (str): The checkpoint URL.
        model_dir (str, optional): Cache folder; defaults to
            ``<torch.hub.get_dir()>/checkpoints``.

    Returns:
        str: The cached file path.
    """
    if model_dir is None:
        model_dir = osp.join(torch.hub.get_dir(), 'checkpoints')
    return osp.join(model_dir, osp.basename(urlparse(url).path))


def _load_legacy_zip(cached: str, map_location: MapLocation,
                     source: str) -> Any:
    """A pre-1.6 checkpoint that was zipped by hand (torch hub accepts it)."""
    try:
        ckpt = torch.hub._legacy_zip_load(
            cached, osp.dirname(cached), map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else ''
        raise UnsafeCheckpointError(
            unsafe_message(source, first, cached)) from None
    return decode_plain_state(ckpt)


def _fetch_and_load(url: str, map_location: MapLocation = None,
                    model_dir: Optional[str] = None, progress: bool = False,
                    alias: Optional[str] = None) -> Any:
    """Download ``url`` into the cache once, then load it weights-only."""
    source = url if alias is None else f'{alias} ({url})'
    cached = cached_file_for(url, model_dir)
    if not osp.exists(cached):
        os.makedirs(osp.dirname(cached), exist_ok=True)
        sys.stdout.write(f'Downloading: "{url}" to {cached}\n')
        # downloads to a temporary file and renames it when complete
        torch.hub.download_url_to_file(url, cached, None, progress=progress)
    legacy = getattr(torch.hub, '_is_legacy_zip_format', None)
    if legacy is not None and legacy(cached):
        return _load_legacy_zip(cached, map_location, source)
    return safe_torch_load(cached, map_location=map_location, source=source)


def _rank_zero_first(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` on rank 0, then (after a barrier) on the other ranks."""
    rank, world_size = get_dist_info()
    result = fn() if rank == 0 else None
    if world_size > 1:
        torch.distributed.barrier()
        if rank > 0:
            result = fn()
    return result


def load_from_http(filename: str, map_location: MapLocation = None,
                   model_dir: Optional[str] = None,
                   progress: bool = os.isatty(0),
                   alias: Optional[str] = None) -> Any:
    """``http://`` / ``https://`` loader: cached download, weights-only.

    Args:
        filename (str): The URL.
        map_location: Passed to :func:`torch.load`.
        model_dir (str, optional): Cache folder (see :func:`cached_file_for`).
        progress (bool): Show a download progress bar.
        alias (str, optional): The ``scheme://name`` the URL was resolved
            from, named in errors together with the URL.

    Returns:
        The loaded checkpoint.
    """
    return _rank_zero_first(lambda: _fetch_and_load(
        filename, map_location, model_dir, progress, alias))


def _resolve(table: dict, name: str, filename: str) -> str:
    if name not in table:
        raise KeyError(f'{filename}: no model named {name!r} in mmengine\'s '
                       'model table')
    return table[name]


def load_from_torchvision(filename: str,
                          map_location: MapLocation = None) -> Any:
    """``torchvision://NAME`` (and deprecated ``modelzoo://NAME``) loader.

    Args:
        filename (str): ``torchvision://resnet50`` etc.
        map_location: Passed to :func:`torch.load`.

    Returns:
        The loaded checkpoint.
    """
    if filename.startswith('modelzoo://'):
        print_log('The URL scheme of "modelzoo://" is deprecated, please '
                  'use "torchvision://" instead', logger='current',
                  level=logging.WARNING)
    name = filename.split('://', 1)[1]
    url = _resolve(_mm_checkpoint().get_torchvision_models(), name, filename)
    return load_from_http(url, map_location=map_location, alias=filename)


def load_from_openmmlab(filename: str,
                        map_location: MapLocation = None) -> Any:
    """``open-mmlab://NAME`` / ``openmmlab://NAME`` loader.

    The name is looked up in mmengine's table plus
    ``$MMENGINE_HOME/open_mmlab.json``; a deprecated name is mapped to its
    successor; the entry is a URL or a file under ``$MMENGINE_HOME``.

    Args:
        filename (str): ``open-mmlab://NAME``.
        map_location: Passed to :func:`torch.load`.

    Returns:
        The loaded checkpoint.
    """
    mm = _mm_checkpoint()
    prefix, name = filename.split('://', 1)
    deprecated = mm.get_deprecated_model_names()
    if name in deprecated:
        print_log(f'{prefix}://{name} is deprecated in favor of '
                  f'{prefix}://{deprecated[name]}', logger='current',
                  level=logging.WARNING)
        name = deprecated[name]
    target = _resolve(mm.get_external_models(), name, filename)
    if target.startswith(('http://', 'https://')):
        return load_from_http(target, map_location=map_location,
                              alias=filename)
    local = osp.join(mm._get_mmengine_home(), target)
    if not osp.isfile(local):
        raise FileNotFoundError(f'{local} can not be found.')
    return safe_torch_load(local, map_location=map_location,
                           source=f'{filename} ({local})')


def load_from_mmcls(filename: str, map_location: MapLocation = None) -> Any:
    """``mmcls://NAME`` loader (backbone weights of an mmcls model).

    Args:
        filename (str): ``mmcls://NAME``.
        map_location: Passed to :func:`torch.load`.

    Returns:
        dict: ``state_dict`` with the ``backbone.`` prefix stripped, as
        mmengine returns it.
    """
    mm = _mm_checkpoint()
    name = filename.split('://', 1)[1]
    url = _resolve(mm.get_mmcls_models(), name, filename)
    checkpoint = load_from_http(url, map_location=map_location,
                                alias=filename)
    return mm._process_mmcls_checkpoint(checkpoint)


def _load_bytes(data: bytes, source: str, map_location: MapLocation) -> Any:
    with tempfile.TemporaryDirectory() as tmp:
        path = osp.join(tmp, 'checkpoint.pth')
        with open(path, 'wb') as f:
            f.write(data)
        return safe_torch_load(path, map_location=map_location,
                               source=source)


def load_from_pavi(filename: str, map_location: MapLocation = None) -> Any:
    """``pavi://`` loader (needs the ``pavi`` package), weights-only.

    Args:
        filename (str): ``pavi://MODEL_PATH``.
        map_location: Passed to :func:`torch.load`.

    Returns:
        The loaded checkpoint.
    """
    try:
        from pavi import modelcloud
    except ImportError:
        raise ImportError(
            'Please install pavi to load checkpoint from modelcloud.')
    model = modelcloud.get(filename[len('pavi://'):])
    with tempfile.TemporaryDirectory() as tmp:
        path = osp.join(tmp, model.name)
        model.download(path)
        return safe_torch_load(path, map_location=map_location,
                               source=filename)


def load_from_ceph(filename: str, map_location: MapLocation = None,
                   backend: str = 'petrel') -> Any:
    """``s3://`` / ``petrel://`` loader, weights-only.

    Args:
        filename (str): The object path.
        map_location: Passed to :func:`torch.load`.
        backend (str): mmengine file backend. Defaults to ``'petrel'``.

    Returns:
        The loaded checkpoint.
    """
    from mmengine.fileio import get_file_backend
    file_backend = get_file_backend(
        filename, backend_args={'backend': backend})
    return _load_bytes(file_backend.get(filename), filename, map_location)


#: mmengine 0.10.7's prefixes, each mapped to its weights-only loader.
SCHEMES = (
    (('http://', 'https://'), load_from_http),
    (('modelzoo://', 'torchvision://'), load_from_torchvision),
    (('open-mmlab://', 'openmmlab://'), load_from_openmmlab),
    (('mmcls://', ), load_from_mmcls),
    (('pavi://', ), load_from_pavi),
    ((r'(\S+\:)?s3://', r'(\S+\:)?petrel://'), load_from_ceph),
)


def register_remote_loaders() -> None:
    """Register every loader of :data:`SCHEMES` in mmengine (``force``)."""
    from mmengine.runner.checkpoint import CheckpointLoader
    for prefixes, loader in SCHEMES:
        CheckpointLoader.register_scheme(prefixes=list(prefixes),
                                         loader=loader, force=True)
