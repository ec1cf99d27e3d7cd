"""The protocol line names test views, clip length, input size, frames
variant and how the checkpoint loaded: 1 view and 2 views never print the
same line."""
import copy
import os.path as osp

import pytest
from mmengine.config import Config

from mmhdf.compat.strict_load import LoadReport
from mmhdf.utils.report import describe_protocol, format_metrics

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
HDF_CFG = osp.join(
    ROOT, 'configs/recognition/hdf/'
    'hdf_r3d18-w16-dam4_sam_1xb16-8x64-6e_syndfer-h-cpu.py')
METRICS = {'dfer/WAR': 50.0, 'dfer/UAR': 40.0}


@pytest.fixture(scope='module')
def base():
    return Config.fromfile(HDF_CFG)


def _line(cfg, **kw) -> str:
    return format_metrics(METRICS, cfg, **kw).splitlines()[0]


def test_protocol_line_names_views_clip_input_and_frames(base):
    line = _line(base)
    assert line.startswith('protocol: dataset=DFEWDataset fold 1; '
                           'split=test; frames_variant=clip_224x224; '
                           'views=1 (1 clip x 1 crop); clip_len=8; '
                           'input=64x64; selection=none (random init); '
                           'seed=0'), line


def test_one_and_two_views_print_different_lines(base):
    two = copy.deepcopy(base)
    two.test_dataloader.dataset.pipeline[0].num_clips = 2
    assert 'views=2 (2 clips x 1 crop)' in _line(two)
    assert _line(two) != _line(base)


def test_multi_crop_views_and_crop_size(base):
    cfg = copy.deepcopy(base)
    pipeline = cfg.test_dataloader.dataset.pipeline
    pipeline[0].num_clips = 10
    pipeline[2] = dict(type='Resize', scale=(-1, 72))
    pipeline.insert(3, dict(type='ThreeCrop', crop_size=64))
    proto = describe_protocol(cfg)
    assert proto['views'] == '30 (10 clips x 3 crops)'
    assert proto['input'] == '64x64'
    pipeline[3] = dict(type='TenCrop', crop_size=(56, 48))
    proto = describe_protocol(cfg)
    assert proto['views'] == '100 (10 clips x 10 crops)'
    assert proto['input'] == '56x48'
    pipeline.pop(3)
    assert describe_protocol(cfg)['input'] == 'short side 72'


def test_clip_len_and_frames_variant_change_the_line(base):
    cfg = copy.deepcopy(base)
    cfg.test_dataloader.dataset.pipeline[0].clip_len = 16
    cfg.test_dataloader.dataset.frames_variant = 'clip_224x224_16f'
    line = _line(cfg)
    assert 'frames_variant=clip_224x224_16f;' in line
    assert 'clip_len=16;' in line


def test_sampler_defaults_come_from_the_transform(base):
    cfg = copy.deepcopy(base)
    cfg.test_dataloader.dataset.pipeline[0] = dict(type='DFERUniformSample',
                                                   test_mode=True)
    proto = describe_protocol(cfg)
    assert proto['views'].startswith('1 (') and proto['clip_len'] == '16'


def test_loading_field(base):
    strict = LoadReport()
    assert _line(base, load=strict).endswith('; loading=strict')
    partial = LoadReport(shape_mismatch=[('w', (1, ), (2, ))],
                         allowed_partial=True)
    assert _line(base, load=partial).endswith(
        '; loading=PARTIAL (allowed: 0 missing, 0 unexpected, 1 shape '
        'mismatches)')
    assert 'loading=' not in _line(base)  # unknown: not claimed
