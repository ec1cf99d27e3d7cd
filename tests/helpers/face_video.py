"""Synthetic face videos for the face, demo and face-crop tests."""
import os
import os.path as osp


def write_face_video(path: str, num_frames: int = 24, seed: int = 0,
                     label: str = 'Happy') -> dict:
    """Synthetic face video from :mod:`syndfer` (320x240, 25 fps).

    Args:
        path (str): Output ``.mp4``.
        num_frames (int): Frames.
        seed (int): Subject / path seed.
        label (str): Expression.

    Returns:
        dict: ``render_face_video``'s info (``boxes`` = ground-truth
        ``(x, y, w, h)`` per frame).
    """
    from syndfer import render_face_video
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    return render_face_video(path, n_frames=num_frames, seed=seed,
                             label=label)
