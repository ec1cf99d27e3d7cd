"""Minimal OpenCV video reading / writing with errors that name the file."""
import os
import os.path as osp
from dataclasses import dataclass
from typing import Iterator, Tuple

import cv2
import numpy as np

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


def _open(path: str) -> cv2.VideoCapture:
    if not osp.isfile(path):
        raise VideoReadError(f'video file not found: {path}')
    cap = cv2.VideoCapture(path)
    if not cap.isOpened():
        raise VideoReadError(f'cannot open video {path} (unsupported or '
                             'corrupt file)')
    return cap


def probe_video(path: str) -> VideoInfo:
    """Read the stream facts of a video and check that one frame decodes.

    Args:
        path (str): The video file.

    Returns:
        VideoInfo: fps, size and reported frame count.

    Raises:
        VideoReadError: If the file is missing, cannot be opened or has no
            decodable frame.
    """
    cap = _open(path)
    try:
        ok, frame = cap.read()
        if not ok or frame is None:
            raise VideoReadError(f'video {path} has no decodable frame')
        fps = cap.get(cv2.CAP_PROP_FPS)
        fps = float(fps) if fps and np.isfinite(fps) and fps > 0 else 25.0
        count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        return VideoInfo(path, fps, frame.shape[1], frame.shape[0],
                         max(count, 1))
    finally:
        cap.release()


def iter_frames(path: str) -> Iterator[np.ndarray]:
    """Decode a video frame by frame.

    Args:
        path (str): The video file.

    Yields:
        np.ndarray: BGR frames, shape (H, W, 3), dtype uint8.

    Raises:
        VideoReadError: If the file cannot be opened.
    """
    cap = _open(path)
    try:
        while True:
            ok, frame = cap.read()
            if not ok or frame is None:
                break
            yield frame
    finally:
        cap.release()


def open_video_writer(path: str, fps: float,
                      size: Tuple[int, int]) -> cv2.VideoWriter:
    """Open an mp4 (``mp4v``) writer, creating the parent folder.

    Args:
        path (str): Output file (``.mp4``; ``.avi`` uses MJPG).
        fps (float): Frame rate.
        size (tuple[int, int]): ``(width, height)``.

    Returns:
        cv2.VideoWriter: An opened writer.

    Raises:
        OSError: If OpenCV cannot open the writer.
    """
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    fourcc = 'MJPG' if path.lower().endswith('.avi') else 'mp4v'
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*fourcc), fps,
                             size)
    if not writer.isOpened():
        raise OSError(f'cannot open a video writer for {path}')
    return writer
