"""Track the main face of a video and crop it frame by frame.

Detections of every frame (or every k-th frame) are linked into tracks by
greedy IoU / centre-distance matching. The *main* face is the track with the
largest summed ``sqrt(area)`` — the face that is big and present longest.
Its boxes are linearly interpolated over frames without a detection,
smoothed with a centred moving average, and held constant before its first
and after its last detection.

**Face share.** A video "has a face" only when the main track was *detected*
in at least :data:`DEFAULT_MIN_FACE_SHARE` (30 %) of the frames the detector
scanned (:attr:`FaceTrack.face_share`). Interpolated and held frames do not
count: a textured wall that fools a Haar cascade in 2 of 75 frames would
otherwise get a track interpolated over a second of video and emotion
predictions for a face that is not there. The demo and
``tools/data/face_crop.py`` expose the threshold as ``--min-face-share``.
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import cv2
import numpy as np

#: per-frame status codes of a :class:`FaceTrack`
HELD, INTERPOLATED, DETECTED = 0, 1, 2

#: smallest share of scanned frames in which the main face must be detected
#: for a video to count as showing a face (see the module docstring)
DEFAULT_MIN_FACE_SHARE = 0.3


class NoFaceError(RuntimeError):
    """No face was found in a video."""


@dataclass
class FaceTrack:
    """The main face's box in every frame.

    Attributes:
        boxes (np.ndarray): ``x1 y1 x2 y2`` per frame, shape (T, 4), float32.
        status (np.ndarray): Per frame, shape (T,), int8: ``DETECTED`` (2),
            ``INTERPOLATED`` (1, between two detections) or ``HELD`` (0,
            before the first / after the last detection).
        num_tracks (int): Number of tracks the detections formed.
        num_scanned (int): Frames the detector was run on (0: unknown, all
            T frames are assumed).
        landmarks (np.ndarray, optional): The main face's detected
            landmarks, shape (T, K, 2) float32 (K = 4: eye, eye, nose tip,
            mouth centre), NaN in frames without a detection; None when the
            detector gives no landmarks.
    """

    boxes: np.ndarray
    status: np.ndarray
    num_tracks: int = field(default=1)
    num_scanned: int = field(default=0)
    landmarks: Optional[np.ndarray] = field(default=None)

    def __len__(self) -> int:
        return len(self.boxes)

    @property
    def num_detected(self) -> int:
        """Frames in which the main face was detected."""
        return int((self.status == DETECTED).sum())

    @property
    def face_share(self) -> float:
        """Share of the scanned frames in which the main face was detected.

        Returns:
            float: ``num_detected / num_scanned`` in [0, 1] (0 for an empty
            track).
        """
        scanned = self.num_scanned or len(self)
        return min(1.0, self.num_detected / scanned) if scanned else 0.0

    @property
    def tracked(self) -> np.ndarray:
        """Bool mask (T,): the face is detected or interpolated there."""
        return self.status > HELD


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise IoU.

    Args:
        a (np.ndarray): Boxes (N, >=4) ``x1 y1 x2 y2``.
        b (np.ndarray): Boxes (M, >=4).

    Returns:
        np.ndarray: IoU matrix (N, M).
    """
    a, b = a[:, None, :4], b[None, :, :4]
    iw = np.clip(np.minimum(a[..., 2], b[..., 2]) -
                 np.maximum(a[..., 0], b[..., 0]), 0, None)
    ih = np.clip(np.minimum(a[..., 3], b[..., 3]) -
                 np.maximum(a[..., 1], b[..., 1]), 0, None)
    inter = iw * ih
    area_a = (a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
    area_b = (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
    return inter / np.maximum(area_a + area_b - inter, 1e-6)


def _link_score(last: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """IoU, or a fallback for fast motion: centres within half a box side."""
    iou = box_iou(last[None], boxes)[0]
    c_last = (last[:2] + last[2:4]) / 2
    c_new = (boxes[:, :2] + boxes[:, 2:4]) / 2
    side = max(last[2] - last[0], last[3] - last[1])
    near = np.linalg.norm(c_new - c_last, axis=1) < 0.5 * side
    return np.where(iou > 0, iou, np.where(near, 1e-3, 0.0))


def link_detections(detections: Dict[int, np.ndarray],
                    max_gap: int = 30) -> List[Dict[int, np.ndarray]]:
    """Link per-frame detections into tracks.

    Args:
        detections (dict[int, np.ndarray]): Frame index -> boxes (N, 5) of
            the frames that were run through the detector.
        max_gap (int): A track ends when it has no detection for more than
            this many frames.

    Returns:
        list[dict[int, np.ndarray]]: One ``frame -> box (4,)`` map per track.
    """
    return [{t: row[:4] for t, row in track.items()}
            for track in _link_rows(detections, max_gap)]


def _link_rows(detections: Dict[int, np.ndarray],
               max_gap: int) -> List[Dict[int, np.ndarray]]:
    """:func:`link_detections` keeping whole rows (N, 5 + extra columns)."""
    tracks: List[Dict[int, np.ndarray]] = []
    last_frame: List[int] = []
    for t in sorted(detections):
        boxes = np.asarray(detections[t], dtype=np.float32)
        boxes = boxes.reshape(len(boxes), -1) if boxes.size else \
            np.zeros((0, 5), np.float32)
        active = [i for i, f in enumerate(last_frame) if t - f <= max_gap]
        pairs = []
        for i in active:
            last = tracks[i][last_frame[i]]
            if len(boxes):
                for j, s in enumerate(_link_score(last, boxes)):
                    if s > 0:
                        pairs.append((s, i, j))
        used_t, used_d = set(), set()
        for s, i, j in sorted(pairs, reverse=True):
            if i in used_t or j in used_d:
                continue
            tracks[i][t] = boxes[j]
            last_frame[i] = t
            used_t.add(i)
            used_d.add(j)
        for j in range(len(boxes)):
            if j not in used_d:
                tracks.append({t: boxes[j]})
                last_frame.append(t)
    return tracks


def _smooth(values: np.ndarray, window: int) -> np.ndarray:
    """Centred moving average along axis 0 with edge padding."""
    if window <= 1 or len(values) < 2:
        return values
    half = window // 2
    padded = np.pad(values, ((half, half), (0, 0)), mode='edge')
    kernel = np.ones(2 * half + 1) / (2 * half + 1)
    return np.stack([
        np.convolve(padded[:, k], kernel, mode='valid')
        for k in range(values.shape[1])
    ], 1)


def track_main_face(detections: Dict[int, np.ndarray],
                    num_frames: int,
                    max_gap: int = 30,
                    smooth: int = 5) -> FaceTrack:
    """Select the main face track and fill in a box for every frame.

    Args:
        detections (dict[int, np.ndarray]): Frame index -> boxes (N, 5), or
            rows (N, 5 + 2K) whose extra columns are K landmarks ``x y``
            (kept in :attr:`FaceTrack.landmarks`).
        num_frames (int): Number of frames T of the video.
        max_gap (int): See :func:`link_detections`.
        smooth (int): Moving-average window (frames) on box centre and size.

    Returns:
        FaceTrack: Boxes (T, 4) and status (T,).

    Raises:
        NoFaceError: If no frame has a detection.
    """
    tracks = _link_rows(detections, max_gap=max_gap)
    if not tracks:
        raise NoFaceError('no face detected in any frame')

    def prominence(track: Dict[int, np.ndarray]) -> float:
        b = np.stack(list(track.values()))
        return float(np.sqrt((b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])).sum())

    main = max(tracks, key=prominence)
    frames = np.array(sorted(main))
    # centre-size parametrisation interpolates and smooths better
    b = np.stack([main[f] for f in frames])
    cs = np.stack([(b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2,
                   b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]], 1)
    all_t = np.arange(num_frames)
    filled = np.stack(
        [np.interp(all_t, frames, cs[:, k]) for k in range(4)], 1)
    filled = _smooth(filled, smooth)
    boxes = np.stack([
        filled[:, 0] - filled[:, 2] / 2, filled[:, 1] - filled[:, 3] / 2,
        filled[:, 0] + filled[:, 2] / 2, filled[:, 1] + filled[:, 3] / 2
    ], 1).astype(np.float32)
    status = np.full(num_frames, HELD, dtype=np.int8)
    status[frames[0]:frames[-1] + 1] = INTERPOLATED
    status[frames[frames < num_frames]] = DETECTED
    landmarks = None
    if b.shape[1] > 5:
        k = (b.shape[1] - 5) // 2
        landmarks = np.full((num_frames, k, 2), np.nan, np.float32)
        inside = frames < num_frames
        landmarks[frames[inside]] = b[inside, 5:5 + 2 * k].reshape(-1, k, 2)
    return FaceTrack(boxes, status, num_tracks=len(tracks),
                     landmarks=landmarks)


def square_box(box: Sequence[float], scale: float = 1.25) -> np.ndarray:
    """Square box around ``box``'s centre with side ``scale * max(w, h)``.

    Args:
        box (Sequence[float]): ``x1 y1 x2 y2``.
        scale (float): Margin factor.

    Returns:
        np.ndarray: ``x1 y1 x2 y2`` of the square, float32, shape (4,).
    """
    x1, y1, x2, y2 = (float(v) for v in box[:4])
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    half = max(x2 - x1, y2 - y1) * scale / 2
    return np.array([cx - half, cy - half, cx + half, cy + half],
                    dtype=np.float32)


def crop_face(frame: np.ndarray,
              box: Sequence[float],
              size: int = 224,
              scale: float = 1.25,
              border_value: Optional[int] = 0) -> np.ndarray:
    """Crop the square around a face box and resize it to ``size``.

    Parts of the square outside the frame are filled with ``border_value``
    (or replicated from the edge when ``None``).

    Args:
        frame (np.ndarray): Image (H, W, 3) uint8.
        box (Sequence[float]): Face box ``x1 y1 x2 y2``.
        size (int): Output side in pixels.
        scale (float): Margin factor, see :func:`square_box`.
        border_value (int, optional): Fill value outside the frame.

    Returns:
        np.ndarray: The crop, shape (size, size, 3), same dtype as frame.
    """
    sx1, sy1, sx2, sy2 = (int(round(v)) for v in square_box(box, scale))
    side = max(sx2 - sx1, 1)
    sx2, sy2 = sx1 + side, sy1 + side
    h, w = frame.shape[:2]
    pad = (max(0, -sy1), max(0, sy2 - h), max(0, -sx1), max(0, sx2 - w))
    if any(pad):
        if border_value is None:
            frame = cv2.copyMakeBorder(frame, *pad, cv2.BORDER_REPLICATE)
        else:
            frame = cv2.copyMakeBorder(frame, *pad, cv2.BORDER_CONSTANT,
                                       value=(border_value, ) * 3)
        sx1, sx2 = sx1 + pad[2], sx2 + pad[2]
        sy1, sy2 = sy1 + pad[0], sy2 + pad[0]
    patch = frame[sy1:sy2, sx1:sx2]
    interp = cv2.INTER_AREA if side > size else cv2.INTER_LINEAR
    return cv2.resize(patch, (size, size), interpolation=interp)
