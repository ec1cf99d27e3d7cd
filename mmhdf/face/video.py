"""Minimal OpenCV video reading / writing with errors that name the file.

File names of any bytes work: paths OpenCV cannot take (not UTF-8) are
opened through ASCII aliases (:mod:`mmhdf.face.cv2_paths`), and messages
show them with :func:`display_path`.
"""
import os
import os.path as osp
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Iterator, Tuple, Union

import cv2
import numpy as np

from .cv2_paths import (PathLike, as_str_path, cv2_input_path,
                        cv2_output_path, cv2_safe, display_path)

VIDEO_EXTENSIONS = ('.mp4', '.avi', '.mov', '.mkv', '.webm', '.m4v', '.mpg',
                    '.mpeg', '.wmv', '.flv', '.3gp')


class VideoReadError(RuntimeError):
    """A video file is missing, cannot be opened or holds no frame."""


@dataclass
class VideoInfo:
    """Basic stream facts.

    Attributes:
        path (str): The video file.
        fps (float): Frames per second (25 when the container has none).
        width (int): Frame width in pixels.
        height (int): Frame height in pixels.
        num_frames (int): Frames as reported by the container (may be off
            by a few; decoding counts the real number).
    """

    path: str
    fps: float
    width: int
    height: int
    num_frames: int


def _open(path: str, shown: str) -> cv2.VideoCapture:
    """Open ``path`` (OpenCV-safe) and name ``shown`` in errors."""
    cap = cv2.VideoCapture(path)
    if not cap.isOpened():
        raise VideoReadError(f'cannot open video {shown} (unsupported or '
                             'corrupt file)')
    return cap


def _check_file(path: str) -> None:
    if not osp.isfile(path):
        raise VideoReadError(f'video file not found: {display_path(path)}')


def probe_video(path: PathLike) -> VideoInfo:
    """Read the stream facts of a video and check that one frame decodes.

    Args:
        path (str | bytes | os.PathLike): The video file (any bytes).

    Returns:
        VideoInfo: fps, size and reported frame count.

    Raises:
        VideoReadError: If the file is missing, cannot be opened or has no
            decodable frame.
    """
    path = as_str_path(path)
    _check_file(path)
    shown = display_path(path)
    with cv2_input_path(path) as safe:
        cap = _open(safe, shown)
        try:
            ok, frame = cap.read()
            if not ok or frame is None:
                raise VideoReadError(f'video {shown} has no decodable frame')
            fps = cap.get(cv2.CAP_PROP_FPS)
            fps = float(fps) if fps and np.isfinite(fps) and fps > 0 \
                else 25.0
            count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
            return VideoInfo(path, fps, frame.shape[1], frame.shape[0],
                             max(count, 1))
        finally:
            cap.release()


def iter_frames(path: PathLike) -> Iterator[np.ndarray]:
    """Decode a video frame by frame.

    Args:
        path (str | bytes | os.PathLike): The video file (any bytes).

    Yields:
        np.ndarray: BGR frames, shape (H, W, 3), dtype uint8.

    Raises:
        VideoReadError: If the file cannot be opened.
    """
    path = as_str_path(path)
    _check_file(path)
    with cv2_input_path(path) as safe:
        cap = _open(safe, display_path(path))
        try:
            while True:
                ok, frame = cap.read()
                if not ok or frame is None:
                    break
                yield frame
        finally:
            cap.release()


class AliasedVideoWriter:
    """A ``cv2.VideoWriter`` on an ASCII alias, moved into place on release.

    Returned by :func:`open_video_writer` for paths OpenCV cannot take.

    Args:
        writer (cv2.VideoWriter): The opened writer (on the alias).
        stack (ExitStack): Holds the :func:`cv2_output_path` context.
    """

    def __init__(self, writer: cv2.VideoWriter, stack: ExitStack) -> None:
        self._writer = writer
        self._stack = stack

    def isOpened(self) -> bool:  # noqa: N802  (cv2's name)
        """Whether the writer is open."""
        return self._writer.isOpened()

    def write(self, frame: np.ndarray) -> None:
        """Append one BGR frame."""
        self._writer.write(frame)

    def release(self) -> None:
        """Close the file and move it to its real name."""
        self._writer.release()
        self._stack.close()


def open_video_writer(path: PathLike, fps: float, size: Tuple[int, int]
                      ) -> Union[cv2.VideoWriter, AliasedVideoWriter]:
    """Open an mp4 (``mp4v``) writer, creating the parent folder.

    Args:
        path (str | bytes | os.PathLike): Output file (``.mp4``; ``.avi``
            uses MJPG); any bytes.
        fps (float): Frame rate.
        size (tuple[int, int]): ``(width, height)``.

    Returns:
        cv2.VideoWriter | AliasedVideoWriter: An opened writer (call
        ``release()`` to finish the file).

    Raises:
        OSError: If OpenCV cannot open the writer.
    """
    path = as_str_path(path)
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    fourcc = cv2.VideoWriter_fourcc(
        *('MJPG' if path.lower().endswith('.avi') else 'mp4v'))
    stack = ExitStack()
    safe = stack.enter_context(cv2_output_path(path))
    writer = cv2.VideoWriter(safe, fourcc, fps, size)
    if not writer.isOpened():
        stack.close()
        raise OSError(f'cannot open a video writer for {display_path(path)}')
    if cv2_safe(path):
        return writer
    return AliasedVideoWriter(writer, stack)
