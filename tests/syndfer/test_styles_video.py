"""Capture styles (shifted domains are harsher) and the mp4 face video."""
import cv2
import numpy as np
import pytest

from mmhdf.syndfer import (IN_DOMAIN_STYLES, SHIFTED_STYLES, STYLES,
                           neutral_subject, render_clip, render_face_video,
                           sample_clip)
from mmhdf.syndfer.styles import make_background, sample_capture


def _jpeg(frames, quality):
    return np.stack([cv2.imdecode(cv2.imencode(
        '.jpg', f, [cv2.IMWRITE_JPEG_QUALITY, quality])[1], 1)
        for f in frames])


def _structure_error(style, clip_id):
    """Error of the degraded, JPEG-coded face after removing global
    brightness/contrast (what a normalising model still has to undo)."""
    params = sample_clip(clip_id, 0, neutral_subject(), style, seed=5,
                         size=48)
    clean = render_clip(params, degrade=False).astype(np.float32)
    seen = _jpeg(render_clip(params), params.capture.jpeg).astype(
        np.float32)

    def norm(x):
        g = x.mean(axis=3)
        return (g - g.mean()) / (g.std() + 1e-6)

    return float(np.abs(norm(seen) - norm(clean)).mean())


def test_eight_named_styles_split_in_two_disjoint_groups():
    assert len(STYLES) == 8
    assert set(IN_DOMAIN_STYLES) | set(SHIFTED_STYLES) == set(STYLES)
    assert not set(IN_DOMAIN_STYLES) & set(SHIFTED_STYLES)
    assert np.isclose(sum(IN_DOMAIN_STYLES.values()), 1.0)


def test_shifted_styles_degrade_more():
    err = {s: np.mean([_structure_error(s, i) for i in (1, 2, 3)])
           for s in STYLES}
    shifted = np.mean([err[s] for s in SHIFTED_STYLES])
    in_domain = np.mean([err[s] for s in IN_DOMAIN_STYLES])
    assert shifted > 1.3 * in_domain, err
    assert min(err[s] for s in SHIFTED_STYLES) > err['studio']


def test_capture_sampling_stays_in_style_ranges():
    rng = np.random.default_rng(0)
    for name, style in STYLES.items():
        for _ in range(20):
            cap = sample_capture(name, rng)
            assert style.noise[0] <= cap.noise <= style.noise[1]
            assert style.jpeg[0] <= cap.jpeg <= style.jpeg[1]
            assert cap.background in style.background
            bg = make_background(cap, 24, 24)
            assert bg.shape == (24, 24, 3) and bg.dtype == np.uint8


@pytest.mark.parametrize('label', ['Happy', 'Surprise'])
def test_face_video_is_written_and_haar_detects_the_face(tmp_path, label):
    info = render_face_video(str(tmp_path / 'face.mp4'), n_frames=12,
                             seed=1, label=label)
    cap = cv2.VideoCapture(info['path'])
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    cap.release()
    assert len(frames) == 12 and frames[0].shape == (240, 320, 3)
    boxes = info['boxes']
    assert len({b[:2] for b in boxes}) > 3        # the face moves
    cascade = cv2.CascadeClassifier(
        cv2.data.haarcascades + 'haarcascade_frontalface_default.xml')
    hits = 0
    for frame, (x, y, w, h) in zip(frames, boxes):
        grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        dets = cascade.detectMultiScale(grey, 1.1, 4, minSize=(40, 40))
        for dx, dy, dw, dh in dets:
            cx, cy = dx + dw / 2, dy + dh / 2
            if x <= cx <= x + w and y <= cy <= y + h:
                hits += 1
                break
    assert hits >= 10
