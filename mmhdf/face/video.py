"""Minimal OpenCV video reading / writing with errors that name the file.

A *video* is a video file or a **folder of frames** (DFEW's
``clip_224x224/<id>/`` layout): image files (:data:`FRAME_EXTENSIONS`)
sorted numerically by the digits in their names (``2.jpg`` before
``10.jpg``), read at :data:`FOLDER_FPS` frames per second.

Written videos: ``.webm`` is VP9 (plays in browsers; needs an OpenCV
build with FFmpeg's VP9 encoder, see :func:`browser_video_ext`), ``.mp4``
is MPEG-4 Part 2 (``mp4v``, which browsers do not play), ``.avi`` MJPG.

File names of any bytes work: paths OpenCV cannot take (not UTF-8) are
opened through ASCII aliases (:mod:`mmhdf.face.cv2_paths`), and messages
show them with :func:`display_path`.
"""
import functools
import os
import os.path as osp
import re
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Iterator, List, Tuple, Union

import cv2
import numpy as np

from .cv2_paths import (PathLike, as_str_path, cv2_input_path,
                        cv2_output_path, cv2_safe, display_path)

#: image files of a frame folder
FRAME_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp')
#: frame rate of a frame folder (it has no container to say)
FOLDER_FPS = 25.0

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
    if not osp.isfile(path) and not osp.isdir(path):
        raise VideoReadError(f'video file not found: {display_path(path)}')


def _natural_key(name: str):
    return [int(t) if t.isdigit() else t.lower()
            for t in re.split(r'(\d+)', name)]


def list_frames(folder: PathLike) -> List[str]:
    """The frame images of a folder in numeric order.

    Args:
        folder (str | bytes | os.PathLike): The frame folder.

    Returns:
        list[str]: Paths of the images (:data:`FRAME_EXTENSIONS`).

    Raises:
        VideoReadError: If the folder holds no image.
    """
    folder = as_str_path(folder)
    names = sorted((n for n in os.listdir(folder)
                    if n.lower().endswith(FRAME_EXTENSIONS)),
                   key=_natural_key)
    if not names:
        raise VideoReadError(
            f'frame folder {display_path(folder)} holds no image '
            f'({", ".join(FRAME_EXTENSIONS)})')
    return [osp.join(folder, n) for n in names]


def _read_image(path: str) -> np.ndarray:
    """Decode one frame image (any bytes in the name) as BGR."""
    with open(path, 'rb') as f:
        buf = np.frombuffer(f.read(), np.uint8)
    img = cv2.imdecode(buf, cv2.IMREAD_COLOR) if buf.size else None
    if img is None:
        raise VideoReadError(f'cannot decode frame {display_path(path)}')
    return img


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
    if osp.isdir(path):
        frames = list_frames(path)
        first = _read_image(frames[0])
        return VideoInfo(path, FOLDER_FPS, first.shape[1], first.shape[0],
                         len(frames))
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
        path (str | bytes | os.PathLike): The video file or frame folder
            (any bytes).

    Yields:
        np.ndarray: BGR frames, shape (H, W, 3), dtype uint8.

    Raises:
        VideoReadError: If the file cannot be opened.
    """
    path = as_str_path(path)
    _check_file(path)
    if osp.isdir(path):
        size = None
        for name in list_frames(path):
            img = _read_image(name)
            if size is not None and img.shape != size:
                raise VideoReadError(
                    f'frame {display_path(name)} is {img.shape[1]}x'
                    f'{img.shape[0]}, the first frame of the folder '
                    f'{size[1]}x{size[0]}')
            size = img.shape
            yield img
        return
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


_FOURCC = {'.webm': 'VP90', '.avi': 'MJPG'}


@functools.lru_cache(maxsize=1)
def browser_video_ext() -> str:
    """``'.webm'`` when this OpenCV can write VP9 WebM, else ``'.mp4'``.

    Browsers, GitHub and notebooks play VP9 WebM but not ``mp4v``.

    Returns:
        str: The extension for browser-playable output (``.mp4`` only as
        the fallback, which browsers do not play).
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = osp.join(tmp, 'probe.webm')
        writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'VP90'), 25,
                                 (64, 64))
        ok = writer.isOpened()
        if ok:
            for _ in range(2):
                writer.write(np.zeros((64, 64, 3), np.uint8))
        writer.release()
        ok = ok and osp.isfile(path) and osp.getsize(path) > 0
    return '.webm' if ok else '.mp4'


def open_video_writer(path: PathLike, fps: float, size: Tuple[int, int]
                      ) -> Union[cv2.VideoWriter, AliasedVideoWriter]:
    """Open a video writer by extension, creating the parent folder.

    Args:
        path (str | bytes | os.PathLike): Output file: ``.webm`` (VP9),
            ``.avi`` (MJPG), anything else ``mp4v``; any bytes.
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
        *_FOURCC.get(osp.splitext(path)[1].lower(), 'mp4v'))
    stack = ExitStack()
    safe = stack.enter_context(cv2_output_path(path))
    writer = cv2.VideoWriter(safe, fourcc, fps, size)
    if not writer.isOpened():
        stack.close()
        raise OSError(f'cannot open a video writer for {display_path(path)}')
    if cv2_safe(path):
        return writer
    return AliasedVideoWriter(writer, stack)
