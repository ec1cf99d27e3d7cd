"""Decode-time bad-sample policy: clear errors, or logged and counted skips.

A clip whose media cannot be decoded (zero-byte or corrupt frame, zero-byte,
truncated or corrupt video) is handled by the decode transforms
(:class:`~mmhdf.datasets.transforms.DFERFrameDecode`,
:class:`~mmhdf.datasets.transforms.SafeDecordInit` /
:class:`~mmhdf.datasets.transforms.SafeDecordDecode`) according to their
``on_corrupt`` argument:

* ``'error'`` (default): raise :class:`CorruptMediaError`, whose message
  names the bad file (and the clip folder / clip id);
* ``'skip'`` (training pipelines only): log a warning naming the file,
  append one JSON line to the *skip log* and return ``None``; mmengine's
  ``BaseDataset.__getitem__`` then draws another random sample (up to
  ``max_refetch`` times). :class:`mmhdf.engine.safety.BadSampleReportHook`
  reads the skip log and reports, at the end of every epoch, how many
  samples were skipped and which.

The skip log is a file (path in the environment variable
:data:`SKIP_LOG_ENV`, set by the hook before any data-loader worker starts),
so skips made in worker processes are counted too: each record is a single
``O_APPEND`` write, atomic between processes.  Without the hook (e.g. a
transform used on its own) skips are still logged as warnings and kept in a
per-process list (:func:`local_skips`), never dropped silently.

Skipping is refused for validation / test data (``check_config`` and the
report hook raise): dropping a clip there would silently change the evaluated
set. Corrupt evaluation clips must be fixed or removed from the split file.
"""
import json
import logging
import os
import time
from typing import Dict, List, Optional, Tuple

from mmengine.logging import print_log

from .errors import DFERDatasetError

ON_CORRUPT_POLICIES = ('error', 'skip')

#: Environment variable holding the skip-log path (set by the report hook).
SKIP_LOG_ENV = 'MMHDF_BAD_SAMPLE_LOG'

_LOCAL: List[Dict] = []


class CorruptMediaError(DFERDatasetError, OSError):
    """A frame or video that exists but cannot be decoded.

    The message starts with the bad file: ``<file>: <what is wrong>``.
    Subclasses both :class:`DFERDatasetError` (``ValueError``) and
    ``OSError``.
    """


def check_on_corrupt(policy: str) -> str:
    """Validate an ``on_corrupt`` value.

    Args:
        policy (str): ``'error'`` or ``'skip'``.

    Returns:
        str: ``policy``.
    """
    if policy not in ON_CORRUPT_POLICIES:
        raise ValueError(f'on_corrupt must be one of {ON_CORRUPT_POLICIES}, '
                         f'got {policy!r}')
    return policy


def record_skip(path: str, reason: str, clip: Optional[str] = None,
                transform: str = '') -> Dict:
    """Log and record one skipped sample.

    Args:
        path (str): The bad file.
        reason (str): The full error message.
        clip (str, optional): The clip (folder, video or id) it belongs to.
        transform (str): Name of the transform that skipped it.

    Returns:
        dict: The record written.
    """
    rec = dict(file=str(path), clip=None if clip is None else str(clip),
               reason=str(reason), transform=transform, pid=os.getpid(),
               time=time.time())
    print_log(f'skipping corrupt sample (on_corrupt=\'skip\'): {reason}',
              logger='current', level=logging.WARNING)
    log = os.environ.get(SKIP_LOG_ENV)
    if log:
        line = (json.dumps(rec) + '\n').encode('utf-8')
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
    else:
        _LOCAL.append(rec)
    return rec


def local_skips() -> List[Dict]:
    """Skips recorded in this process while no skip log was set."""
    return list(_LOCAL)


def read_skip_log(path: str, offset: int = 0) -> Tuple[List[Dict], int]:
    """Read the records appended to a skip log since ``offset``.

    Args:
        path (str): The skip log.
        offset (int): Byte offset to start from.

    Returns:
        tuple[list[dict], int]: The complete records and the offset after
        the last complete line.
    """
    if not path or not os.path.isfile(path):
        return [], offset
    with open(path, 'rb') as f:
        f.seek(offset)
        data = f.read()
    end = data.rfind(b'\n') + 1
    records = []
    for raw in data[:end].splitlines():
        if raw.strip():
            records.append(json.loads(raw.decode('utf-8')))
    return records, offset + end


def handle_corrupt(policy: str, err: CorruptMediaError, path: str,
                   clip: Optional[str], transform: str) -> None:
    """Raise ``err`` (``'error'``) or record a skip (``'skip'``).

    Args:
        policy (str): ``on_corrupt`` of the calling transform.
        err (CorruptMediaError): The error describing the problem.
        path (str): The bad file.
        clip (str, optional): Its clip.
        transform (str): The calling transform's name.
    """
    if policy == 'error':
        raise err
    record_skip(path, str(err), clip, transform)
