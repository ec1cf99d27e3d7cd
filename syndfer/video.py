"""A moving synthetic face on a larger canvas, written as an mp4 file."""
from typing import Dict, List, Tuple, Union

import cv2
import numpy as np

from .classes import CLASS_NAMES
from .draw import draw_face
from .expressions import Envelope, prototype
from .face import FaceTransform, face_geometry
from .subjects import sample_subject


def _room(width: int, height: int, rng: np.random.Generator) -> np.ndarray:
    """A soft indoor background (wall gradient and furniture blocks)."""
    yy = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    top = rng.uniform(120, 200, 3).astype(np.float32)
    bottom = rng.uniform(50, 120, 3).astype(np.float32)
    img = top * (1 - yy) + bottom * yy
    img = np.repeat(img, width, axis=1)
    for _ in range(5):
        x0 = int(rng.uniform(0, width))
        y0 = int(rng.uniform(0.3, 0.9) * height)
        col = tuple(float(c) for c in rng.uniform(30, 160, 3))
        cv2.rectangle(img, (x0, y0), (x0 + int(rng.uniform(20, 90)),
                                      height), col, -1)
    return np.clip(cv2.GaussianBlur(img, (0, 0), 2.0), 0, 255).astype(
        np.uint8)


def face_box(tf: FaceTransform, aspect: float) -> Tuple[int, int, int, int]:
    """Axis-aligned (x, y, w, h) box of the face oval (brows to chin).

    Args:
        tf (FaceTransform): face placement.
        aspect (float): face half-height / half-width.

    Returns:
        tuple[int, int, int, int]: the box in pixels.
    """
    corners = tf.apply(np.array([[-1.0, -aspect], [1.0, -aspect],
                                 [-1.0, aspect], [1.0, aspect]]))
    x0, y0 = corners.min(0)
    x1, y1 = corners.max(0)
    return int(x0), int(y0), int(round(x1 - x0)), int(round(y1 - y0))


def render_face_video(path: str, n_frames: int = 50,
                      frame_size: Tuple[int, int] = (320, 240),
                      face_width: int = 110, fps: float = 25.0,
                      seed: int = 0, label: Union[int, str] = 'Happy',
                      roll_deg: float = 4.0) -> Dict[str, object]:
    """Write an mp4 (``mp4v``) of a synthetic face moving over a room.

    The face (half-width ``face_width / 2`` pixels) drifts along a smooth
    path, rolls a little and goes through an onset-apex expression of
    ``label``; it blinks once.

    Args:
        path (str): output ``.mp4`` path.
        n_frames (int): number of frames.
        frame_size (tuple[int, int]): (width, height) in pixels.
        face_width (int): face width in pixels.
        fps (float): frame rate.
        seed (int): seed of the subject, background and path.
        label (int | str): expression class (index or name).
        roll_deg (float): maximum in-plane rotation (degrees).

    Returns:
        dict: ``path``, ``n_frames``, ``frame_size``, ``fps`` and
        ``boxes`` (list of per-frame (x, y, w, h) face boxes).
    """
    name = CLASS_NAMES[label] if isinstance(label, int) else label
    rng = np.random.default_rng(np.random.SeedSequence([seed, 99]))
    subject = sample_subject(0, rng)
    subject.hair_style = 0
    subject.rest_au[:] = 0
    width, height = frame_size
    background = _room(width, height, rng)
    env = Envelope(start=0.15 * n_frames, onset=0.25 * n_frames,
                   apex=n_frames, offset=1.0)
    apex = prototype(name)
    half = 0.5 * face_width
    margin_x = max(0.0, 0.5 * width - 1.3 * half)
    margin_y = max(0.0, 0.5 * height - 1.6 * half)
    phase = rng.uniform(0, 2 * np.pi, 2)
    blink_t = rng.uniform(0.2, 0.8) * n_frames
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), fps,
                             (width, height))
    if not writer.isOpened():
        raise RuntimeError(f'cannot open a video writer for {path}')
    boxes: List[Tuple[int, int, int, int]] = []
    try:
        for t in range(n_frames):
            u = t / max(n_frames - 1, 1)
            cx = 0.5 * width + 0.8 * margin_x * np.sin(2 * np.pi * u +
                                                       phase[0])
            cy = 0.5 * height + 0.6 * margin_y * np.sin(
                2 * np.pi * 0.7 * u + phase[1]) - 0.1 * half
            tf = FaceTransform(cx, cy, half, np.radians(roll_deg) *
                               np.sin(2 * np.pi * 1.3 * u))
            blink = max(0.0, 1 - abs(t - blink_t) / 2.0)
            geom = face_geometry(subject, apex * float(env(t)), blink)
            img = background.copy()
            draw_face(img, geom, subject, tf)
            writer.write(img)
            boxes.append(face_box(tf, subject.aspect))
    finally:
        writer.release()
    return {'path': path, 'n_frames': n_frames, 'frame_size': frame_size,
            'fps': fps, 'boxes': boxes}
