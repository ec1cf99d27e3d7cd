"""Command-line pieces of the demo and ``tools/data/face_crop.py``.

:func:`add_face_args` declares the face-preprocessing options both share
(detector, crop size, margin, detection stride, no-face rule), so the two
command lines cannot drift apart. The ``argparse`` types raise
:class:`argparse.ArgumentTypeError`, so a bad value is a usage error (exit
code 2) whose message names the argument, e.g.
``argument --batch-size: must be an integer >= 1, got '0'``.
"""
import argparse
import math
import os
import os.path as osp
from typing import Callable, Optional

from .cv2_paths import display_path
from .detection import DETECTOR_HELP
from .tracking import DEFAULT_MIN_FACE_SHARE

#: largest face-crop side the CLIs accept: crops of every needed frame are
#: held in memory (DFEW's are 224)
MAX_FACE_SIZE = 1024


def _number(text: str, kind: type) -> float:
    try:
        value = kind(text)
    except ValueError:
        what = 'an integer' if kind is int else 'a number'
        raise argparse.ArgumentTypeError(
            f'must be {what}, got {text!r}') from None
    if kind is float and not math.isfinite(value):
        raise argparse.ArgumentTypeError(f'must be finite, got {text!r}')
    return value


def _checked(kind: type, accept: Callable[[float], bool],
             requirement: str) -> Callable[[str], float]:
    """An argparse type: a number of ``kind`` that passes ``accept``.

    Args:
        kind (type): ``int`` or ``float`` (floats must be finite).
        accept (callable): The range check on the parsed value.
        requirement (str): What the error says the value must be.

    Returns:
        callable: The argparse type.
    """

    def parse(text: str) -> float:
        value = _number(text, kind)
        if not accept(value):
            raise argparse.ArgumentTypeError(
                f'must be {requirement}, got {text!r}')
        return value

    return parse


def int_at_least(low: int) -> Callable[[str], int]:
    """An integer ``>= low``.

    Args:
        low (int): Smallest accepted value.

    Returns:
        callable: The argparse type.
    """
    return _checked(int, lambda v: v >= low, f'an integer >= {low}')


def int_in_range(low: int, high: int) -> Callable[[str], int]:
    """An integer in ``[low, high]``.

    Args:
        low (int): Smallest accepted value.
        high (int): Largest accepted value.

    Returns:
        callable: The argparse type.
    """
    return _checked(int, lambda v: low <= v <= high,
                    f'an integer in [{low}, {high}]')


#: a finite number ``> 0`` (argparse type)
positive_float = _checked(float, lambda v: v > 0, '> 0')

#: a fraction in ``[0, 1]`` (argparse type)
share = _checked(float, lambda v: 0 <= v <= 1, 'a fraction in [0, 1]')


def output_dir(text: str) -> str:
    """A folder that exists or can be created (not an existing file).

    Args:
        text (str): The command-line value.

    Returns:
        str: The path, unchanged.
    """
    if not text:
        raise argparse.ArgumentTypeError('must be a folder, got an empty '
                                         'path')
    shown = display_path(text)
    if osp.exists(text) and not osp.isdir(text):
        raise argparse.ArgumentTypeError(
            f'{shown} is an existing file, not a folder')
    parent: Optional[str] = osp.abspath(text)
    while parent and not osp.exists(parent):
        up = osp.dirname(parent)
        parent = None if up == parent else up
    if parent is not None:
        if not osp.isdir(parent):
            raise argparse.ArgumentTypeError(
                f'cannot create {shown}: {display_path(parent)} is a file, '
                'not a folder')
        if not os.access(parent, os.W_OK | os.X_OK):
            raise argparse.ArgumentTypeError(
                f'cannot create or write {shown}: {display_path(parent)} is '
                'not writable')
    return text


def plain_name(text: str) -> str:
    """A single path component (no ``/``, ``\\``, ``.`` or ``..``).

    Args:
        text (str): The command-line value.

    Returns:
        str: The name.
    """
    if (not text or text in ('.', '..') or '/' in text or '\\' in text
            or '\0' in text):
        raise argparse.ArgumentTypeError(
            f'must be a plain name without path separators, got {text!r}')
    return text


def torch_device(text: str) -> str:
    """A torch device string that exists on this machine.

    Args:
        text (str): e.g. ``cpu``, ``cuda``, ``cuda:1``.

    Returns:
        str: The device string.
    """
    import torch
    try:
        device = torch.device(text)
    except (RuntimeError, ValueError):
        raise argparse.ArgumentTypeError(
            f'not a torch device: {text!r} (e.g. cpu, cuda, cuda:0)'
        ) from None
    if device.type == 'cuda':
        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if count == 0:
            raise argparse.ArgumentTypeError(
                f'{text!r}: no CUDA device is available (use cpu)')
        if device.index is not None and device.index >= count:
            raise argparse.ArgumentTypeError(
                f'{text!r}: only {count} CUDA device(s) available')
    elif device.type != 'cpu':
        backend = getattr(torch.backends, device.type, None)
        available = getattr(backend, 'is_available', lambda: False)
        if not available():
            raise argparse.ArgumentTypeError(
                f'{text!r}: device type {device.type} is not available here '
                '(use cpu)')
    return text


def add_face_args(parser: argparse.ArgumentParser,
                  size_flag: str = '--face-size',
                  size_help: str = 'side of the square face crops',
                  no_face: str = 'the video has no face') -> None:
    """Declare the face-preprocessing options on ``parser``.

    Adds ``--detector``, the crop side (``size_flag``, default 224, as
    DFEW's crops), ``--box-scale``, ``--detect-every`` and
    ``--min-face-share`` (see :mod:`mmhdf.face.tracking`), with the same
    types, defaults and ranges for every tool.

    Args:
        parser (argparse.ArgumentParser): The parser to extend.
        size_flag (str): Flag of the crop side (the demo's ``--face-size``,
            ``face_crop.py``'s ``--size``).
        size_help (str): What the crop side is for, in the tool's words.
        no_face (str): What the tool does with a video whose face share is
            below ``--min-face-share``.
    """
    parser.add_argument('--detector', default='auto', help=DETECTOR_HELP)
    parser.add_argument(size_flag, type=int_in_range(1, MAX_FACE_SIZE),
                        default=224,
                        help=f'{size_help}, 1..{MAX_FACE_SIZE}')
    parser.add_argument('--box-scale', type=positive_float, default=1.25,
                        help='margin factor around the detected face box, '
                        '> 0')
    parser.add_argument('--detect-every', type=int_at_least(1), default=1,
                        help='run the detector on every k-th frame, >= 1')
    parser.add_argument(
        '--min-face-share', type=share, default=DEFAULT_MIN_FACE_SHARE,
        help='the main face must be detected in at least this share of the '
        'scanned frames (0..1; interpolated frames do not count), else '
        f'{no_face}')
