"""The BlazeFace wrapper: missing-extra message, auto fallback, NMS, tiles."""
import sys

import numpy as np
import pytest

from mmhdf.face import (DetectorUnavailableError, HaarFaceDetector,
                        build_face_detector)
from mmhdf.face.blazeface import BlazeFaceDetector, mediapipe_available, nms
from tests.helpers.scripts import load_script


@pytest.fixture
def no_mediapipe(monkeypatch):
    """Make ``import mediapipe...`` fail as on a machine without it."""
    for name in list(sys.modules):
        if name == 'mediapipe' or name.startswith('mediapipe.'):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, 'mediapipe', None)


def test_missing_mediapipe_says_how_to_install(no_mediapipe, capsys):
    assert not mediapipe_available()
    with pytest.raises(DetectorUnavailableError,
                       match=r'pip install --no-deps mediapipe==0\.10\.21'):
        build_face_detector('mediapipe')
    # auto falls back to the Haar cascade
    assert isinstance(build_face_detector('auto'), HaarFaceDetector)
    assert isinstance(build_face_detector(None), HaarFaceDetector)
    # the demo reports it as a usage error naming --detector (exit 2)
    demo = load_script('demo/demo_video.py', 'mmhdf_demo_video_bf')
    argv = [__file__, __file__, __file__, '--detector', 'mediapipe']
    assert demo.main(argv) == demo.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith('error: --detector: detector "mediapipe" needs')
    assert '.[face]' in err


def test_nms_drops_overlaps_and_nested_duplicates():
    boxes = np.array([
        [0, 0, 10, 10, 0.9],     # kept
        [1, 1, 11, 11, 0.8],     # IoU 0.68 with the first: dropped
        [4, 3, 14, 15, 0.7],     # IoU 0.27, but centre (9, 9) inside: drop
        [30, 30, 40, 40, 0.6],   # elsewhere: kept
        [12, 0, 22, 10, 0.95],   # IoU 0 with the first, centre outside
    ], np.float32)
    assert nms(boxes).tolist() == [4, 0, 3]


@pytest.mark.skipif(not mediapipe_available(),
                    reason='needs mediapipe 0.10.21')
def test_tiles_cover_wide_and_tall_frames():
    det = BlazeFaceDetector()
    wide = list(det._tiles(640, 360))
    assert wide == [(0, 0, 360), (280, 0, 360)]
    tall = list(det._tiles(360, 1000))
    assert tall[0] == (0, 0, 360) and tall[-1] == (0, 640, 360)
    steps = np.diff([y for _, y, _ in tall])
    assert (steps <= 0.8 * 360).all()  # tiles overlap by >= 20 %
    assert det.detect(np.zeros((90, 160, 3), np.uint8))[0].shape == (0, 5)
    with pytest.raises(ValueError, match='"full" or "short"'):
        BlazeFaceDetector('long')
