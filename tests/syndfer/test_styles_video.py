"""Capture styles (shifted domains are harsher) and the mp4 face video."""
import cv2
import numpy as np

from syndfer import (CLASS_NAMES, IN_DOMAIN_STYLES, SHIFTED_STYLES,
                           STYLES, neutral_subject, render_clip,
                           render_face_video, sample_clip)
from syndfer.styles import make_background, sample_capture


def _jpeg(frames, quality):
    return np.stack([cv2.imdecode(cv2.imencode(
        '.jpg', f, [cv2.IMWRITE_JPEG_QUALITY, quality])[1], 1)
        for f in frames])


def _detail_correlation(style, clip_id):
    """Correlation of the fine (high-pass) structure of the clean frames
    with the degraded, JPEG-coded ones: expression cues are fine edges."""
    params = sample_clip(clip_id, 0, neutral_subject(), style, seed=5,
                         size=64)
    clean = render_clip(params, degrade=False)
    seen = _jpeg(render_clip(params), params.capture.jpeg)

    def high_pass(x):
        g = x.mean(axis=3).astype(np.float32)
        return np.stack([f - cv2.GaussianBlur(f, (0, 0), 2.0) for f in g])

    return float(np.corrcoef(high_pass(clean).ravel(),
                             high_pass(seen).ravel())[0, 1])


def test_eight_named_styles_split_in_two_disjoint_groups():
    assert len(STYLES) == 8
    assert set(IN_DOMAIN_STYLES) | set(SHIFTED_STYLES) == set(STYLES)
    assert not set(IN_DOMAIN_STYLES) & set(SHIFTED_STYLES)
    assert np.isclose(sum(IN_DOMAIN_STYLES.values()), 1.0)


def test_shifted_styles_destroy_more_detail():
    corr = {s: np.mean([_detail_correlation(s, i) for i in (1, 2)])
            for s in STYLES}
    worst_in_domain = min(corr[s] for s in IN_DOMAIN_STYLES)
    assert max(corr[s] for s in SHIFTED_STYLES) < worst_in_domain, corr
    assert corr['studio'] > 0.95


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


def _read_video(path):
    cap = cv2.VideoCapture(path)
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    cap.release()
    return frames


def test_face_video_is_written_and_haar_detects_the_face(tmp_path):
    cascade = cv2.CascadeClassifier(
        cv2.data.haarcascades + 'haarcascade_frontalface_default.xml')
    hits = total = 0
    for k, label in enumerate(CLASS_NAMES):
        info = render_face_video(str(tmp_path / f'{label}.mp4'), n_frames=8,
                                 seed=k, label=label)
        frames = _read_video(info['path'])
        assert len(frames) == 8 and frames[0].shape == (240, 320, 3)
        boxes = info['boxes']
        assert len({b[:2] for b in boxes}) > 3        # the face moves
        for frame, (x, y, w, h) in zip(frames, boxes):
            grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
            dets = cascade.detectMultiScale(grey, 1.1, 4, minSize=(40, 40))
            total += 1
            hits += any(x <= dx + dw / 2 <= x + w and y <= dy + dh / 2 <= y + h
                        for dx, dy, dw, dh in dets)
    assert hits >= 0.85 * total, (hits, total)
