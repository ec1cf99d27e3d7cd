"""Write tiny labelled mp4 videos for end-to-end tests.

Each class gets a visually distinct, learnable pattern: a bright square whose
position depends on the class and that moves over time.
"""
import os
import os.path as osp
from typing import List, Tuple

import cv2
import numpy as np


def write_video(path: str, label: int, num_frames: int = 12,
                size: int = 40, seed: int = 0) -> None:
    """Write one mp4 (mp4v) clip.

    Args:
        path (str): Output file.
        label (int): Class id; sets the square's row.
        num_frames (int): Number of frames.
        size (int): Frame height and width.
        seed (int): Noise seed.
    """
    rng = np.random.default_rng(seed)
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), 10,
                             (size, size))
    if not writer.isOpened():
        raise RuntimeError(f'cannot open a video writer for {path}')
    side = size // 5
    for t in range(num_frames):
        frame = rng.integers(0, 40, (size, size, 3), dtype=np.uint8)
        y = (label * size // 8) % (size - side)
        x = (t * 2) % (size - side)
        frame[y:y + side, x:x + side] = (40 + 30 * label, 200,
                                         255 - 30 * label)
        writer.write(frame)
    writer.release()


def make_video_dataset(root: str, num_classes: int = 7, per_class: int = 2,
                       num_frames: int = 12, size: int = 40
                       ) -> Tuple[str, List[Tuple[str, int]]]:
    """Write ``num_classes * per_class`` videos and a ``path label`` list.

    Args:
        root (str): Output folder (created).
        num_classes (int): Number of classes.
        per_class (int): Videos per class.
        num_frames (int): Frames per video.
        size (int): Frame size.

    Returns:
        tuple: (annotation list path, list of (file name, label)).
    """
    os.makedirs(root, exist_ok=True)
    items = []
    for c in range(num_classes):
        for k in range(per_class):
            name = f'c{c}_{k}.mp4'
            write_video(osp.join(root, name), c, num_frames, size,
                        seed=c * 100 + k)
            items.append((name, c))
    ann = osp.join(root, 'list.txt')
    with open(ann, 'w') as f:
        f.writelines(f'{n} {c}\n' for n, c in items)
    return ann, items
