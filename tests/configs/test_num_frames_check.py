"""mmhdf's config check refuses a DAM ``num_frames`` that differs from the
pipelines' ``clip_len`` before the run, naming the config and the key."""
import os.path as osp

import pytest
from mmengine.config import Config

from mmhdf.utils.config_checks import ConfigError, check_clip_len, \
    check_config

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
HDF_CPU = osp.join(ROOT, 'configs/recognition/hdf/'
                   'hdf_r3d18-w16-dam4_sam_1xb16-8x64-6e_syndfer-h-cpu.py')
HDF_DFEW = osp.join(ROOT, 'configs/recognition/hdf/'
                    'hdf_x3d-s-dam4_sam_8xb32-16x112-300e_dfew-fold1.py')
BASELINE = osp.join(ROOT, 'configs/recognition/baselines/'
                    'r3d18-w16_1xb16-8x64-6e_syndfer-h-cpu.py')


@pytest.mark.parametrize('path', [HDF_CPU, HDF_DFEW])
def test_shipped_dam_recipes_pass(path):
    cfg = Config.fromfile(path)
    check_clip_len(cfg, path)
    check_clip_len(cfg, path, ['test_dataloader'])


def test_pipeline_clip_len_change_alone_is_refused_before_data_checks():
    cfg = Config.fromfile(HDF_CPU)
    cfg.train_dataloader.dataset.pipeline[0].clip_len = 16
    # data/syndfer_h need not exist: the mismatch is reported first
    cfg.train_dataloader.dataset.data_root = '/nonexistent/syndfer_h'
    with pytest.raises(ConfigError) as exc:
        check_config(cfg, HDF_CPU)
    msg = str(exc.value)
    assert msg.startswith(f'{HDF_CPU}: model.backbone.num_frames=8 but ')
    assert "train_dataloader.dataset.pipeline[0] (type='DFERUniformSample')" \
        in msg
    assert 'clip_len=16' in msg
    assert 'model.backbone.num_frames=16' in msg  # the suggested fix


def test_num_frames_override_alone_is_refused():
    cfg = Config.fromfile(HDF_DFEW)
    cfg.merge_from_dict({'model.backbone.num_frames': 8})
    with pytest.raises(ConfigError, match=r'num_frames=8 but '
                       r'train_dataloader\.dataset\.pipeline\[0\].*'
                       r'clip_len=16'):
        check_clip_len(cfg, HDF_DFEW)


def test_test_phase_checks_the_test_loader_only():
    cfg = Config.fromfile(HDF_CPU)
    cfg.test_dataloader.dataset.pipeline[0].clip_len = 4
    check_clip_len(cfg, HDF_CPU, ['train_dataloader', 'val_dataloader'])
    with pytest.raises(ConfigError, match=r'test_dataloader\.dataset'):
        check_config(cfg, HDF_CPU, phase='test')


def test_both_changed_together_pass():
    cfg = Config.fromfile(HDF_CPU)
    cfg.model.backbone.num_frames = 4
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].dataset.pipeline[0].clip_len = 4
    check_clip_len(cfg, HDF_CPU)


def test_wrapped_datasets_are_checked():
    cfg = Config.fromfile(HDF_CPU)
    inner = cfg.train_dataloader.dataset
    inner.pipeline[0].clip_len = 6
    cfg.train_dataloader.dataset = dict(
        type='RepeatDataset', times=2, dataset=inner)
    with pytest.raises(ConfigError, match='clip_len=6'):
        check_clip_len(cfg, HDF_CPU)


def test_models_without_dam_are_not_checked():
    cfg = Config.fromfile(BASELINE)
    cfg.train_dataloader.dataset.pipeline[0].clip_len = 4
    check_clip_len(cfg, BASELINE)
