"""Tests for mmhdf.utils.experiment (evaluation helpers of the main job and
the ablation runner)."""
import os.path as osp

from mmengine.config import Config

from mmhdf.utils import experiment

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


class _FakeRunner:
    """Records the config it is built from; ``test`` returns fixed metrics."""
    built = []

    def __init__(self, cfg):
        self.cfg = cfg

    @classmethod
    def from_cfg(cls, cfg):
        cls.built.append(cfg)
        return cls(cfg)

    def test(self):
        return {'dfer/UAR': 50.0}


def _cfg() -> Config:
    return Config(dict(
        work_dir='/tmp/w',
        test_dataloader=dict(dataset=dict(type='DFEWDataset', split='test')),
        test_evaluator=dict(type='DFERMetric')))


def test_evaluate_checkpoint_does_not_change_callers_config(monkeypatch):
    # Regression: a shallow Config.copy() let the split of one evaluation
    # leak into the caller's config, so a later evaluation (the corruption
    # suite of the ablation) silently ran on 'test_shifted'.
    monkeypatch.setattr(experiment, 'Runner', _FakeRunner)
    _FakeRunner.built = []
    cfg = _cfg()
    m = experiment.evaluate_checkpoint(cfg, 'a.pth', 'test_shifted', 'tag',
                                       '/tmp/out')
    assert m == {'dfer/UAR': 50.0}
    built = _FakeRunner.built[0]
    assert built.test_dataloader.dataset.split == 'test_shifted'
    assert built.load_from == 'a.pth'
    assert built.test_evaluator.save_dir == '/tmp/out'
    # ...but the caller's config is untouched
    assert cfg.test_dataloader.dataset.split == 'test'
    assert 'save_dir' not in cfg.test_evaluator
    assert cfg.get('load_from') is None


def test_build_run_config_sets_data_work_dir_seed_and_options(tmp_path):
    cfg = experiment.build_run_config(
        osp.join(ROOT, 'configs', 'recognition', 'baselines',
                 'r3d18-w16_1xb16-8x64-6e_syndfer-h-cpu.py'), 'my/data',
        str(tmp_path), seed=7,
        cfg_options={'train_dataloader.batch_size': 3})
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[name].dataset.data_root == 'my/data'
    assert cfg.work_dir == str(tmp_path)
    assert cfg.randomness.seed == 7
    assert cfg.train_dataloader.batch_size == 3
