"""DFEW-style aligned face crops from landmarks, smoothed over time.

DFEW's ``clip_224x224`` frames are aligned face crops: the eyes level, the
face at a fixed place and scale. With a landmark detector (``--detector
mediapipe``) every frame gets a similarity transform (rotation, uniform
scale, shift) that maps the four landmarks (eye, eye, nose tip, mouth
centre) onto :data:`CANONICAL_LANDMARKS`:

* the **rotation** levels the eye line (it is taken from the two eyes
  alone, so the nose and mouth cannot tilt the crop);
* **scale and shift** are the least-squares fit of all four landmarks
  given that rotation;
* the per-frame parameters (face centre x, y, log scale, angle) are
  interpolated over frames without landmarks and **smoothed** by a centred
  local-linear fit over ``smooth`` frames, which removes detector jitter
  but follows steady motion (a pan, zoom or turning head) without lag or
  overshoot, also at the ends of the video.

The canonical face fills the crop like the square crops of
:func:`~mmhdf.face.tracking.crop_face` with the same ``scale`` (margin
factor, ``--box-scale``): its face box has side ``size / scale``. Tracks
without landmarks (Haar, ``none``, ``fixed``) keep those square crops.
"""
from typing import Optional

import cv2
import numpy as np

from .tracking import FaceTrack

#: landmark targets in face units (the face box has side 1 and is centred
#: at 0): eye (image left), eye (image right), nose tip, mouth centre;
#: the proportions of a frontal BlazeFace detection
CANONICAL_LANDMARKS = np.array(
    [[-0.215, -0.145], [0.215, -0.145], [0.0, 0.12], [0.0, 0.28]],
    np.float64)


def landmark_pose(landmarks: np.ndarray, size: int,
                  scale: float = 1.25) -> np.ndarray:
    """Similarity parameters that align one face.

    Args:
        landmarks (np.ndarray): (K, 2) ``x y`` in frame pixels, K >= 2 (the
            first two are the eyes; see :data:`CANONICAL_LANDMARKS`).
        size (int): Crop side in pixels.
        scale (float): Margin factor (the face box side is
            ``size / scale``).

    Returns:
        np.ndarray: (4,) float64 ``cx, cy, log_s, angle``: the frame point
        that lands on the crop centre, the log of the frame -> crop scale
        and the eye-line angle in radians (the crop is rotated by
        ``-angle``).
    """
    p = np.asarray(landmarks, np.float64)
    k = len(p)
    q = CANONICAL_LANDMARKS[:k] * (size / scale)
    eye = p[1] - p[0]
    angle = float(np.arctan2(eye[1], eye[0]))
    c, s = np.cos(-angle), np.sin(-angle)
    rot = np.array([[c, -s], [s, c]])
    rp = (p - p.mean(0)) @ rot.T
    qc = q - q.mean(0)
    log_s = float(np.log(max((qc * rp).sum() / max((rp ** 2).sum(), 1e-9),
                             1e-9)))
    # frame point landing on the crop centre (canonical origin)
    centre = p.mean(0) - rot.T @ q.mean(0) / np.exp(log_s)
    return np.array([centre[0], centre[1], log_s, angle])


def box_pose(box: np.ndarray, size: int, scale: float = 1.25) -> np.ndarray:
    """The pose of an upright square crop of a face box (no landmarks).

    Args:
        box (np.ndarray): ``x1 y1 x2 y2``.
        size (int): Crop side.
        scale (float): Margin factor.

    Returns:
        np.ndarray: (4,) ``cx, cy, log_s, 0``.
    """
    x1, y1, x2, y2 = (float(v) for v in box[:4])
    side = max(x2 - x1, y2 - y1, 1e-6)
    return np.array([(x1 + x2) / 2, (y1 + y2) / 2,
                     np.log(size / (scale * side)), 0.0])


def pose_matrix(pose: np.ndarray, size: int) -> np.ndarray:
    """The 2x3 frame -> crop matrix of a pose.

    Args:
        pose (np.ndarray): (4,) ``cx, cy, log_s, angle``.
        size (int): Crop side.

    Returns:
        np.ndarray: (2, 3) float64 for ``cv2.warpAffine``.
    """
    cx, cy, log_s, angle = (float(v) for v in pose)
    s = np.exp(log_s)
    c, n = np.cos(-angle) * s, np.sin(-angle) * s
    a = np.array([[c, -n], [n, c]])
    t = np.array([size / 2, size / 2]) - a @ np.array([cx, cy])
    return np.concatenate([a, t[:, None]], 1)


def smooth_local_linear(values: np.ndarray, window: int) -> np.ndarray:
    """Centred local-linear smoothing along axis 0.

    Each sample is replaced by the value at its own time of the
    least-squares line through the samples within ``window // 2`` frames
    (fewer at the ends): a straight ramp passes unchanged, noise is
    averaged.

    Args:
        values (np.ndarray): (T, D).
        window (int): Window length in frames (<= 2: no smoothing).

    Returns:
        np.ndarray: (T, D) float64.
    """
    values = np.asarray(values, np.float64)
    half = window // 2
    if half < 1 or len(values) < 3:
        return values.copy()
    out = np.empty_like(values)
    n = len(values)
    for t in range(n):
        lo, hi = max(0, t - half), min(n, t + half + 1)
        x = np.arange(lo, hi) - t
        y = values[lo:hi]
        xm = x.mean()
        var = ((x - xm) ** 2).sum()
        slope = ((x - xm)[:, None] * (y - y.mean(0))).sum(0) / var
        out[t] = y.mean(0) - slope * xm
    return out


def track_poses(track: FaceTrack, size: int, scale: float = 1.25,
                smooth: int = 5) -> Optional[np.ndarray]:
    """Smoothed alignment poses for every frame of a track.

    Args:
        track (FaceTrack): With :attr:`FaceTrack.landmarks`.
        size (int): Crop side.
        scale (float): Margin factor.
        smooth (int): Smoothing window in frames (see
            :func:`smooth_local_linear`).

    Returns:
        np.ndarray or None: (T, 4) poses (see :func:`landmark_pose`), or
        None when the track has no landmarks.
    """
    lms = track.landmarks
    if lms is None:
        return None
    have = np.isfinite(lms).all(axis=(1, 2))
    if not have.any():
        return None
    idx = np.flatnonzero(have)
    poses = np.stack([landmark_pose(lms[t], size, scale) for t in idx])
    poses[:, 3] = np.unwrap(poses[:, 3])
    smoothed = smooth_local_linear(poses, smooth)
    all_t = np.arange(len(track))
    return np.stack([np.interp(all_t, idx, smoothed[:, k])
                     for k in range(4)], 1)


def align_face(frame: np.ndarray, pose: np.ndarray, size: int,
               border_value: int = 0) -> np.ndarray:
    """Warp one frame to the aligned crop of ``pose``.

    Args:
        frame (np.ndarray): Image (H, W, 3) uint8.
        pose (np.ndarray): (4,) see :func:`landmark_pose`.
        size (int): Crop side.
        border_value (int): Fill value outside the frame.

    Returns:
        np.ndarray: (size, size, 3), same dtype as the frame.
    """
    m = pose_matrix(pose, size)
    src = frame
    s = float(np.exp(pose[2]))
    if s < 0.5:  # shrink with INTER_AREA first, or warpAffine aliases
        f = max(s * 1.5, 1e-3)
        src = cv2.resize(frame, None, fx=f, fy=f,
                         interpolation=cv2.INTER_AREA)
        m = m.copy()
        m[:, :2] /= src.shape[1] / frame.shape[1]
    return cv2.warpAffine(src, m, (size, size), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT,
                          borderValue=(border_value, ) * 3)


def transform_points(pose: np.ndarray, size: int,
                     points: np.ndarray) -> np.ndarray:
    """Map frame points into the crop of ``pose``.

    Args:
        pose (np.ndarray): (4,) pose.
        size (int): Crop side.
        points (np.ndarray): (N, 2) frame pixels.

    Returns:
        np.ndarray: (N, 2) crop pixels.
    """
    m = pose_matrix(pose, size)
    pts = np.asarray(points, np.float64)
    return pts @ m[:, :2].T + m[:, 2]
