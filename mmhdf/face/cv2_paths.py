"""File names of any bytes for OpenCV: ASCII aliases of other paths.

On Linux a file name is a byte string; Python represents bytes that are not
UTF-8 as lone surrogates (``os.fsdecode(b'caf\\xe9.mp4') ==
'caf\\udce9.mp4'``). OpenCV's Python bindings cannot encode such a string,
and ``cv2.VideoCapture`` / ``cv2.VideoWriter`` **crash the interpreter**
(segmentation fault) on it instead of raising. Every path mmhdf hands to
OpenCV therefore goes through :func:`cv2_input_path` (reading: a symbolic
link with an ASCII name in a temporary folder points to the real file) or
:func:`cv2_output_path` (writing: OpenCV writes an ASCII-named temporary
file that is moved to the real name afterwards). Paths OpenCV can take
(UTF-8 encodable) are passed through unchanged, at no cost.

:func:`display_path` renders any path as printable text (undecodable bytes
as ``\\xNN``) for messages, JSON files and plot titles.
"""
import os
import os.path as osp
import shutil
import tempfile
from contextlib import contextmanager
from typing import Iterator, Union

PathLike = Union[str, bytes, os.PathLike]


def as_str_path(path: PathLike) -> str:
    """A ``str`` path for any of ``str``, ``bytes`` or ``os.PathLike``.

    Args:
        path (str | bytes | os.PathLike): A path; bytes are decoded with
            :func:`os.fsdecode` (undecodable bytes become surrogates, the
            file system still sees the original bytes).

    Returns:
        str: The path.
    """
    return os.fsdecode(os.fspath(path))


def cv2_safe(path: PathLike) -> bool:
    """Whether OpenCV can be given ``path`` as it is.

    Args:
        path (str | bytes | os.PathLike): A path.

    Returns:
        bool: True when the path is encodable as UTF-8 (no undecodable
        bytes).
    """
    try:
        as_str_path(path).encode('utf-8')
    except UnicodeEncodeError:
        return False
    return True


def display_path(path: PathLike) -> str:
    """Printable form of a path: undecodable bytes as ``\\xNN``.

    Args:
        path (str | bytes | os.PathLike): A path.

    Returns:
        str: Valid Unicode text, equal to the path when it is UTF-8.
    """
    raw = os.fsencode(as_str_path(path))
    return raw.decode('utf-8', errors='backslashreplace')


def _ascii_suffix(path: str) -> str:
    ext = osp.splitext(path)[1]
    return ext if ext.isascii() and ext.isprintable() else ''


@contextmanager
def _ascii_alias(path: str, role: str) -> Iterator[str]:
    """An ASCII file name in a fresh temporary folder, removed on exit."""
    tmp = tempfile.mkdtemp(prefix='mmhdf_cv2_')
    try:
        yield osp.join(tmp, role + _ascii_suffix(path))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def cv2_input_path(path: PathLike) -> Iterator[str]:
    """A path to an existing file that OpenCV can open.

    Args:
        path (str | bytes | os.PathLike): The file to read.

    Yields:
        str: ``path`` itself when OpenCV can take it, else an ASCII-named
        symbolic link to it (a copy where links are not possible), removed
        on exit.
    """
    path = as_str_path(path)
    if cv2_safe(path):
        yield path
        return
    with _ascii_alias(path, 'input') as alias:
        try:
            os.symlink(osp.abspath(path), alias)
        except OSError:
            shutil.copyfile(path, alias)
        yield alias


@contextmanager
def cv2_output_path(path: PathLike) -> Iterator[str]:
    """A path OpenCV can write, moved to ``path`` when the block ends.

    Args:
        path (str | bytes | os.PathLike): The file to write.

    Yields:
        str: ``path`` itself when OpenCV can take it, else an ASCII-named
        temporary file; if the block ends without an exception and the file
        was written, it is moved to ``path``.
    """
    path = as_str_path(path)
    if cv2_safe(path):
        yield path
        return
    with _ascii_alias(path, 'output') as alias:
        yield alias
        if osp.exists(alias):
            shutil.move(alias, path)
