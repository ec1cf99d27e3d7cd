"""demo/demo_video.py end to end (in-process ``main(argv)``)."""
import csv
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest

from mmhdf.testing.dfer_tiny import (DFEW, write_checkpoint,
                                     write_malicious_checkpoint,
                                     write_noise_video, write_tiny_config)
from tests.helpers.face_video import write_face_video
from tests.helpers.scripts import load_script


def _load_demo():
    return load_script('demo/demo_video.py', 'mmhdf_demo_video')


demo = _load_demo()


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp('demo')
    cfg = write_tiny_config(str(root))
    ckpt = str(root / 'tiny.pth')
    write_checkpoint(cfg, ckpt, seed=2)
    return root, cfg, ckpt


def test_demo_end_to_end_haar(setup, capsys):
    """Synthetic face video, Haar detector: every output is written."""
    root, cfg, ckpt = setup
    video = str(root / 'my_face.mp4')
    info = write_face_video(video, num_frames=30, seed=4, label='Surprise')
    out = str(root / 'out')
    rc = demo.main([video, cfg, ckpt, '--out-dir', out, '--window-sec',
                    '0.6', '--stride-sec', '0.2', '--detector', 'haar'])
    assert rc == demo.EXIT_OK, capsys.readouterr().err
    files = {k: osp.join(out, f'my_face_{k}') for k in
             ('windows.csv', 'windows.json', 'annotated.webm', 'timeline.png',
              'contact_sheet.png')}
    assert all(osp.getsize(p) > 0 for p in files.values())

    with open(files['windows.json']) as f:
        data = json.load(f)
    meta, windows = data['meta'], data['windows']
    assert meta['detector'] == 'haar' and meta['classes'] == DFEW
    assert meta['num_frames'] == 30 and meta['clip_len'] == 8
    assert meta['face_frames_detected'] >= 27  # Haar finds the face
    # 0.6 s at 25 fps = 15-frame windows every 5 frames, last one at the end
    assert [(w['start_frame'], w['end_frame']) for w in windows] == [
        (0, 14), (5, 19), (10, 24), (15, 29)]
    for w in windows:
        probs = np.array([w['probs'][n] for n in DFEW])
        assert abs(probs.sum() - 1) < 1e-4
        assert w['pred_label'] == DFEW[int(probs.argmax())]
        assert w['face_ratio'] == 1.0

    with open(files['windows.csv']) as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(windows)
    assert float(rows[2]['prob_Fear']) == pytest.approx(
        windows[2]['probs']['Fear'], abs=1e-6)

    cap = cv2.VideoCapture(files['annotated.webm'])
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    cap.release()
    assert len(frames) == 30
    assert frames[0].shape[1] > frames[0].shape[0]  # frame + bars panel
    png = cv2.imread(files['timeline.png'])
    assert png is not None and png.shape[0] > 200
    stdout = capsys.readouterr().out
    assert '4 window(s)' in stdout and files['annotated.webm'] in stdout
    assert len(info['boxes']) == 30


def test_demo_no_face_exits_nonzero(setup, capsys):
    root, cfg, ckpt = setup
    video = write_noise_video(str(root / 'noise.mp4'), num_frames=8)
    out = str(root / 'out_noise')
    rc = demo.main([video, cfg, ckpt, '--out-dir', out])
    assert rc == demo.EXIT_NO_FACE == 1
    err = capsys.readouterr().err
    assert 'no face found in' in err and 'noise.mp4' in err
    assert '--detector none' in err  # tells the user what to do
    assert not osp.exists(out) or not os.listdir(out)


def test_demo_fixed_box_detector(setup, capsys):
    """A manual box works where no detector would (pre-cropped videos)."""
    root, cfg, ckpt = setup
    video = write_noise_video(str(root / 'crop.mp4'), num_frames=12)
    out = str(root / 'out_fixed')
    rc = demo.main([video, cfg, ckpt, '--out-dir', out, '--detector',
                    'fixed:10,10,50,50', '--no-video'])
    assert rc == 0, capsys.readouterr().err
    with open(osp.join(out, 'crop_windows.json')) as f:
        data = json.load(f)
    assert data['meta']['detector'] == 'fixed:10,10,50,50'
    assert len(data['windows']) == 1  # 12 frames < 2 s default window
    assert not osp.exists(osp.join(out, 'crop_annotated.mp4'))


def test_demo_refuses_pickle_payload(setup, tmp_path, capsys):
    root, cfg, _ = setup
    bad = str(tmp_path / 'evil.pth')
    marker = str(tmp_path / 'PWNED')
    write_malicious_checkpoint(cfg, bad, marker)
    video = write_noise_video(str(tmp_path / 'v.mp4'), num_frames=4)
    rc = demo.main([video, cfg, bad, '--out-dir', str(tmp_path / 'o')])
    assert rc == demo.EXIT_CHECKPOINT
    err = capsys.readouterr().err
    assert 'Refusing to load checkpoint' in err and 'evil.pth' in err
    assert not osp.exists(marker)


def test_demo_bad_inputs(setup, tmp_path, capsys):
    root, cfg, ckpt = setup
    assert demo.main([str(tmp_path / 'missing.mp4'), cfg, ckpt]) == \
        demo.EXIT_INPUT
    assert 'missing.mp4' in capsys.readouterr().err
    video = write_noise_video(str(tmp_path / 'v.mp4'), num_frames=4)
    assert demo.main([video, cfg, ckpt, '--detector', 'yolo']) == \
        demo.EXIT_USAGE
    assert 'unknown face detector' in capsys.readouterr().err
    dam_cfg = write_tiny_config(str(tmp_path), dam=True)
    assert demo.main([video, dam_cfg, ckpt]) == demo.EXIT_CHECKPOINT
    assert 'does not match config' in capsys.readouterr().err
