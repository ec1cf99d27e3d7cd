"""The input rules every DFER split file and clip path obeys.

Shared by :class:`~mmhdf.datasets.DFEWDataset`,
:class:`~mmhdf.datasets.FERV39kDataset` and
:class:`~mmhdf.datasets.MAFWDataset` (and ``tools/data/check_dfer_dataset.py``
through them), so the three datasets reject the same inputs with the same
kind of message, :class:`~mmhdf.datasets.DFERDatasetError` naming the file
and the 1-based line:

* :func:`read_split_lines` — the file must be readable and decode in its
  encoding (UTF-8, or GBK for MAFW's caption files); a stray byte names its
  line and column instead of a bare ``UnicodeDecodeError``.
* :func:`check_clip_path` — a clip path from a split file must stay inside
  the media root: no absolute path, no ``..`` / ``.`` / empty component, no
  backslash or NUL. A row ``../../secret Happy`` is refused, never read.
"""
import os.path as osp
from typing import List, Optional

from .errors import DFERDatasetError


def read_split_lines(path: str, encoding: str = 'utf-8-sig') -> List[str]:
    """Read a split file as decoded lines (line endings kept).

    Lines are split on ``\\n``, ``\\r\\n`` and ``\\r`` before decoding, so
    the line number of a bad byte is exact, and ``csv.reader`` can consume
    the result.

    Args:
        path (str): The split file.
        encoding (str): Its text encoding. ``'utf-8-sig'`` (default) accepts
            an optional byte-order mark.

    Returns:
        list[str]: One string per line, ``lines[i]`` being line ``i + 1``.

    Raises:
        DFERDatasetError: If the file cannot be read (``path``) or a line
            does not decode (``path:line``, with the byte and column).
    """
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except OSError as err:
        raise DFERDatasetError(
            f'cannot read the file: {err.strerror or err}', path) from None
    codec = encoding
    if encoding.lower().replace('_', '-') in ('utf-8-sig', 'utf8-sig'):
        codec = 'utf-8'
        if data.startswith(b'\xef\xbb\xbf'):
            data = data[3:]
    lines = []
    for ln, raw in enumerate(data.splitlines(keepends=True), start=1):
        try:
            lines.append(raw.decode(codec))
        except UnicodeDecodeError as err:
            raise DFERDatasetError(
                f'byte 0x{raw[err.start]:02x} at column {err.start + 1} is '
                f'not valid {codec} ({err.reason}); save the file as '
                f'{codec}', path, ln) from None
    return lines


def check_clip_path(rel: str,
                    ann_file: str,
                    line: int,
                    num_parts: Optional[int] = None,
                    what: str = 'clip path') -> List[str]:
    """Check that a clip path of a split file stays inside its media root.

    Args:
        rel (str): The path as written in the split file (``/``-separated;
            one trailing ``/`` is tolerated).
        ann_file (str): The split file (for the message).
        line (int): The 1-based line (for the message).
        num_parts (int, optional): Required number of components, e.g. 3
            for FERV39k's ``<Scene>/<Emotion>/<NNNN>``.
        what (str): What ``rel`` is, for the message.

    Returns:
        list[str]: The path components, safe to join under the root.

    Raises:
        DFERDatasetError: If ``rel`` is empty, absolute, or has a ``..``,
            ``.`` or empty component, a backslash or a NUL character, or not
            ``num_parts`` components; the message names ``ann_file:line``.
    """
    def refuse(why: str) -> DFERDatasetError:
        return DFERDatasetError(
            f'{what} {rel!r} {why}; split-file paths must be relative and '
            'stay inside the media root', ann_file, line)

    if not rel:
        raise refuse('is empty')
    if '\0' in rel:
        raise refuse('contains a NUL character')
    if '\\' in rel:
        raise refuse('contains a backslash')
    if rel.startswith('/') or osp.isabs(rel) or osp.splitdrive(rel)[0]:
        raise refuse('is absolute')
    parts = rel[:-1].split('/') if rel.endswith('/') else rel.split('/')
    if '..' in parts:
        raise refuse('leaves the media root (".." component)')
    if any(p in ('', '.') for p in parts):
        raise refuse('has an empty or "." component')
    if num_parts is not None and len(parts) != num_parts:
        raise DFERDatasetError(
            f'malformed {what} {rel!r}: expected {num_parts} '
            f'"/"-separated components', ann_file, line)
    return parts
