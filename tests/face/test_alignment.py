"""Landmark alignment: exact similarity, eye line, smoothing without lag."""
import numpy as np
import pytest

from mmhdf.face.alignment import (CANONICAL_LANDMARKS, align_face,
                                  landmark_pose, smooth_local_linear,
                                  track_poses, transform_points)
from mmhdf.face.tracking import DETECTED, FaceTrack


def _face(angle_deg, scale, centre):
    """Canonical landmarks rotated (ccw on screen), scaled, moved."""
    a = np.deg2rad(angle_deg)
    rot = np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])
    return CANONICAL_LANDMARKS @ rot.T * scale + np.asarray(centre)


@pytest.mark.parametrize('angle', [-30, -10, 0, 20, 30])
def test_pose_maps_landmarks_onto_the_template(angle):
    # a face of box side 100 px: crop 224 at margin 1.25 -> side 179.2 px
    lms = _face(angle, 100.0, (150, 90))
    pose = landmark_pose(lms, 224, 1.25)
    assert np.rad2deg(pose[3]) == pytest.approx(-angle, abs=1e-9)
    assert np.exp(pose[2]) == pytest.approx(224 / 1.25 / 100, rel=1e-9)
    np.testing.assert_allclose(pose[:2], (150, 90), atol=1e-9)
    mapped = transform_points(pose, 224, lms)
    np.testing.assert_allclose(mapped,
                               112 + CANONICAL_LANDMARKS * 224 / 1.25,
                               atol=1e-9)


def test_align_face_moves_pixels_like_the_pose():
    frame = np.zeros((120, 160, 3), np.uint8)
    frame[60, 100] = 255  # one bright pixel
    lms = _face(25, 40.0, (80, 60))
    pose = landmark_pose(lms, 64, 1.25)
    crop = align_face(frame, pose, 64)
    expected = transform_points(pose, 64, np.array([[100, 60]]))[0]
    y, x = np.unravel_index(crop[..., 0].argmax(), crop.shape[:2])
    assert abs(x - expected[0]) <= 1 and abs(y - expected[1]) <= 1


def test_local_linear_smoothing_keeps_ramps_and_averages_noise():
    ramp = np.stack([np.arange(20.0) * 2.5, np.full(20, 3.0)], 1)
    np.testing.assert_allclose(smooth_local_linear(ramp, 5), ramp,
                               atol=1e-12)
    # a window of 3 on (0, 3, 0, 3, 0): the interior is the mean of three
    zig = np.array([[0.0], [3.0], [0.0], [3.0], [0.0]])
    out = smooth_local_linear(zig, 3)[:, 0]
    np.testing.assert_allclose(out[1:4], [1.0, 2.0, 1.0])
    assert smooth_local_linear(zig, 1)[:, 0].tolist() == zig[:, 0].tolist()


def test_track_poses_smooth_jitter_and_interpolate_gaps():
    rng = np.random.default_rng(0)
    n = 40
    centres = np.stack([np.linspace(100, 160, n), np.full(n, 80.0)], 1)
    lms = np.stack([_face(0, 60.0, c) for c in centres])
    noisy = lms + rng.normal(0, 1.5, lms.shape)
    noisy[10] = np.nan  # a frame without a detection
    boxes = np.zeros((n, 4), np.float32)
    track = FaceTrack(boxes, np.full(n, DETECTED, np.int8),
                      landmarks=noisy.astype(np.float32))
    raw = track_poses(track, 112, smooth=1)
    smooth = track_poses(track, 112, smooth=9)
    assert np.isfinite(smooth).all()  # frame 10 is interpolated
    truth = centres[:, 0]
    raw_err = np.abs(raw[:, 0] - truth).mean()
    smooth_err = np.abs(smooth[:, 0] - truth).mean()
    assert smooth_err < 0.6 * raw_err
    # frame-to-frame jitter of the angle drops as well
    assert np.abs(np.diff(smooth[:, 3])).mean() < \
        0.5 * np.abs(np.diff(raw[:, 3])).mean()


def test_track_without_landmarks_has_no_pose():
    track = FaceTrack(np.zeros((3, 4), np.float32),
                      np.full(3, DETECTED, np.int8))
    assert track_poses(track, 64) is None
