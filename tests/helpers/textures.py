"""Face-free test videos that fool a Haar cascade now and then.

:func:`write_wall_video` pans over a brick wall with blotchy shading: no
face, yet OpenCV's frontal-face cascade fires on a few frames, which is what
the demo's and ``face_crop.py``'s no-face rule (``--min-face-share``) must
reject.
"""
import os
import os.path as osp

import cv2
import numpy as np


def brick_wall(seed: int, width: int, height: int, brick=(36, 16),
               sigma: float = 3.0) -> np.ndarray:
    """A BGR brick wall: staggered bricks of random shade plus blotches.

    Args:
        seed (int): Texture seed.
        width (int): Image width.
        height (int): Image height.
        brick (tuple[int, int]): Brick ``(width, height)`` in pixels.
        sigma (float): Blur of the blotch noise (its grain size).

    Returns:
        np.ndarray: ``(height, width, 3)`` uint8.
    """
    rng = np.random.default_rng(seed)
    bw, bh = brick
    img = np.full((height, width), 70, np.float32)  # mortar
    for r in range(height // bh + 1):
        off = (bw // 2) * (r % 2)
        for c in range(-1, width // bw + 1):
            x1, y1 = c * bw + off + 2, r * bh + 2
            img[max(y1, 0):y1 + bh - 3,
                max(x1, 0):x1 + bw - 3] = 120 + rng.integers(-40, 40)
    blot = cv2.GaussianBlur(
        rng.normal(0, 1, (height, width)).astype(np.float32), (0, 0), sigma)
    img = np.clip(img + 60 * blot / blot.std(), 0, 255).astype(np.uint8)
    return cv2.merge([img // 2 + 20, img // 2 + 30, img])  # brick red


def write_wall_video(path: str, num_frames: int = 40, seed: int = 2,
                     sigma: float = 3.0, size=(160, 120),
                     fps: float = 25.0) -> str:
    """A camera panning over :func:`brick_wall` (mp4v).

    With the defaults (seed 2, 40 frames, 160x120 at 25 fps) OpenCV 4's
    default Haar cascade fires in 5 frames; linked into one track and
    interpolated, these cover 22 frames (55 %), though the "face" is
    detected in only 12.5 % of the scanned frames.

    Args:
        path (str): Output ``.mp4``.
        num_frames (int): Frames.
        seed (int): Texture seed.
        sigma (float): Blotch grain, see :func:`brick_wall`.
        size (tuple[int, int]): ``(width, height)``.
        fps (float): Frame rate.

    Returns:
        str: ``path``.
    """
    w, h = size
    wall = brick_wall(seed, w + 160, h + 80, sigma=sigma)
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), fps,
                             (w, h))
    if not writer.isOpened():
        raise RuntimeError(f'cannot open a video writer for {path}')
    for t in range(num_frames):
        x, y = (2 * t) % 160, (t // 2) % 80
        writer.write(wall[y:y + h, x:x + w].copy())
    writer.release()
    return path
