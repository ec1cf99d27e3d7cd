"""Real-face test videos made from photographs that ship in scikit-image.

:func:`make_scene` animates scikit-image's ``astronaut`` photograph (Eileen
Collins, public domain) with pans, zooms, in-plane rotation, a small
wide-shot face, an approximate head turn (yaw) and an occluded mouth, and
``brick`` gives a face-free video. Every frame comes with the ground truth:
the face box and the four landmarks (both eyes, nose tip, mouth centre)
mapped through the same transform, so detection rates and the eye-line
angle after alignment can be measured exactly.

**Yaw approximation.** A photograph cannot turn its head. ``yaw35`` wraps
the photo around a vertical cylinder through the face centre (radius 0.62
face widths, about the head's half width) and turns the cylinder by 35
degrees (:func:`turn_head`): the eyes, nose and mouth slide towards one
cheek, the far side of the face is squeezed and the near side widened, and
the strip that turns out of view is replaced by the head's edge, as on a
turning head; but the nose does not stand out from the cylinder (no
self-occlusion of the far cheek) and the ears do not appear. It is milder
than a real 35 degree turn; the README says so.

Needs ``scikit-image`` (in the ``tests`` extra). Frames are BGR uint8.
"""
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

import cv2
import numpy as np

#: the face in ``skimage.data.astronaut()`` (512 x 512): a square face box
#: ``x1 y1 x2 y2`` and the landmarks eye (image left), eye (image right),
#: nose tip, mouth centre, in photo pixels (BlazeFace full-range on the
#: upright photo, checked by eye)
ASTRONAUT_BOX = np.array([173.7, 67.8, 277.6, 171.7], np.float32)
ASTRONAUT_LANDMARKS = np.array(
    [[202.8, 103.5], [248.0, 105.9], [224.0, 132.3], [222.6, 148.6]],
    np.float32)
#: face side in photo pixels (the width of :data:`ASTRONAUT_BOX`)
ASTRONAUT_FACE = float(ASTRONAUT_BOX[2] - ASTRONAUT_BOX[0])

#: scene names, in table order
SCENES = ('pan', 'zoom', 'rotate', 'small37', 'yaw35', 'occluded', 'brick')


@dataclass
class SceneVideo:
    """A generated video with its ground truth.

    Attributes:
        name (str): Scene name (one of :data:`SCENES`).
        frames (np.ndarray): BGR frames, shape (T, H, W, 3), uint8.
        fps (float): Frame rate.
        boxes (np.ndarray, optional): Ground-truth face box per frame, shape
            (T, 4) ``x1 y1 x2 y2`` (the transformed photo face box's
            bounding box); None for a face-free scene.
        landmarks (np.ndarray, optional): Ground-truth landmarks per frame,
            shape (T, 4, 2): eye (image left), eye (image right), nose tip,
            mouth centre; None for a face-free scene.
        roll (np.ndarray, optional): In-plane rotation applied per frame in
            degrees (T,), counter-clockwise on screen.
        face_px (float): Face side in frame pixels at the start.
    """

    name: str
    frames: np.ndarray
    fps: float
    boxes: Optional[np.ndarray]
    landmarks: Optional[np.ndarray]
    roll: Optional[np.ndarray]
    face_px: float


def _photo(name: str) -> np.ndarray:
    """A scikit-image photograph as BGR uint8."""
    try:
        from skimage import data
    except ImportError as err:  # pragma: no cover - depends on the env
        raise ImportError(
            'the real-face test videos need scikit-image (pip install '
            'scikit-image, or pip install -e .[tests])') from err
    img = getattr(data, name)()
    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    return cv2.cvtColor(img, cv2.COLOR_RGB2BGR)


def _homography(centre: Tuple[float, float], scale: float,
                roll_deg: float) -> np.ndarray:
    """Photo -> frame similarity around the astronaut's face centre.

    The face is scaled, rotated by ``roll_deg`` counter-clockwise on screen
    and moved to ``centre``.

    Returns:
        np.ndarray: (3, 3) float64.
    """
    fc = (ASTRONAUT_BOX[:2] + ASTRONAUT_BOX[2:]) / 2
    to_face = np.array([[1, 0, -fc[0]], [0, 1, -fc[1]], [0, 0, 1]], float)
    a = np.deg2rad(roll_deg)
    # counter-clockwise on screen (y points down)
    rot = np.array([[np.cos(a), np.sin(a), 0], [-np.sin(a), np.cos(a), 0],
                    [0, 0, 1]], float)
    place = np.array([[scale, 0, centre[0]], [0, scale, centre[1]],
                      [0, 0, 1]], float)
    return place @ rot @ to_face


def turn_head(photo: np.ndarray, yaw_deg: float,
              radius: float = 0.62 * ASTRONAUT_FACE
              ) -> Tuple[np.ndarray, np.ndarray]:
    """Approximate a head turn of the astronaut photo (see module doc).

    Args:
        photo (np.ndarray): The astronaut photo, BGR (512, 512, 3).
        yaw_deg (float): Turn angle in degrees (positive: the features move
            to the image right), ``0 <= yaw_deg < 90``.
        radius (float): Cylinder radius in photo pixels.

    Returns:
        tuple[np.ndarray, np.ndarray]: The turned photo and the landmarks
        (4, 2) moved with it.
    """
    phi = np.deg2rad(yaw_deg)
    cx = float(ASTRONAUT_BOX[0] + ASTRONAUT_BOX[2]) / 2
    h, w = photo.shape[:2]
    xo = np.arange(w, dtype=np.float64) - cx
    inside = np.abs(xo) <= radius
    theta = np.arcsin(np.clip(xo / radius, -1, 1)) - phi
    xi = np.where(inside, radius * np.sin(np.maximum(theta, -np.pi / 2)),
                  np.where(xo > 0, xo - radius * (1 - np.cos(phi)), xo))
    map_x = np.tile((xi + cx).astype(np.float32), (h, 1))
    map_y = np.tile(np.arange(h, dtype=np.float32)[:, None], (1, w))
    turned = cv2.remap(photo, map_x, map_y, cv2.INTER_LINEAR,
                       borderMode=cv2.BORDER_REPLICATE)
    lm = ASTRONAUT_LANDMARKS.astype(np.float64).copy()
    th = np.arcsin(np.clip((lm[:, 0] - cx) / radius, -1, 1)) + phi
    lm[:, 0] = cx + radius * np.sin(np.minimum(th, np.pi / 2))
    return turned, lm.astype(np.float32)


def _apply(h: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Map (N, 2) points through a homography."""
    return cv2.perspectiveTransform(
        pts.reshape(-1, 1, 2).astype(np.float64), h).reshape(-1, 2)


def _background(size: Tuple[int, int]) -> np.ndarray:
    """A brick wall filling the frame (what lies outside the photo)."""
    w, h = size
    brick = _photo('brick')
    reps = (int(np.ceil(h / brick.shape[0])), int(np.ceil(w / brick.shape[1])),
            1)
    return np.tile(brick, reps)[:h, :w].copy()


def _render(photo: np.ndarray, hs: List[np.ndarray], size: Tuple[int, int],
            name: str, fps: float, face_px: float, roll: np.ndarray,
            landmarks: np.ndarray) -> SceneVideo:
    w, h = size
    bg = _background(size)
    mask_src = np.full(photo.shape[:2], 255, np.uint8)
    frames, boxes, lms = [], [], []
    corners = np.array([[ASTRONAUT_BOX[0], ASTRONAUT_BOX[1]],
                        [ASTRONAUT_BOX[2], ASTRONAUT_BOX[1]],
                        [ASTRONAUT_BOX[2], ASTRONAUT_BOX[3]],
                        [ASTRONAUT_BOX[0], ASTRONAUT_BOX[3]]])
    for hm in hs:
        warped = cv2.warpPerspective(photo, hm, size, flags=cv2.INTER_AREA
                                     if abs(np.linalg.det(hm[:2, :2])) < 1
                                     else cv2.INTER_LINEAR)
        mask = cv2.warpPerspective(mask_src, hm, size) > 127
        frame = bg.copy()
        frame[mask] = warped[mask]
        frames.append(frame)
        c = _apply(hm, corners)
        boxes.append([c[:, 0].min(), c[:, 1].min(), c[:, 0].max(),
                      c[:, 1].max()])
        lms.append(_apply(hm, landmarks))
    return SceneVideo(name, np.stack(frames), fps,
                      np.asarray(boxes, np.float32),
                      np.asarray(lms, np.float32), roll.astype(np.float32),
                      face_px)


def _occlude(photo: np.ndarray) -> np.ndarray:
    """Cover the mouth and chin with a skin-toned hand-sized patch."""
    out = photo.copy()
    mx, my = ASTRONAUT_LANDMARKS[3]
    cv2.ellipse(out, (int(mx), int(my + 12)), (34, 24), 0, 0, 360,
                (120, 150, 205), -1)
    return out


def make_scene(name: str, num_frames: int = 25,
               fps: float = 25.0) -> SceneVideo:
    """Generate one scene of :data:`SCENES`.

    ======== ========== ===================================================
    scene    frame      motion
    ======== ========== ===================================================
    pan      320x240    face 83 px, pans left to right
    zoom     320x240    face side 52 -> 135 px
    rotate   320x240    face 83 px, in-plane roll -30 -> +30 degrees
    small37  640x360    face 37 px (a TV-style wide shot), slow pan
    yaw35    320x240    face 83 px turned 35 degrees (see module doc)
    occluded 320x240    face 83 px, mouth and chin covered, slow pan
    brick    320x240    no face: pan and zoom over scikit-image's brick
    ======== ========== ===================================================

    Args:
        name (str): The scene.
        num_frames (int): Frames T (>= 2).
        fps (float): Frame rate.

    Returns:
        SceneVideo: Frames and ground truth.

    Raises:
        ValueError: For an unknown scene name.
    """
    if name not in SCENES:
        raise ValueError(f'unknown scene {name!r}; one of {SCENES}')
    u = np.linspace(0.0, 1.0, max(num_frames, 2))[:num_frames]
    zero = np.zeros(num_frames)
    if name == 'brick':
        wall = _photo('brick')
        frames = []
        for t in u:
            s = 1.0 + 0.3 * t
            m = np.array([[s, 0, -40 * t], [0, s, -30 * t]], np.float32)
            frames.append(cv2.warpAffine(wall, m, (320, 240),
                                         borderMode=cv2.BORDER_REFLECT))
        return SceneVideo(name, np.stack(frames), fps, None, None, None, 0.0)
    photo = _photo('astronaut')
    size = (320, 240)
    s = 83.0 / ASTRONAUT_FACE
    specs: Dict[str, Callable[[float], Tuple]] = {
        'pan': lambda t: ((110 + 100 * t, 120), s, 0.0),
        'zoom': lambda t: ((160, 125), (52 + 83 * t) / ASTRONAUT_FACE, 0.0),
        'rotate': lambda t: ((160, 120), s, -30 + 60 * t),
        'small37': lambda t: ((220 + 200 * t, 170), 37.0 / ASTRONAUT_FACE,
                              0.0),
        'yaw35': lambda t: ((140 + 40 * t, 120), s, 0.0),
        'occluded': lambda t: ((130 + 60 * t, 120), s, 0.0),
    }
    if name == 'small37':
        size = (640, 360)
    if name == 'occluded':
        photo = _occlude(photo)
    landmarks = ASTRONAUT_LANDMARKS
    if name == 'yaw35':
        photo, landmarks = turn_head(photo, 35.0)
    params = [specs[name](t) for t in u]
    hs = [_homography(*p) for p in params]
    roll = np.array([p[2] for p in params]) if name == 'rotate' else zero
    return _render(photo, hs, size, name, fps,
                   params[0][1] * ASTRONAUT_FACE, roll, landmarks)


def write_video(path: str, frames: np.ndarray, fps: float = 25.0) -> str:
    """Write frames as an MJPG ``.avi`` (near-lossless, any OpenCV build).

    Args:
        path (str): Output file (``.avi``).
        frames (np.ndarray): BGR frames (T, H, W, 3) uint8.
        fps (float): Frame rate.

    Returns:
        str: ``path``.
    """
    h, w = frames.shape[1:3]
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'MJPG'), fps,
                             (w, h))
    if not writer.isOpened():
        raise RuntimeError(f'cannot open a video writer for {path}')
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


def hits(video: SceneVideo, boxes_per_frame: List[np.ndarray]
         ) -> Tuple[np.ndarray, int]:
    """Which frames the face was found in, and how many boxes were false.

    A box is a hit when its centre lies within half the ground-truth face
    side of the true face centre and its side is 0.5 .. 2 times the true
    side; every other box is false.

    Args:
        video (SceneVideo): The scene with its ground truth.
        boxes_per_frame (list[np.ndarray]): Detector output per frame,
            (N, >=4) ``x1 y1 x2 y2``.

    Returns:
        tuple[np.ndarray, int]: Bool hit per frame (T,) and the number of
        false boxes.
    """
    hit = np.zeros(len(boxes_per_frame), bool)
    false = 0
    for t, boxes in enumerate(boxes_per_frame):
        boxes = np.asarray(boxes, np.float32).reshape(-1, boxes.shape[-1]
                                                      if len(boxes) else 4)
        if video.boxes is None:
            false += len(boxes)
            continue
        gt = video.boxes[t]
        gc, gs = (gt[:2] + gt[2:4]) / 2, max(gt[2] - gt[0], gt[3] - gt[1])
        for b in boxes:
            c = (b[:2] + b[2:4]) / 2
            side = max(b[2] - b[0], b[3] - b[1])
            if (np.linalg.norm(c - gc) < 0.5 * gs
                    and 0.5 <= side / gs <= 2.0 and not hit[t]):
                hit[t] = True
            else:
                false += 1
    return hit, false
