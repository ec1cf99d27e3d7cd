"""Frame-folder discovery: numeric-aware sorted glob and filename templates.

DFER releases name frames ``00001_00001.jpg`` (DFEW), ``1.jpg .. 16.jpg``
(third-party ``clip_224x224_16f`` copies), ``img_00001.jpg`` (mmaction2
convention) or ``.png`` (some MAFW copies).  Frames are therefore discovered
by listing the folder and sorting with a numeric-aware key, never by a fixed
template.  When the sorted names form a contiguous numbered sequence, a
``filename_tmpl`` (plus ``offset``) is derived so that mmaction2's stock
``RawFrameDecode`` can read the clip; otherwise the explicit frame list is
kept and :class:`mmhdf.datasets.transforms.DFERFrameDecode` reads it.
"""
import os
import re
from typing import Dict, List, Optional, Tuple

FRAME_EXTENSIONS = ('.jpg', '.jpeg', '.png')

_NUM_SPLIT = re.compile(r'(\d+)')
_NUMBERED = re.compile(r'^(.*?)(\d+)(\.[A-Za-z0-9]+)$')

# frame_dir -> (mtime_ns, sorted names); listing 16k folders is the slowest
# part of building a dataset, and train / val / test views of one fold share
# the same folders.
_LISTING_CACHE: Dict[str, Tuple[int, List[str]]] = {}


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
        not exist.
    """
    try:
        mtime = os.stat(frame_dir).st_mtime_ns
    except (FileNotFoundError, NotADirectoryError):
        return None
    if use_cache:
        hit = _LISTING_CACHE.get(frame_dir)
        if hit is not None and hit[0] == mtime:
            return list(hit[1])
    with os.scandir(frame_dir) as it:
        names = [
            e.name for e in it
            if e.name.lower().endswith(extensions) and not e.is_dir()
        ]
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
