"""Video-level face pipeline: detect -> track the main face -> crop frames."""
from typing import Callable, Dict, Optional, Sequence, Tuple

import numpy as np

from .face_detection import BaseFaceDetector
from .face_tracking import FaceTrack, NoFaceError, crop_face, track_main_face
from .video import VideoInfo, VideoReadError, iter_frames, probe_video


def detect_main_face(video: str,
                     detector: BaseFaceDetector,
                     detect_every: int = 1,
                     max_gap_sec: float = 1.0,
                     smooth: int = 5,
                     progress: Optional[Callable[[int], None]] = None
                     ) -> Tuple[FaceTrack, VideoInfo]:
    """Run the detector over a video and track its main face.

    Args:
        video (str): The video file.
        detector (BaseFaceDetector): See :func:`build_face_detector`.
        detect_every (int): Detect on every k-th frame only (boxes of the
            others are interpolated). Defaults to 1.
        max_gap_sec (float): A track may miss detections for this long.
        smooth (int): Box smoothing window in frames.
        progress (callable, optional): Called with each decoded frame index.

    Returns:
        tuple[FaceTrack, VideoInfo]: The main face's per-frame boxes (T
        decoded frames) and the stream facts (``num_frames`` set to T).

    Raises:
        VideoReadError: If the video cannot be read.
        NoFaceError: If the detector finds no face; the message names the
            video, the detector and the number of frames scanned.
    """
    info = probe_video(video)
    detections: Dict[int, np.ndarray] = {}
    num_frames = 0
    for idx, frame in enumerate(iter_frames(video)):
        if idx % max(1, detect_every) == 0:
            detections[idx] = detector(frame)
        num_frames = idx + 1
        if progress is not None:
            progress(idx)
    if num_frames == 0:
        raise VideoReadError(f'video {video} has no decodable frame')
    info.num_frames = num_frames
    found = {t: b for t, b in detections.items() if len(b)}
    if not found:
        raise NoFaceError(
            f'no face found in {video}: detector "{detector.name}" scanned '
            f'{len(detections)} of {num_frames} frames and detected nothing. '
            'Use a video with a visible frontal face, or choose another '
            'detector (--detector none for already face-cropped videos, '
            '--detector fixed:x,y,w,h for a manual box).')
    max_gap = max(1, int(round(max_gap_sec * info.fps)), 2 * detect_every)
    track = track_main_face(found, num_frames, max_gap=max_gap,
                            smooth=smooth if detector.tracks else 1)
    return track, info


def extract_face_crops(video: str,
                       track: FaceTrack,
                       size: int = 224,
                       scale: float = 1.25,
                       frames: Optional[Sequence[int]] = None) -> np.ndarray:
    """Crop the tracked face out of the frames of a video.

    Args:
        video (str): The video file (decoded again).
        track (FaceTrack): Boxes for the T frames of the video.
        size (int): Crop side in pixels.
        scale (float): Margin factor around the face box.
        frames (Sequence[int], optional): Sorted frame indices to crop (saves
            memory on long videos); None crops all T frames.

    Returns:
        np.ndarray: BGR crops, shape (len(frames) or T, size, size, 3), uint8.
    """
    wanted = np.arange(len(track)) if frames is None else np.asarray(frames)
    crops = np.zeros((len(wanted), size, size, 3), dtype=np.uint8)
    pos = 0
    for idx, frame in enumerate(iter_frames(video)):
        if pos >= len(wanted):
            break
        if idx == wanted[pos]:
            crops[pos] = crop_face(frame, track.boxes[idx], size, scale)
            pos += 1
    return crops
