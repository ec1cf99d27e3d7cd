"""Frame-folder discovery: numeric-aware sorted glob and filename templates.

DFER releases name frames ``00001_00001.jpg`` (DFEW), ``1.jpg .. 16.jpg``
(third-party ``clip_224x224_16f`` copies), ``img_00001.jpg`` (mmaction2
convention) or ``.png`` (some MAFW copies).  Frames are therefore discovered
by listing the folder and sorting with a numeric-aware key, never by a fixed
template.  When the sorted names form a contiguous numbered sequence, a
``filename_tmpl`` (plus ``offset``) is derived so that mmaction2's stock
``RawFrameDecode`` can read the clip; otherwise the explicit frame list is
kept and :class:`mmhdf.datasets.transforms.DFERFrameDecode` reads it.

A path that exists but is no readable folder (a regular file, a symlink
loop, a folder without read permission) raises :class:`FrameFolderError`
saying which, never a bare ``OSError``; the datasets turn it into an error
naming the split file and line, or a counted skip under
``on_missing='skip'``.
"""
import errno
import os
import os.path as osp
import re
import stat
from typing import Dict, List, Optional, Tuple

from .errors import DFERDatasetError

FRAME_EXTENSIONS = ('.jpg', '.jpeg', '.png')

_NUM_SPLIT = re.compile(r'(\d+)')
_NUMBERED = re.compile(r'^(.*?)(\d+)(\.[A-Za-z0-9]+)$')

# frame_dir -> (mtime_ns, sorted names); listing 16k folders is the slowest
# part of building a dataset, and train / val / test views of one fold share
# the same folders.
_LISTING_CACHE: Dict[str, Tuple[int, List[str]]] = {}


class FrameFolderError(DFERDatasetError, OSError):
    """A clip's frame folder exists but cannot be listed.

    ``str(err)`` is ``<folder>: <why>``; :attr:`reason` is the ``<why>``
    part. Subclasses both :class:`DFERDatasetError` and ``OSError``.

    Args:
        frame_dir (str): The frame folder.
        reason (str): What is wrong with it.
    """

    def __init__(self, frame_dir: str, reason: str) -> None:
        self.reason = reason
        self.frame_dir = frame_dir
        DFERDatasetError.__init__(self, reason, frame_dir)


def _folder_problem(frame_dir: str, err: OSError) -> str:
    if err.errno == errno.ELOOP:
        return 'is a symbolic-link loop (too many levels of symbolic links)'
    if err.errno == errno.ENOTDIR or (
            osp.exists(frame_dir) and not osp.isdir(frame_dir)):
        try:
            mode = os.stat(frame_dir).st_mode
            kind = 'a regular file' if stat.S_ISREG(mode) else 'not a folder'
        except OSError:
            kind = 'not a folder'
        return f'is {kind}, not a frame folder'
    if err.errno in (errno.EACCES, errno.EPERM):
        return 'cannot be read (permission denied)'
    return f'cannot be listed: {err.strerror or err}'


def natural_key(name: str) -> tuple:
    """Numeric-aware sort key: ``'2.jpg' < '10.jpg'``."""
    parts = _NUM_SPLIT.split(name)
    return tuple((0, int(p), p) if p.isdigit() else (1, 0, p.lower())
                 for p in parts)


def list_frames(frame_dir: str,
                extensions: Tuple[str, ...] = FRAME_EXTENSIONS,
                use_cache: bool = True) -> Optional[List[str]]:
    """List the image files in a frame folder, numerically sorted.

    Args:
        frame_dir (str): folder holding one clip's frames.
        extensions (tuple[str]): accepted (lower-case) extensions.
        use_cache (bool): reuse a listing while the folder's mtime is
            unchanged.

    Returns:
        list[str] | None: sorted file names, or ``None`` when the folder does
        not exist (nor does a link pointing to it).

    Raises:
        FrameFolderError: If the path exists but is no readable folder: a
            regular file, a symbolic-link loop, no read permission.
    """
    try:
        st = os.stat(frame_dir)
    except FileNotFoundError:  # also a dangling symbolic link
        return None
    except OSError as err:  # ELOOP, ENOTDIR on a parent, EACCES ...
        if err.errno == errno.ENOTDIR:
            return None  # a parent is a file: the folder does not exist
        raise FrameFolderError(frame_dir,
                               _folder_problem(frame_dir, err)) from None
    if not stat.S_ISDIR(st.st_mode):
        kind = 'a regular file' if stat.S_ISREG(st.st_mode) else \
            'not a folder'
        raise FrameFolderError(frame_dir, f'is {kind}, not a frame folder')
    mtime = st.st_mtime_ns
    if use_cache:
        hit = _LISTING_CACHE.get(frame_dir)
        if hit is not None and hit[0] == mtime:
            return list(hit[1])
    try:
        with os.scandir(frame_dir) as it:
            names = [
                e.name for e in it
                if e.name.lower().endswith(extensions) and not e.is_dir()
            ]
    except OSError as err:
        raise FrameFolderError(frame_dir,
                               _folder_problem(frame_dir, err)) from None
    names.sort(key=natural_key)
    if use_cache:
        _LISTING_CACHE[frame_dir] = (mtime, names)
    return list(names)


def infer_template(names: List[str]) -> Optional[Tuple[str, int]]:
    """Derive ``(filename_tmpl, first_number)`` for a contiguous sequence.

    ``filename_tmpl.format(first_number + i)`` must give ``names[i]`` for
    every ``i``; otherwise ``None`` is returned and the explicit list must be
    used.

    Args:
        names (list[str]): numerically sorted frame file names.

    Returns:
        tuple[str, int] | None: template and first frame number.
    """
    if not names:
        return None
    first = _NUMBERED.match(names[0])
    if first is None:
        return None
    prefix, digits, ext = first.groups()
    start = int(digits)

    def esc(text: str) -> str:
        return text.replace('{', '{{').replace('}', '}}')

    for num_fmt in ('{}', '{:0' + str(len(digits)) + 'd}'):
        tmpl = esc(prefix) + num_fmt + esc(ext)
        if all(tmpl.format(start + i) == n for i, n in enumerate(names)):
            return tmpl, start
    return None
