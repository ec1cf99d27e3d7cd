"""Offline face detectors with one interface, selected by a spec string.

Every detector maps one BGR frame ``(H, W, 3) uint8`` to an array of boxes
``(N, 5) float32`` holding ``x1, y1, x2, y2, score`` in pixel coordinates of
that frame. Nothing is downloaded: the Haar cascades ship inside the
``opencv-python`` wheel.

Spec strings (``--detector`` of the demo and of ``tools/data/face_crop.py``):

* ``auto`` (default) — ``mediapipe`` when it is installed, else ``haar``.
* ``mediapipe`` — MediaPipe BlazeFace full-range with eye, nose and mouth
  landmarks (:mod:`mmhdf.face.blazeface`, the ``face`` extra; weights in
  the wheel); ``mediapipe:short`` for the short-range model.
* ``haar`` — OpenCV's frontal-face Haar cascade
  (``haarcascade_frontalface_default.xml``); ``haar:alt2`` / ``haar:alt`` /
  ``haar:PATH.xml`` pick another cascade.
* ``none`` — the video is already face-cropped: the whole frame is the face.
* ``fixed:x,y,w,h`` — a manual box, the same in every frame (a fixed camera,
  or a region the user picked).
"""
import os.path as osp
from typing import Dict, Optional, Tuple

import cv2
import numpy as np

from .cv2_paths import cv2_input_path, display_path

#: cascade short names -> file names in ``cv2.data.haarcascades``
HAAR_CASCADES: Dict[str, str] = {
    'default': 'haarcascade_frontalface_default.xml',
    'alt': 'haarcascade_frontalface_alt.xml',
    'alt2': 'haarcascade_frontalface_alt2.xml',
    'alt_tree': 'haarcascade_frontalface_alt_tree.xml',
}

DETECTOR_HELP = ('face detector: "auto" (mediapipe if installed, else haar), '
                 '"mediapipe" (BlazeFace with eye/nose/mouth landmarks, the '
                 'face extra; "mediapipe:short" for the short-range model), '
                 '"haar" (OpenCV Haar cascade; "haar:alt2" or '
                 '"haar:FILE.xml" for another cascade), "none" (the video is '
                 'already face-cropped, the whole frame is the face) or '
                 '"fixed:x,y,w,h" (a manual box in pixels)')


class DetectorUnavailableError(ValueError):
    """A detector's optional package is not installed (says how to)."""


def _empty_boxes() -> np.ndarray:
    return np.zeros((0, 5), dtype=np.float32)


class BaseFaceDetector:
    """Interface: ``detector(frame) -> (N, 5)`` boxes ``x1 y1 x2 y2 score``.

    Attributes:
        name (str): The spec string that builds this detector.
        tracks (bool): Whether the result needs temporal tracking (False for
            detectors whose box never changes).
        landmarks (bool): Whether :meth:`detect` returns landmarks.
    """

    name = 'base'
    tracks = True
    landmarks = False

    def detect(self, frame: np.ndarray
               ) -> Tuple[np.ndarray, Optional[np.ndarray]]:
        """Detect faces and, where the detector has them, landmarks.

        Args:
            frame (np.ndarray): BGR image, shape (H, W, 3), dtype uint8.

        Returns:
            tuple: Boxes (N, 5) float32 and landmarks (N, 4, 2) float32
            (eye, eye, nose tip, mouth centre) or None.
        """
        return self(frame), None

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        """Detect faces in one frame.

        Args:
            frame (np.ndarray): BGR image, shape (H, W, 3), dtype uint8.

        Returns:
            np.ndarray: Boxes, shape (N, 5), float32, ``x1 y1 x2 y2 score``.
        """
        raise NotImplementedError


class HaarFaceDetector(BaseFaceDetector):
    """OpenCV Haar cascade on a downscaled grey frame.

    Args:
        cascade (str): A short name in :data:`HAAR_CASCADES` or a path to a
            cascade XML file. Defaults to ``'default'``.
        max_side (int): Frames are downscaled so that their longer side is at
            most this many pixels before detection (speed). Defaults to 640.
        scale_factor (float): ``detectMultiScale`` pyramid step.
            Defaults to 1.1.
        min_neighbors (int): ``detectMultiScale`` vote threshold; higher means
            fewer false positives. Defaults to 5.
        min_size_ratio (float): Smallest face side as a fraction of the
            shorter frame side. Defaults to 0.08.
    """

    def __init__(self,
                 cascade: str = 'default',
                 max_side: int = 640,
                 scale_factor: float = 1.1,
                 min_neighbors: int = 5,
                 min_size_ratio: float = 0.08) -> None:
        path = cascade
        if cascade in HAAR_CASCADES:
            path = osp.join(cv2.data.haarcascades, HAAR_CASCADES[cascade])
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'Haar cascade {display_path(cascade)!r} not found (looked '
                f'for {display_path(path)}); use one of '
                f'{sorted(HAAR_CASCADES)} or an existing .xml file')
        with cv2_input_path(path) as safe:
            self.classifier = cv2.CascadeClassifier(safe)
        if self.classifier.empty():
            raise ValueError(f'{display_path(path)} is not a valid OpenCV '
                             'cascade file')
        self.name = ('haar' if cascade == 'default' else
                     f'haar:{display_path(cascade)}')
        self.max_side = max_side
        self.scale_factor = scale_factor
        self.min_neighbors = min_neighbors
        self.min_size_ratio = min_size_ratio

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        """See :meth:`BaseFaceDetector.__call__`."""
        h, w = frame.shape[:2]
        ratio = min(1.0, self.max_side / max(h, w))
        grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) \
            if frame.ndim == 3 else frame
        if ratio < 1.0:
            grey = cv2.resize(grey, (round(w * ratio), round(h * ratio)),
                              interpolation=cv2.INTER_AREA)
        grey = cv2.equalizeHist(grey)
        min_side = max(12, int(self.min_size_ratio * min(grey.shape[:2])))
        rects, _, weights = self.classifier.detectMultiScale3(
            grey,
            scaleFactor=self.scale_factor,
            minNeighbors=self.min_neighbors,
            minSize=(min_side, min_side),
            outputRejectLevels=True)
        if len(rects) == 0:
            return _empty_boxes()
        rects = np.asarray(rects, dtype=np.float32).reshape(-1, 4) / ratio
        scores = np.asarray(weights, dtype=np.float32).reshape(-1)
        boxes = np.concatenate(
            [rects[:, :2], rects[:, :2] + rects[:, 2:], scores[:, None]], 1)
        return boxes.astype(np.float32)


class FullFrameDetector(BaseFaceDetector):
    """The whole frame is the face (for already face-cropped videos)."""

    name = 'none'
    tracks = False

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        """See :meth:`BaseFaceDetector.__call__`."""
        h, w = frame.shape[:2]
        return np.array([[0, 0, w, h, 1.0]], dtype=np.float32)


class FixedBoxDetector(BaseFaceDetector):
    """The same user-given box in every frame, clipped to the frame.

    Args:
        x (int): Left edge in pixels.
        y (int): Top edge in pixels.
        w (int): Width in pixels (> 0).
        h (int): Height in pixels (> 0).
    """

    tracks = False

    def __init__(self, x: int, y: int, w: int, h: int) -> None:
        if w <= 0 or h <= 0:
            raise ValueError(f'fixed box needs a positive size, got w={w}, '
                             f'h={h}')
        self.box = (x, y, w, h)
        self.name = f'fixed:{x},{y},{w},{h}'

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        """See :meth:`BaseFaceDetector.__call__`.

        Returns no box when the given box lies outside the frame.
        """
        fh, fw = frame.shape[:2]
        x, y, w, h = self.box
        x1, y1 = max(0, x), max(0, y)
        x2, y2 = min(fw, x + w), min(fh, y + h)
        if x2 <= x1 or y2 <= y1:
            return _empty_boxes()
        return np.array([[x1, y1, x2, y2, 1.0]], dtype=np.float32)


def build_face_detector(spec: Optional[str] = 'auto') -> BaseFaceDetector:
    """Build a detector from its spec string (see module docstring).

    Args:
        spec (str, optional): ``auto``, ``mediapipe[:full|short]``,
            ``haar``, ``haar:NAME|FILE``, ``none`` or ``fixed:x,y,w,h``.
            ``None`` means ``auto``.

    Returns:
        BaseFaceDetector: The detector.

    Raises:
        ValueError: For an unknown or malformed spec.
        DetectorUnavailableError: For ``mediapipe`` when it is not
            installed (a ``ValueError``; the message says how to install).
    """
    spec = (spec or 'auto').strip()
    kind, _, arg = spec.partition(':')
    kind = kind.lower()
    if kind == 'auto':
        from .blazeface import mediapipe_available
        kind = 'mediapipe' if mediapipe_available() else 'haar'
    if kind in ('mediapipe', 'blazeface'):
        from .blazeface import BlazeFaceDetector
        return BlazeFaceDetector(arg.lower() or 'full')
    if kind == 'haar':
        return HaarFaceDetector(arg or 'default')
    if kind in ('none', 'full', 'full-frame'):
        return FullFrameDetector()
    if kind == 'fixed':
        try:
            x, y, w, h = (int(round(float(v))) for v in arg.split(','))
        except ValueError:
            raise ValueError(
                f'bad detector spec {spec!r}: "fixed" needs four numbers, '
                'e.g. fixed:40,20,160,160 (x,y,w,h in pixels)') from None
        return FixedBoxDetector(x, y, w, h)
    raise ValueError(f'unknown face detector {spec!r}; {DETECTOR_HELP}')
