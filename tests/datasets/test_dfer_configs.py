"""The DFEW/FERV39k/MAFW configs parse, and one DFEW fold trains, selects
on the validation carve and tests end to end on a fake tree."""
import glob
import json
import os.path as osp

import pytest
from mmengine.config import Config

from tests.datasets.fake_dfer import make_dfew

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


@pytest.mark.parametrize('k', [1, 2, 3, 4, 5])
def test_dfew_fold_configs(k):
    cfg = Config.fromfile(
        osp.join(ROOT, f'configs/dfew/x3d_s_baseline_dfew_fold{k}.py'))
    for dl in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[dl].dataset.fold == k
    assert cfg.train_dataloader.dataset.val_carve.subset == 'train'
    assert cfg.val_dataloader.dataset.val_carve.subset == 'val'
    assert cfg.val_dataloader.dataset.split == 'train'
    assert cfg.test_dataloader.dataset.split == 'test'
    assert 'val_carve' not in cfg.test_dataloader.dataset
    assert cfg.default_hooks.checkpoint.save_best == 'dfer/UAR'


def _shrink(cfg, data_root, work_dir):
    cfg.work_dir = work_dir
    cfg.train_cfg.max_epochs = 1
    cfg.param_scheduler = []
    cfg.default_hooks.logger.interval = 1
    cfg.model.backbone.gamma_w = 0.25  # tiny X3D for speed
    cfg.model.backbone.gamma_d = 0.5
    cfg.model.cls_head.in_channels = 144
    for dl in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[dl].num_workers = 0
        cfg[dl].persistent_workers = False
        cfg[dl].batch_size = 4
        cfg[dl].dataset.data_root = data_root
        for t in cfg[dl].dataset.pipeline:
            if t.type == 'Resize':
                t.scale = (32, 32)
            if t.type == 'DFERUniformSample':
                t.clip_len = 4
    return cfg


@pytest.fixture
def one_thread():
    import torch
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def test_dfew_baseline_fold_runs_end_to_end(tmp_path, one_thread):
    from mmengine.runner import Runner
    root = make_dfew(str(tmp_path / 'DFEW'), with_16f=False)
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/dfew/x3d_s_baseline_dfew_fold1.py'))
    cfg = _shrink(cfg, root, str(tmp_path / 'work'))
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert len(runner.train_dataloader.dataset) + \
        len(runner.val_dataloader.dataset) == 10
    assert glob.glob(str(tmp_path / 'work' / 'best_dfer_UAR_epoch_1.pth'))
    metrics = runner.test()
    assert {'dfer/WAR', 'dfer/UAR'} <= set(metrics)
    found = glob.glob(str(tmp_path / 'work' / '*' /
                          'test_confusion_matrix.json'))
    assert found
    saved = json.load(open(found[0]))
    assert saved['num_samples'] == 4
    assert saved['dataset_meta']['frames_variant'] == 'clip_224x224'
    assert saved['dataset_meta']['split'] == 'test'
    assert glob.glob(str(tmp_path / 'work' / '*' /
                         'val_confusion_matrix.png'))
