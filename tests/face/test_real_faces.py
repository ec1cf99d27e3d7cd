"""Detection and alignment on real-face videos made from scikit-image photos.

The scenes (:mod:`mmhdf.testing.face_videos`) animate the ``astronaut``
photograph; ``brick`` has no face. The issue's targets are asserted for
the BlazeFace detector (``mediapipe``, the ``face`` extra): the 37 px face
and the 35 degree head turn are found in >= 90 % of the frames, the brick
wall yields no track, and alignment levels the eye line to within 3 degrees
for in-plane rotations up to 30 degrees.
"""
import os.path as osp

import numpy as np
import pytest

pytest.importorskip('skimage', reason='needs scikit-image (tests extra)')

from mmhdf.face import (NoFaceError, build_face_detector,  # noqa: E402
                        detect_main_face)
from mmhdf.face.alignment import track_poses, transform_points  # noqa: E402
from mmhdf.face.blazeface import mediapipe_available  # noqa: E402
from mmhdf.testing.face_videos import (hits, make_scene,  # noqa: E402
                                       write_video)

needs_mediapipe = pytest.mark.skipif(
    not mediapipe_available(),
    reason='needs mediapipe 0.10.21 (pip install -e .[face] && pip install '
    '--no-deps mediapipe==0.10.21)')

NUM_FRAMES = 20


@pytest.fixture(scope='module')
def scenes():
    return {name: make_scene(name, NUM_FRAMES)
            for name in ('small37', 'yaw35', 'rotate', 'occluded',
                         'brick')}


@pytest.fixture(scope='module')
def blazeface():
    return build_face_detector('mediapipe')


def test_scene_ground_truth_is_consistent():
    video = make_scene('rotate', 5)
    eyes = video.landmarks[:, 1] - video.landmarks[:, 0]
    angle = -np.rad2deg(np.arctan2(eyes[:, 1], eyes[:, 0]))
    # the photo's own eye line is tilted by 3.0 deg; the scene adds the roll
    np.testing.assert_allclose(angle - video.roll, -3.0, atol=0.1)
    assert video.frames.shape == (5, 240, 320, 3)
    small = make_scene('small37', 3)
    side = small.boxes[:, 2] - small.boxes[:, 0]
    np.testing.assert_allclose(side, 37.0, atol=0.5)
    with pytest.raises(ValueError, match='unknown scene'):
        make_scene('nope')


@needs_mediapipe
@pytest.mark.parametrize('name', ['small37', 'yaw35', 'occluded', 'rotate'])
def test_blazeface_finds_the_face(scenes, blazeface, name):
    video = scenes[name]
    hit, false = hits(video, [blazeface(f) for f in video.frames])
    assert hit.mean() >= 0.9, (name, hit.mean())
    assert false == 0


@needs_mediapipe
def test_blazeface_landmarks_match_ground_truth(scenes, blazeface):
    video = scenes['small37']
    for t in (0, NUM_FRAMES - 1):
        boxes, lms = blazeface.detect(video.frames[t])
        assert lms.shape == (len(boxes), 4, 2)
        err = np.linalg.norm(lms[0] - video.landmarks[t], axis=1)
        assert err.max() < 0.15 * 37  # within 15 % of the face side


@needs_mediapipe
def test_no_face_video_yields_no_track(scenes, blazeface, tmp_path):
    video = scenes['brick']
    assert sum(len(blazeface(f)) for f in video.frames) == 0
    path = write_video(str(tmp_path / 'brick.avi'), video.frames)
    with pytest.raises(NoFaceError, match='brick.avi'):
        detect_main_face(path, blazeface, min_face_share=0.3)


def test_haar_misses_the_37px_face(scenes):
    """The baseline the issue reports: Haar finds no wide-shot face."""
    video = scenes['small37']
    haar = build_face_detector('haar')
    hit, _ = hits(video, [haar(f) for f in video.frames[::4]])
    assert hit.mean() < 0.5


@needs_mediapipe
def test_alignment_levels_the_eye_line(scenes, blazeface, tmp_path):
    video = scenes['rotate']  # roll -30 .. +30 degrees
    path = write_video(str(tmp_path / 'rotate.avi'), video.frames)
    track, _ = detect_main_face(path, blazeface, min_face_share=0.3)
    assert track.landmarks is not None and track.num_detected == NUM_FRAMES
    poses = track_poses(track, 112, 1.25)
    angles, iods = [], []
    for t in range(NUM_FRAMES):
        eyes = transform_points(poses[t], 112, video.landmarks[t, :2])
        d = eyes[1] - eyes[0]
        angles.append(np.rad2deg(np.arctan2(d[1], d[0])))
        iods.append(np.hypot(*d))
    before = np.abs(video.roll + 3.0)
    assert before.max() > 29  # the input really is rotated
    assert np.abs(angles).max() < 3.0, np.round(angles, 2)
    # the same face size in every crop: eye distance 0.43 * 112 / 1.25
    np.testing.assert_allclose(iods, 0.43 * 112 / 1.25, rtol=0.1)
    assert osp.isfile(path)
