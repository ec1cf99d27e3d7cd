"""face_crop.py with real faces: aligned crops, the 16-frame variant."""
import csv
import os

import cv2
import numpy as np
import pytest

pytest.importorskip('skimage', reason='needs scikit-image (tests extra)')

from mmhdf.face import time_interpolate  # noqa: E402
from mmhdf.face.blazeface import mediapipe_available  # noqa: E402
from mmhdf.testing.face_videos import make_scene, write_video  # noqa: E402
from tests.helpers.scripts import load_script  # noqa: E402

face_crop = load_script('tools/data/face_crop.py', 'mmhdf_face_crop_al')


def test_time_interpolate_is_linear_in_time():
    frames = np.array([0, 10, 20], np.uint8).reshape(3, 1, 1, 1)
    out = time_interpolate(frames, 5)
    assert out[:, 0, 0, 0].tolist() == [0, 5, 10, 15, 20]
    long = np.arange(0, 100, 3, dtype=np.uint8).reshape(-1, 1, 1, 1)  # 34
    out = time_interpolate(long, 16)[:, 0, 0, 0]
    # frame k shows time k * 33 / 15 of the input (value 3 * that)
    np.testing.assert_allclose(out, np.round(np.arange(16) * 33 / 15 * 3),
                               atol=0.51)
    one = time_interpolate(frames[:1], 16)
    assert one.shape == (16, 1, 1, 1) and not one.any()
    with pytest.raises(ValueError, match='need >= 1'):
        time_interpolate(frames[:0], 16)


@pytest.mark.skipif(not mediapipe_available(),
                    reason='needs mediapipe 0.10.21')
def test_aligned_crops_and_16f_variant(tmp_path, capsys):
    raw = tmp_path / 'raw'
    raw.mkdir()
    write_video(str(raw / 'rolling.avi'), make_scene('rotate', 20).frames)
    write_video(str(raw / 'wall.avi'), make_scene('brick', 12).frames)
    outs = {}
    for mode in ('aligned', 'square'):
        out = tmp_path / mode
        argv = [str(raw), str(out), '--detector', 'mediapipe', '--size', '96',
                '--frames-16f', '--quiet']
        assert face_crop.main(argv + (['--no-align'] if mode == 'square'
                                      else [])) == face_crop.EXIT_OK
        clip = out / 'Clip' / 'clip_96x96' / '00001'
        clip16 = out / 'Clip' / 'clip_96x96_16f' / '00001'
        assert len(os.listdir(clip)) == 20
        assert sorted(os.listdir(clip16)) == [
            f'00001_{i:05d}.jpg' for i in range(1, 17)]
        # the wall has no face: skipped, in neither folder
        assert not (out / 'Clip' / 'clip_96x96' / '00002').exists()
        assert not (out / 'Clip' / 'clip_96x96_16f' / '00002').exists()
        with open(out / 'skipped.csv', newline='') as f:
            skipped = dict(list(csv.reader(f))[1:])
        assert skipped['wall.avi'].startswith('no face')
        outs[mode] = [cv2.imread(str(clip / f'00001_{i:05d}.jpg')
                      ).astype(np.float32) for i in (1, 20)]
    capsys.readouterr()

    def change(pair):  # first (roll -30) vs last (roll +30) crop
        return float(np.abs(pair[0] - pair[1]).mean())

    # aligned crops show the face upright in both; square crops keep the
    # 60 degree difference
    assert change(outs['aligned']) < 0.5 * change(outs['square']), \
        (change(outs['aligned']), change(outs['square']))
