"""tools/visualize_dam.py: maps collected per DAM and written as PNGs."""
import os.path as osp

import cv2
import numpy as np
import pytest

from tests.models.dam.recognizer_check import ROOT
from tests.helpers.scripts import load_script

CFG = osp.join(ROOT, 'configs', '_base_', 'models', 'r3d18_dam.py')
TINY = ['model.backbone.base_channels=4', 'model.cls_head.in_channels=32']


@pytest.fixture(scope='module')
def tool():
    return load_script('tools/visualize_dam.py', 'visualize_dam')


def test_sample_indices(tool):
    assert tool.sample_indices(32, 4).tolist() == [4, 12, 20, 28]
    assert tool.sample_indices(2, 4).tolist() == [0, 0, 1, 1]
    with pytest.raises(ValueError, match='no frames'):
        tool.sample_indices(0, 4)


def test_random_clip(tool, tmp_path):
    out = str(tmp_path / 'vis')
    written = tool.main(
        [CFG, '--random', '--size', '32', '--out-dir', out, '--cfg-options'] +
        TINY)
    names = {osp.basename(p) for p in written}
    for i in range(1, 5):
        assert f'backbone.dams.dam{i}_temporal_gate.png' in names
        assert f'backbone.dams.dam{i}_freq_attn.png' in names
    assert 'summary.png' in names
    for path in written:
        assert osp.getsize(path) > 0
    assert cv2.imread(osp.join(out, 'summary.png')) is not None
    maps = np.load(osp.join(out, 'maps.npz'))
    # R3D-18 at 16 frames: stage T = 16, 8, 4, 2; spatial 32 -> 16, 8, 4, 2
    assert maps['backbone.dams.dam1.temporal_gate'].shape == (16, )
    assert maps['backbone.dams.dam4.temporal_gate'].shape == (2, )
    assert maps['backbone.dams.dam1.freq_attn'].shape == (16, 16)
    gate = maps['backbone.dams.dam2.temporal_gate']
    assert ((gate > 0) & (gate < 1)).all()


def test_frame_folder(tool, tmp_path):
    frames = tmp_path / 'frames'
    frames.mkdir()
    for i in range(5):
        img = np.full((40, 60, 3), 40 * i, dtype=np.uint8)
        cv2.imwrite(str(frames / f'img_{i:05d}.png'), img)
    clip = tool.read_frames(str(frames), 8)
    assert len(clip) == 8 and clip[0].shape == (40, 60, 3)
    # segment centres of 5 frames in 8 segments: 0 0 1 2 2 3 4 4
    assert [int(f[0, 0, 0]) for f in clip] == [0, 0, 40, 80, 80, 120, 160, 160]
    assert tool.resize_center_crop(clip[0], 32).shape == (32, 32, 3)
    out = str(tmp_path / 'vis')
    written = tool.main([
        CFG, '--input',
        str(frames), '--size', '32', '--out-dir', out, '--cfg-options'
    ] + TINY)
    assert osp.join(out, 'summary.png') in written
