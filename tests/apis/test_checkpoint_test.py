"""prepare_config: the one "this checkpoint on that split" function."""
import pytest
from mmengine.config import Config

from mmhdf.apis import config_split, prepare_config


def _cfg(dataset: dict, **extra) -> Config:
    return Config(dict(model=dict(type='Recognizer3D'),
                       test_dataloader=dict(dataset=dataset), **extra))


def test_points_a_copy_at_checkpoint_and_split():
    cfg = _cfg(dict(type='DFEWDataset', split='test'), work_dir='/w',
               resume=True)
    out = prepare_config(cfg, 'a.pth', 'test_shifted',
                         cfg_options={'model.type': 'X'})
    assert out.test_dataloader.dataset.split == 'test_shifted'
    assert out.load_from == 'a.pth' and out.resume is False
    assert out.model.type == 'X' and out.work_dir == '/w'
    assert config_split(out) == 'test_shifted'
    # deep copy: the caller's config is untouched
    assert cfg.test_dataloader.dataset.split == 'test'
    assert cfg.model.type == 'Recognizer3D' and cfg.resume is True
    assert cfg.get('load_from') is None


def test_split_goes_to_every_leaf_of_a_wrapped_dataset():
    cfg = _cfg(dict(type='ConcatDataset', datasets=[
        dict(type='RepeatDataset', times=2,
             dataset=dict(type='DFEWDataset', split='test')),
        dict(type='MAFWDataset', split='test')]))
    out = prepare_config(cfg, split='val')
    assert out.test_dataloader.dataset.datasets[0].dataset.split == 'val'
    assert out.test_dataloader.dataset.datasets[1].split == 'val'
    assert 'split' not in out.test_dataloader.dataset
    assert config_split(out) == 'val+val'


def test_split_next_to_ann_file_is_refused():
    cfg = _cfg(dict(type='RepeatDataset', dataset=dict(
        type='VideoDataset', ann_file='test.txt')))
    with pytest.raises(ValueError, match="ann_file='test.txt'"):
        prepare_config(cfg, split='test')
    assert prepare_config(cfg).test_dataloader.dataset.dataset.ann_file == (
        'test.txt')


def test_work_dir_default_and_override():
    cfg = _cfg(dict(type='DFEWDataset'))
    assert prepare_config(cfg).work_dir == './work_dirs/config'
    assert prepare_config(cfg, work_dir='/x').work_dir == '/x'
