"""Face detection backends, main-face tracking and cropping."""
import numpy as np
import pytest

from mmhdf.face import (DETECTED, HELD, INTERPOLATED, FixedBoxDetector,
                        FullFrameDetector, HaarFaceDetector, NoFaceError,
                        box_iou, build_face_detector, crop_face,
                        detect_main_face, iter_frames, track_main_face)
from mmhdf.testing.dfer_tiny import write_noise_video
from tests.helpers.face_video import write_face_video


@pytest.fixture(scope='module')
def face_video(tmp_path_factory):
    path = str(tmp_path_factory.mktemp('face') / 'face.mp4')
    return path, write_face_video(path, num_frames=16, seed=3)


def test_build_face_detector_specs():
    frame = np.zeros((80, 100, 3), np.uint8)
    assert isinstance(build_face_detector('haar'), HaarFaceDetector)
    assert build_face_detector('haar:alt2').name == 'haar:alt2'
    full = build_face_detector('none')
    assert isinstance(full, FullFrameDetector)
    np.testing.assert_array_equal(full(frame), [[0, 0, 100, 80, 1]])
    fixed = build_face_detector('fixed:10,20,30,40')
    assert isinstance(fixed, FixedBoxDetector)
    np.testing.assert_array_equal(fixed(frame), [[10, 20, 40, 60, 1]])
    # clipped to the frame; a box outside the frame finds nothing
    np.testing.assert_array_equal(
        build_face_detector('fixed:90,70,30,30')(frame), [[90, 70, 100, 80,
                                                           1]])
    assert build_face_detector('fixed:200,200,10,10')(frame).shape == (0, 5)
    with pytest.raises(ValueError, match='fixed:40,20,160,160'):
        build_face_detector('fixed:1,2')
    with pytest.raises(ValueError, match='unknown face detector'):
        build_face_detector('retina')
    with pytest.raises(FileNotFoundError, match='nope.xml'):
        build_face_detector('haar:nope.xml')


def test_haar_detects_synthetic_face(face_video):
    """Haar finds the syndfer face in every frame, on the true box."""
    path, info = face_video
    det = build_face_detector('haar')
    hits = 0
    for frame, (x, y, w, h) in zip(iter_frames(path), info['boxes']):
        boxes = det(frame)
        assert boxes.dtype == np.float32 and boxes.shape[1] == 5
        if len(boxes):
            iou = box_iou(boxes, np.array([[x, y, x + w, y + h]])).max()
            hits += iou > 0.5
    assert hits >= 0.9 * len(info['boxes'])


def test_haar_finds_nothing_in_noise(tmp_path):
    path = write_noise_video(str(tmp_path / 'noise.mp4'), num_frames=6)
    det = build_face_detector('haar')
    assert all(len(det(f)) == 0 for f in iter_frames(path))
    with pytest.raises(NoFaceError,
                       match=r'noise\.mp4.*"haar" scanned 6 of 6'):
        detect_main_face(path, det)


def test_track_interpolates_holds_and_picks_main_face():
    big = np.array([[10, 10, 50, 50, 1]], np.float32)
    small = np.array([[80, 80, 90, 90, 1]], np.float32)
    det = {
        2: np.concatenate([big, small]),
        6: np.concatenate([big + [8, 0, 8, 0, 0], small]),
        8: small,  # the big face is missed here: must not jump to small
    }
    track = track_main_face(det, num_frames=10, max_gap=5, smooth=1)
    assert track.num_tracks == 2
    assert track.boxes.shape == (10, 4)
    np.testing.assert_allclose(track.boxes[2], big[0, :4])
    np.testing.assert_allclose(track.boxes[4], [14, 10, 54, 50])  # midpoint
    np.testing.assert_allclose(track.boxes[9], track.boxes[6])  # held
    np.testing.assert_allclose(track.boxes[0], track.boxes[2])  # held
    assert list(track.status) == [HELD, HELD, DETECTED, INTERPOLATED,
                                  INTERPOLATED, INTERPOLATED, DETECTED, HELD,
                                  HELD, HELD]
    assert track.tracked.sum() == 5


def test_track_links_fast_motion_and_smooths():
    # consecutive boxes do not overlap but centres are close: same track
    det = {t: np.array([[t * 15, 0, t * 15 + 10, 40, 1]], np.float32)
           for t in range(5)}
    track = track_main_face(det, 5, smooth=3)
    assert track.num_tracks == 1
    assert (np.diff(track.boxes[:, 0]) > 0).all()  # monotone after smoothing
    with pytest.raises(NoFaceError):
        track_main_face({}, 5)


def test_crop_face_square_margin_and_padding():
    frame = np.zeros((100, 120, 3), np.uint8)
    frame[40:60, 50:70] = (0, 0, 255)  # red face box 20x20
    crop = crop_face(frame, [50, 40, 70, 60], size=40, scale=2.0)
    assert crop.shape == (40, 40, 3)
    # the 20 px box with 2x margin spans 40 px: the red square is the middle
    assert (crop[12:28, 12:28] == (0, 0, 255)).all()
    assert (crop[:8] == 0).all()
    # a box at the corner: outside parts are filled with the border value
    corner = crop_face(frame + 7, [0, 0, 20, 20], size=20, scale=2.0,
                       border_value=0)
    assert (corner[:5, :5] == 0).all() and (corner[-5:, -5:] == 7).all()


def test_detect_every_k_frames_interpolates(face_video):
    path, info = face_video
    track, vinfo = detect_main_face(path, build_face_detector('haar'),
                                    detect_every=3)
    assert vinfo.num_frames == len(track) == 16 and vinfo.fps == 25
    detected = np.flatnonzero(track.status == DETECTED)
    assert set(detected) <= set(range(0, 16, 3)) and len(detected) >= 5
    assert (track.status[detected[0]:detected[-1] + 1] > HELD).all()
    gt = np.array([[x, y, x + w, y + h] for x, y, w, h in info['boxes']])
    iou = np.diag(box_iou(track.boxes, gt))
    assert iou.mean() > 0.5  # interpolated boxes stay on the face
