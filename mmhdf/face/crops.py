"""Video-level face pipeline: detect -> track the main face -> crop frames.

:func:`save_face_frames` writes the crops as a DFEW-style frame folder.
"""
import os
import os.path as osp
from typing import Callable, Dict, Optional, Sequence, Tuple

import cv2
import numpy as np

from .cv2_paths import PathLike, as_str_path, display_path
from .alignment import align_face, track_poses
from .detection import BaseFaceDetector
from .tracking import FaceTrack, NoFaceError, crop_face, track_main_face
from .video import VideoInfo, VideoReadError, iter_frames, probe_video

_DETECTOR_HINT = ('Use a video with a visible frontal face, or choose another '
                  'detector (--detector none for already face-cropped '
                  'videos, --detector fixed:x,y,w,h for a manual box).')


def check_face_share(track: FaceTrack, min_face_share: float, video: str,
                     detector_name: str) -> None:
    """Apply the no-face rule (see :mod:`mmhdf.face.tracking`).

    Args:
        track (FaceTrack): The main face track.
        min_face_share (float): Smallest accepted
            :attr:`FaceTrack.face_share`.
        video (str): The video (for the message).
        detector_name (str): The detector's spec (for the message).

    Raises:
        NoFaceError: If ``track.face_share < min_face_share``.
    """
    share = track.face_share
    if share < min_face_share:
        raise NoFaceError(
            f'no face found in {display_path(video)}: detector '
            f'"{detector_name}" found the main face in only '
            f'{track.num_detected} of {track.num_scanned or len(track)} '
            f'scanned frames ({share:.0%}), below the minimum face share '
            f'{min_face_share:.0%} (--min-face-share {min_face_share:g}); '
            'such sparse hits are false detections, not a face. '
            + _DETECTOR_HINT)


def _detect_rows(detector: BaseFaceDetector, frame: np.ndarray) -> np.ndarray:
    """Boxes (N, 5), with the flattened landmarks appended when available."""
    boxes, landmarks = detector.detect(frame)
    if landmarks is None:
        return boxes
    flat = np.asarray(landmarks, np.float32).reshape(len(boxes), -1) \
        if len(boxes) else np.zeros((0, 2 * landmarks.shape[1]), np.float32)
    return np.concatenate([boxes, flat], 1)


def detect_main_face(video: PathLike,
                     detector: BaseFaceDetector,
                     detect_every: int = 1,
                     max_gap_sec: float = 1.0,
                     smooth: int = 5,
                     progress: Optional[Callable[[int], None]] = None,
                     min_face_share: float = 0.0
                     ) -> Tuple[FaceTrack, VideoInfo]:
    """Run the detector over a video and track its main face.

    Args:
        video (str | bytes | os.PathLike): The video file (any bytes).
        detector (BaseFaceDetector): See :func:`build_face_detector`.
        detect_every (int): Detect on every k-th frame only (boxes of the
            others are interpolated). Defaults to 1.
        max_gap_sec (float): A track may miss detections for this long.
        smooth (int): Box smoothing window in frames.
        progress (callable, optional): Called with each decoded frame index.
        min_face_share (float): The main face must be detected in at least
            this share of the scanned frames (see :func:`check_face_share`;
            the demo and ``face_crop.py`` use
            :data:`~mmhdf.face.tracking.DEFAULT_MIN_FACE_SHARE`).
            Defaults to 0 (any detection).

    Returns:
        tuple[FaceTrack, VideoInfo]: The main face's per-frame boxes (T
        decoded frames, ``num_scanned`` set) and the stream facts
        (``num_frames`` set to T).

    Raises:
        VideoReadError: If the video cannot be read.
        NoFaceError: If the detector finds no face, or the main face in
            fewer than ``min_face_share`` of the scanned frames; the message
            names the video, the detector and the frame counts.
    """
    video = as_str_path(video)
    info = probe_video(video)
    detections: Dict[int, np.ndarray] = {}
    num_frames = 0
    for idx, frame in enumerate(iter_frames(video)):
        if idx % max(1, detect_every) == 0:
            detections[idx] = _detect_rows(detector, frame)
        num_frames = idx + 1
        if progress is not None:
            progress(idx)
    if num_frames == 0:
        raise VideoReadError(
            f'video {display_path(video)} has no decodable frame')
    info.num_frames = num_frames
    found = {t: b for t, b in detections.items() if len(b)}
    if not found:
        raise NoFaceError(
            f'no face found in {display_path(video)}: detector '
            f'"{detector.name}" scanned {len(detections)} of {num_frames} '
            'frames and detected nothing. ' + _DETECTOR_HINT)
    max_gap = max(1, int(round(max_gap_sec * info.fps)), 2 * detect_every)
    track = track_main_face(found, num_frames, max_gap=max_gap,
                            smooth=smooth if detector.tracks else 1)
    track.num_scanned = len(detections)
    check_face_share(track, min_face_share, video, detector.name)
    return track, info


def extract_face_crops(video: PathLike,
                       track: FaceTrack,
                       size: int = 224,
                       scale: float = 1.25,
                       frames: Optional[Sequence[int]] = None,
                       align: bool = True,
                       smooth: int = 5) -> np.ndarray:
    """Crop the tracked face out of the frames of a video.

    With landmarks in the track (and ``align``) the crops are aligned and
    temporally smoothed (:mod:`mmhdf.face.alignment`); otherwise they are
    the square crops of :func:`~mmhdf.face.tracking.crop_face`.

    Args:
        video (str | bytes | os.PathLike): The video file or frame folder
            (decoded again).
        track (FaceTrack): Boxes for the T frames of the video.
        size (int): Crop side in pixels.
        scale (float): Margin factor around the face box.
        frames (Sequence[int], optional): Sorted frame indices to crop (saves
            memory on long videos); None crops all T frames.
        align (bool): Align from landmarks when the track has them.
        smooth (int): Smoothing window of the alignment in frames.

    Returns:
        np.ndarray: BGR crops, shape (len(frames) or T, size, size, 3), uint8.
    """
    poses = track_poses(track, size, scale, smooth) if align else None
    wanted = np.arange(len(track)) if frames is None else np.asarray(frames)
    crops = np.zeros((len(wanted), size, size, 3), dtype=np.uint8)
    pos = 0
    for idx, frame in enumerate(iter_frames(video)):
        if pos >= len(wanted):
            break
        if idx == wanted[pos]:
            if poses is None:
                crops[pos] = crop_face(frame, track.boxes[idx], size, scale)
            else:
                crops[pos] = align_face(frame, poses[idx], size)
            pos += 1
    return crops


def time_interpolate(frames: np.ndarray, num: int = 16) -> np.ndarray:
    """Resample a clip to exactly ``num`` frames, linearly in time.

    DFEW's ``clip_224x224_16f`` holds every clip time-interpolated to 16
    frames. Output frame ``k`` shows time ``k * (T - 1) / (num - 1)`` of the
    input: a blend of its two nearest frames (a plain linear interpolation,
    not the graph-embedding TIM of the DFEW release; a clip shorter than
    ``num`` gets blended in-between frames, a longer one is subsampled).

    Args:
        frames (np.ndarray): (T, H, W, C) uint8, T >= 1.
        num (int): Output length (>= 1).

    Returns:
        np.ndarray: (num, H, W, C) uint8.
    """
    t = len(frames)
    if t == 0 or num < 1:
        raise ValueError(f'need >= 1 input and output frame, got {t} -> '
                         f'{num}')
    pos = np.linspace(0, t - 1, num) if num > 1 else np.zeros(1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, t - 1)
    w = (pos - lo)[:, None, None, None]
    out = frames[lo].astype(np.float32) * (1 - w) + \
        frames[hi].astype(np.float32) * w
    return np.clip(np.round(out), 0, 255).astype(np.uint8)


def save_face_frames(crops: np.ndarray, folder: str, prefix: str,
                     quality: int = 95) -> int:
    """Write face crops as ``<prefix>_00001.jpg ...`` (DFEW naming).

    Args:
        crops (np.ndarray): BGR crops, shape (T, S, S, 3), uint8.
        folder (str): Output folder (created).
        prefix (str): File name prefix, e.g. the clip id ``00001``.
        quality (int): JPEG quality.

    Returns:
        int: Number of frames written.
    """
    os.makedirs(folder, exist_ok=True)
    for i, crop in enumerate(crops, 1):
        path = osp.join(folder, f'{prefix}_{i:05d}.jpg')
        # encode in memory and write with Python: any bytes in ``folder``
        ok, buf = cv2.imencode('.jpg', crop,
                               [cv2.IMWRITE_JPEG_QUALITY, quality])
        if not ok:
            raise OSError(f'cannot encode frame {i} as JPEG for '
                          f'{display_path(path)}')
        with open(path, 'wb') as f:
            f.write(buf.tobytes())
    return len(crops)
