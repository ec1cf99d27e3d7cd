"""The demo on real-face material: frame folders, WebM, contact sheet,
synthetic-data warning, no-face exit code."""
import json
import os
import os.path as osp
from types import SimpleNamespace

import cv2
import pytest
import torch

pytest.importorskip('skimage', reason='needs scikit-image (tests extra)')

from mmhdf.apis.provenance import (synthetic_warning,  # noqa: E402
                                    training_data)
from mmhdf.face.blazeface import mediapipe_available  # noqa: E402
from mmhdf.testing.dfer_tiny import (write_checkpoint,  # noqa: E402
                                     write_tiny_config)
from mmhdf.testing.face_videos import make_scene, write_video  # noqa: E402
from tests.helpers.scripts import load_script  # noqa: E402

demo = load_script('demo/demo_video.py', 'mmhdf_demo_video_real')
needs_mediapipe = pytest.mark.skipif(not mediapipe_available(),
                                     reason='needs mediapipe 0.10.21')
ZOO = 'hdf_r3d18-w16_sam_8x64_syndfer-h_cpu-9536656d.pth'


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp('demo_real')
    cfg = write_tiny_config(str(root))
    ckpt = str(root / 'tiny.pth')
    write_checkpoint(cfg, ckpt, seed=2)
    synth = str(root / 'tiny_synthetic.pth')
    data = torch.load(ckpt, weights_only=True)
    data['meta']['training_data'] = 'SynDFER-H'
    torch.save(data, synth)
    return root, cfg, ckpt, synth


def _read_all(path):
    cap = cv2.VideoCapture(path)
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    cap.release()
    return frames


@needs_mediapipe
def test_frame_folder_to_webm_sheet_and_warning(setup, capsys):
    root, cfg, _, synth = setup
    folder = root / '00001'
    folder.mkdir()
    video = make_scene('rotate', 16)
    for i, frame in enumerate(video.frames, 1):  # DFEW frame names
        cv2.imwrite(str(folder / f'00001_{i:05d}.jpg'), frame)
    out = str(root / 'out')
    rc = demo.main([str(folder), cfg, synth, '--out-dir', out,
                    '--detector', 'mediapipe', '--window-sec', '0.4'])
    captured = capsys.readouterr()
    assert rc == demo.EXIT_OK, captured.err
    assert 'WARNING: model trained on synthetic faces (SynDFER-H)' in \
        captured.out
    assert 'detecting faces' in captured.out  # progress bars
    assert sorted(os.listdir(out)) == [
        '00001_annotated.webm', '00001_contact_sheet.png',
        '00001_timeline.png', '00001_windows.csv', '00001_windows.json']
    with open(osp.join(out, '00001_windows.json')) as f:
        meta = json.load(f)['meta']
    assert meta['num_frames'] == 16 and meta['fps'] == 25.0
    assert meta['detector'] == 'mediapipe' and meta['aligned'] is True
    assert meta['training_data']['name'] == 'SynDFER-H'
    assert meta['training_data']['synthetic'] is True
    assert meta['training_data']['source'] == 'checkpoint meta'
    assert 'synthetic faces' in meta['warning']
    frames = _read_all(osp.join(out, '00001_annotated.webm'))
    assert len(frames) == 16
    # the red warning banner across the top of every frame
    top = frames[5][3:8, 5:60].reshape(-1, 3).mean(0)
    assert top[2] > 120 and top[0] < 60, top
    sheet = cv2.imread(osp.join(out, '00001_contact_sheet.png'))
    assert sheet.shape[1] == 4 * 320 and sheet.shape[0] > 2 * 100


def test_brick_wall_exits_1_and_writes_nothing(setup, tmp_path, capsys):
    _, cfg, ckpt, _ = setup
    path = write_video(str(tmp_path / 'brick.avi'),
                       make_scene('brick', 20).frames)
    out = str(tmp_path / 'out')
    rc = demo.main([path, cfg, ckpt, '--out-dir', out, '--quiet'])
    assert rc == demo.EXIT_NO_FACE == 1
    assert 'no face found in' in capsys.readouterr().err
    assert not osp.exists(out) or not os.listdir(out)


def test_training_data_from_metafile_and_config():
    bare = SimpleNamespace(cfg=None, checkpoint_meta={}, dataset_meta=None)
    info = training_data(bare, f'/anywhere/{ZOO}')
    assert info['name'] == 'SynDFER-H' and info['synthetic'] is True
    assert info['source'].startswith('metafile ') and \
        'metafile.yml' in info['source']
    assert 'SynDFER-H' in synthetic_warning(info)
    unknown = training_data(bare, '/x/my_dfew_model.pth')
    assert unknown == dict(name=None, synthetic=False, source='unknown')
    assert synthetic_warning(unknown) is None
    from mmengine.config import Config
    cfg = Config(dict(train_dataloader=dict(dataset=dict(
        type='DFEWDataset', data_root='data/dfew'))))
    real = training_data(SimpleNamespace(cfg=cfg), None)
    assert real['synthetic'] is False and 'DFEWDataset' in real['name']
    cfg.train_dataloader.dataset.data_root = 'data/syndfer_h'
    assert training_data(SimpleNamespace(cfg=cfg), None)['synthetic']
