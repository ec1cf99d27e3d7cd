"""MediaPipe's BlazeFace detector, with landmarks, from the ``face`` extra.

BlazeFace (short- and full-range ``.tflite`` models) ships inside the
``mediapipe`` 0.10.21 wheel, the last one that carries the model files
(0.10.30 and later download them at run time), so it works offline. That
wheel's metadata pins ``numpy<2`` and ``protobuf<5``; the detector itself
runs with numpy 2 and protobuf 7 (measured), so it is installed without
its dependency pins::

    pip install -e .[face]                      # absl-py, attrs
    pip install --no-deps mediapipe==0.10.21    # the detector and models

Each face comes with four landmarks: eye (the subject's right, image left
on a frontal face), eye (subject's left), nose tip, mouth centre
(:data:`LANDMARK_NAMES`), used by :mod:`mmhdf.face.alignment`.

Small faces: the full-range model sees the frame letterboxed to 192 x 192,
so a 37 px face in a 640 x 360 wide shot shrinks to 11 px. Frames whose
longer side exceeds ``tile_above`` are therefore also scanned in
overlapping square tiles (side = the shorter frame side); the detections
are merged by non-maximum suppression.
"""
import contextlib
import io
import os
import sys
import tempfile
from typing import Iterator, Optional, Tuple

import numpy as np

from .detection import BaseFaceDetector, DetectorUnavailableError

#: the landmarks every landmark detector returns, in this order
LANDMARK_NAMES = ('eye_1', 'eye_2', 'nose', 'mouth')

INSTALL_HINT = ('pip install -e .[face] && pip install --no-deps '
                'mediapipe==0.10.21')


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Hide what mediapipe prints while it loads (fd 2 and ``sys.stderr``).

    Its C++ code logs the TFLite delegate on fd 2, and its bindings print a
    harmless protobuf message to ``sys.stderr`` on import. The text is
    replayed if the block raises.
    """
    py_err, buf = sys.stderr, io.StringIO()
    try:
        fd = os.dup(2)
    except OSError:  # pragma: no cover - no stderr
        fd = None
    with tempfile.TemporaryFile() as tmp:
        if fd is not None:
            sys.stderr.flush()
            os.dup2(tmp.fileno(), 2)
        sys.stderr = buf
        try:
            yield
        except BaseException:
            sys.stderr = py_err
            if fd is not None:
                os.dup2(fd, 2)
                tmp.seek(0)
                os.write(2, tmp.read())
            py_err.write(buf.getvalue())
            raise
        finally:
            sys.stderr = py_err
            if fd is not None:
                os.dup2(fd, 2)
                os.close(fd)


def _load_mediapipe():
    """Import mediapipe's face-detection solution or explain how to."""
    try:
        with _quiet_stderr():
            from mediapipe.python.solutions import face_detection
    except ImportError as err:
        raise DetectorUnavailableError(
            'detector "mediapipe" needs the optional package mediapipe '
            f'0.10.21, which is not installed ({err}); install it with: '
            f'{INSTALL_HINT}') from None
    return face_detection


def nms(boxes: np.ndarray, iou_thr: float = 0.3) -> np.ndarray:
    """Greedy non-maximum suppression for detections merged from tiles.

    A box is dropped when it overlaps a better-scoring kept box by more than
    ``iou_thr`` or when its centre lies inside that box (the same face seen
    at another scale in another tile).

    Args:
        boxes (np.ndarray): (N, >=5) rows ``x1 y1 x2 y2 score ...``.
        iou_thr (float): IoU above which a box is dropped.

    Returns:
        np.ndarray: Indices of the kept rows, best score first.
    """
    from .tracking import box_iou
    order = np.argsort(-boxes[:, 4], kind='stable')
    keep = []
    while len(order):
        i, order = order[0], order[1:]
        keep.append(i)
        if len(order):
            iou = box_iou(boxes[i:i + 1], boxes[order])[0]
            c = (boxes[order, :2] + boxes[order, 2:4]) / 2
            inside = ((c[:, 0] > boxes[i, 0]) & (c[:, 0] < boxes[i, 2])
                      & (c[:, 1] > boxes[i, 1]) & (c[:, 1] < boxes[i, 3]))
            order = order[(iou <= iou_thr) & ~inside]
    return np.asarray(keep, dtype=np.int64)


class BlazeFaceDetector(BaseFaceDetector):
    """MediaPipe BlazeFace (offline, weights in the wheel) with landmarks.

    Args:
        model (str): ``'full'`` (full-range, faces up to ~5 m; default) or
            ``'short'`` (short-range, faces within ~2 m, faster).
        min_score (float): Smallest detection confidence. Defaults to 0.5.
        tile_above (int): Frames whose longer side exceeds this many pixels
            are also scanned in overlapping square tiles (small faces);
            0 disables tiling. Defaults to 480.

    Raises:
        DetectorUnavailableError: If mediapipe is not installed (the message
            says how to install it).
    """

    landmarks = True

    def __init__(self, model: str = 'full', min_score: float = 0.5,
                 tile_above: int = 480) -> None:
        if model not in ('full', 'short'):
            raise ValueError(f'mediapipe model must be "full" or "short", '
                             f'got {model!r}')
        face_detection = _load_mediapipe()
        with _quiet_stderr():
            self._graph = face_detection.FaceDetection(
                model_selection=1 if model == 'full' else 0,
                min_detection_confidence=min_score)
        self.name = 'mediapipe' if model == 'full' else 'mediapipe:short'
        self.tile_above = tile_above
        with _quiet_stderr():  # the first run logs the TFLite delegate
            self._graph.process(np.zeros((64, 64, 3), np.uint8))

    def _run(self, rgb: np.ndarray, x0: int = 0,
             y0: int = 0) -> np.ndarray:
        """Detections of one image as rows ``box(4) score lm(4x2)``."""
        h, w = rgb.shape[:2]
        result = self._graph.process(rgb)
        rows = []
        for det in result.detections or []:
            rel = det.location_data.relative_bounding_box
            kps = det.location_data.relative_keypoints
            lm = [(x0 + kps[k].x * w, y0 + kps[k].y * h) for k in range(4)]
            rows.append([
                x0 + rel.xmin * w, y0 + rel.ymin * h,
                x0 + (rel.xmin + rel.width) * w,
                y0 + (rel.ymin + rel.height) * h, det.score[0]
            ] + [v for p in lm for v in p])
        return np.asarray(rows, np.float32).reshape(-1, 13)

    def _tiles(self, w: int, h: int) -> Iterator[Tuple[int, int, int]]:
        """Overlapping square tiles ``(x0, y0, side)`` covering the frame."""
        side = min(w, h)
        long_side = max(w, h)
        n = int(np.ceil((long_side - side) / (side * 0.8))) + 1
        starts = np.linspace(0, long_side - side, n).round().astype(int)
        for s in starts:
            yield (int(s), 0, side) if w >= h else (0, int(s), side)

    def detect(self, frame: np.ndarray
               ) -> Tuple[np.ndarray, Optional[np.ndarray]]:
        """Detect faces and their landmarks in one frame.

        Args:
            frame (np.ndarray): BGR image, shape (H, W, 3), dtype uint8.

        Returns:
            tuple[np.ndarray, np.ndarray]: Boxes (N, 5) ``x1 y1 x2 y2 score``
            and landmarks (N, 4, 2) in frame pixels (see
            :data:`LANDMARK_NAMES`).
        """
        rgb = np.ascontiguousarray(frame[..., ::-1])
        h, w = rgb.shape[:2]
        rows = [self._run(rgb)]
        if self.tile_above and max(h, w) > self.tile_above and h != w:
            for x0, y0, side in self._tiles(w, h):
                rows.append(self._run(
                    np.ascontiguousarray(rgb[y0:y0 + side, x0:x0 + side]),
                    x0, y0))
        rows = np.concatenate(rows)
        if len(rows) > 1:
            rows = rows[nms(rows)]
        return rows[:, :5].copy(), rows[:, 5:].reshape(-1, 4, 2).copy()

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        """See :meth:`BaseFaceDetector.__call__`."""
        return self.detect(frame)[0]

    def close(self) -> None:
        """Release the mediapipe graph."""
        self._graph.close()


def mediapipe_available() -> bool:
    """Whether :class:`BlazeFaceDetector` can be built here."""
    try:
        _load_mediapipe()
    except DetectorUnavailableError:
        return False
    return True

