"""Tests for mmhdf.apis.experiment (evaluation helpers of the main job and
the ablation runner)."""
import os.path as osp

from mmengine.config import Config

from mmhdf.apis import experiment

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


def test_set_data_root_reaches_the_leaves_of_wrapped_datasets():
    cfg = Config(dict(
        train_dataloader=dict(dataset=dict(
            type='RepeatDataset', times=2,
            dataset=dict(type='DFEWDataset', data_root='old'))),
        test_dataloader=dict(dataset=dict(type='ConcatDataset', datasets=[
            dict(type='DFEWDataset'), dict(type='DFEWDataset')]))))
    experiment.set_data_root(cfg, 'new')
    assert cfg.train_dataloader.dataset.dataset.data_root == 'new'
    assert 'data_root' not in cfg.train_dataloader.dataset
    assert [d.data_root for d in cfg.test_dataloader.dataset.datasets] == [
        'new', 'new']


def test_evaluate_checkpoint_sets_the_split_on_the_wrapped_dataset(
        monkeypatch):
    # one "checkpoint + split" rule (prepare_config): the split goes to the
    # dataset inside a wrapper, not onto the wrapper
    monkeypatch.setattr(experiment, 'Runner', _FakeRunner)
    _FakeRunner.built = []
    cfg = _cfg()
    cfg.test_dataloader.dataset = dict(
        type='RepeatDataset', times=1,
        dataset=dict(type='DFEWDataset', split='test'))
    experiment.evaluate_checkpoint(cfg, 'a.pth', 'test_shifted', 'tag',
                                   '/tmp/out')
    built = _FakeRunner.built[0].test_dataloader.dataset
    assert built.dataset.split == 'test_shifted' and 'split' not in built
    assert _FakeRunner.built[0].work_dir == '/tmp/w/eval/tag'
