"""tools/analysis/mmaction_tool.py: mmaction2's stock analysis tools with
mmhdf imported first (docs/tools.md)."""
import os.path as osp
import pickle
import subprocess
import sys

import pytest
import torch

from tests.helpers.scripts import ROOT, load_script

TOOL = osp.join(ROOT, 'tools', 'analysis', 'mmaction_tool.py')

TINY_DAM_CFG = """\
default_scope = 'mmaction'
custom_imports = dict(imports=['mmhdf'], allow_failed_imports=False)
model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='ResNet3dDAM', num_frames=8, depth=18, base_channels=4,
        pretrained=None, pretrained2d=False, inflate=(1, 1, 1, 1),
        conv1_kernel=(3, 7, 7), conv1_stride_t=1, pool1_stride_t=1,
        with_pool1=False, with_pool2=False, spatial_strides=(1, 2, 2, 2),
        temporal_strides=(1, 2, 2, 2),
        norm_cfg=dict(type='BN3d', requires_grad=True)),
    cls_head=dict(type='I3DHead', in_channels=32, num_classes=7),
    data_preprocessor=dict(
        type='ActionDataPreprocessor', mean=[114.75] * 3, std=[57.38] * 3,
        format_shape='NCTHW'))
test_dataloader = dict(dataset=dict(type='NoSuchDataset'))
"""


@pytest.fixture(scope='module')
def tool():
    return load_script('tools/analysis/mmaction_tool.py', 'mmaction_tool')


@pytest.fixture
def cfg_file(tmp_path):
    path = tmp_path / 'tiny_dam.py'
    path.write_text(TINY_DAM_CFG)
    return str(path)


def test_get_flops_with_dam_config(tool, cfg_file, capsys):
    assert tool.main(['get_flops', cfg_file, '--shape', '1', '3', '8', '32',
                      '32']) == 0
    out = capsys.readouterr().out
    assert 'Input shape: (1, 3, 8, 32, 32)' in out
    assert 'Flops:' in out and 'backbone.dams.dam1' in out
    # a clip length other than the backbone's num_frames: DAM's clear error
    with pytest.raises(ValueError, match='built for num_frames=8 but got an '
                       'input clip with T=16'):
        tool.main(['get_flops', cfg_file, '--shape', '1', '3', '16', '32',
                   '32'])


def test_unknown_tool_and_list(tool, capsys):
    assert tool.main(['no_such_tool']) == 2
    err = capsys.readouterr().err
    assert "no stock tool 'no_such_tool'" in err and 'get_flops' in err
    assert tool.main(['--list']) == 0
    names = capsys.readouterr().out.split()
    assert {'get_flops', 'confusion_matrix'} <= set(names)


def _predictions(path):
    """9 samples of 3 classes; one 0 predicted as 1, one 2 as 0."""
    gts = [0, 0, 0, 1, 1, 1, 2, 2, 2]
    preds = [0, 0, 1, 1, 1, 1, 2, 2, 0]
    samples = [
        dict(pred_score=torch.eye(3)[p], gt_label=torch.tensor([g]))
        for g, p in zip(gts, preds)
    ]
    with open(path, 'wb') as f:
        pickle.dump(samples, f)


def test_confusion_matrix_in_a_fresh_interpreter(cfg_file, tmp_path):
    preds, out = str(tmp_path / 'preds.pkl'), str(tmp_path / 'cm.pkl')
    _predictions(preds)
    stock = osp.join(
        osp.dirname(__import__('mmaction').__file__), '.mim', 'tools',
        'analysis_tools', 'confusion_matrix.py')
    # the stock script alone fails on the mmaction2 1.2.0 wheel ...
    bare = subprocess.run([sys.executable, stock, cfg_file, preds],
                          capture_output=True, text=True, cwd=str(tmp_path))
    assert bare.returncode != 0
    assert "No module named 'mmaction.models.localizers.drn'" in bare.stderr
    # ... and runs through the wrapper
    done = subprocess.run(
        [sys.executable, TOOL, 'confusion_matrix', cfg_file, preds, '--out',
         out, '--show-path', str(tmp_path / 'cm.png')],
        capture_output=True, text=True, cwd=str(tmp_path),
        env=dict(__import__('os').environ, PYTHONPATH=ROOT))
    assert done.returncode == 0, done.stderr[-2000:]
    with open(out, 'rb') as f:
        cm = pickle.load(f)
    assert torch.as_tensor(cm).tolist() == [[2, 1, 0], [0, 3, 0], [1, 0, 2]]
    assert osp.getsize(str(tmp_path / 'cm.png')) > 0
