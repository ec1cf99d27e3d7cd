"""Tell a complete checkpoint file from a truncated or corrupt one.

A job killed while ``torch.save`` writes leaves a file that starts like a
checkpoint but ends early. ``torch.load`` then fails deep inside its zip
reader (*PytorchStreamReader failed reading zip archive: failed finding
central directory*) or with a bare ``EOFError``. :func:`checkpoint_problem`
names the problem in words, so loaders and ``--resume`` can say which file
is broken and why.
"""
import os
import os.path as osp
import zipfile
from typing import Optional

_ZIP_MAGIC = b'PK\x03\x04'


class CheckpointCorruptError(RuntimeError):
    """Raised for a checkpoint file that is truncated or corrupt."""


def checkpoint_problem(path: str, verify_crc: bool = False) -> Optional[str]:
    """Why ``path`` is not a complete checkpoint, or None if it looks whole.

    ``torch.save`` writes a zip archive whose central directory comes last,
    so a truncated file has no central directory. With ``verify_crc`` every
    member is also read and its CRC checked (reads the whole file).

    Args:
        path (str): A local checkpoint file.
        verify_crc (bool): Also check every member's CRC.

    Returns:
        str or None: A short reason (``'missing'``, ``'empty file'``,
        ``'truncated: the zip archive has no central directory'``, ...), or
        None when the file is complete or not a zip archive (a pre-1.6
        torch file, or no checkpoint at all: ``torch.load`` judges those).
    """
    if not osp.isfile(path):
        return 'missing'
    size = os.path.getsize(path)
    if size == 0:
        return 'empty file'
    with open(path, 'rb') as f:
        head = f.read(4)
    if head != _ZIP_MAGIC:
        # pre-1.6 format or not a checkpoint at all: torch.load judges
        return None
    if not zipfile.is_zipfile(path):
        return (f'truncated ({size} bytes): the zip archive has no central '
                'directory')
    if verify_crc:
        try:
            with zipfile.ZipFile(path) as zf:
                bad = zf.testzip()
        except (zipfile.BadZipFile, OSError, EOFError) as err:
            return f'corrupt zip archive ({err})'
        if bad is not None:
            return f'corrupt: member {bad!r} fails its CRC check'
    return None


def corrupt_message(source: str, problem: str,
                    cached: Optional[str] = None) -> str:
    """The error message for a checkpoint that is not complete.

    Args:
        source (str): The path or URL the user gave.
        problem (str): What :func:`checkpoint_problem` found.
        cached (str, optional): The local (cached) file behind ``source``.

    Returns:
        str: A message naming the file and what to do.
    """
    where = f' (cached at {cached})' if cached and cached != source else ''
    return (f'Checkpoint {source}{where} is incomplete or corrupt: {problem}. '
            'It was probably being written (or downloaded) when the process '
            'was killed. Use an earlier checkpoint, or delete the file and '
            'let `--resume` pick the newest complete one.')
