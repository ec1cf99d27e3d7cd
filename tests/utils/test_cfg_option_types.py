"""Wrong value types in ``--cfg-options`` fail at once, naming key and type."""
import os.path as osp
import sys

import pytest
from mmengine.config import Config

from mmhdf.utils.cfg_option_types import check_cfg_options
from mmhdf.utils.config_checks import ConfigError
from tests.helpers.scripts import load_script

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
HDF_CFG = osp.join(
    ROOT, 'configs/recognition/hdf/'
    'hdf_r3d18-w16-dam4_sam_1xb16-8x64-6e_syndfer-h-cpu.py')


@pytest.fixture(scope='module')
def cfg():
    return Config.fromfile(HDF_CFG)


@pytest.mark.parametrize('key,value,message', [
    ('model.backbone.num_frames', 8.0,
     "model.backbone.num_frames=8.0: expected int (ResNet3dDAM(num_frames: "
     "int)), got float. Write 8 (no decimal point)."),
    ('optim_wrapper.optimizer.lr', 'abc',
     "optim_wrapper.optimizer.lr='abc': expected float (AdamW(lr: float)), "
     'got str.'),
    ('train_cfg.max_epochs', [2],
     'train_cfg.max_epochs=[2]: expected int (EpochBasedTrainLoop('
     'max_epochs: int)), got list.'),
    ('train_dataloader.dataset.pipeline.0.clip_len', 'x',
     "pipeline.0.clip_len='x': expected int (DFERUniformSample(clip_len: "
     'int)), got str.'),
    # no class to ask: the config's own value decides
    ('randomness.deterministic', 1,
     'randomness.deterministic=1: expected bool (the config has False), '
     'got int.'),
    ('train_dataloader.batch_size', 'big',
     "train_dataloader.batch_size='big': expected float or int (the config "
     'has 16), got str.'),
])
def test_wrong_types_are_named(cfg, key, value, message):
    with pytest.raises(ConfigError) as err:
        check_cfg_options(cfg, {key: value}, 'hdf.py')
    assert str(err.value).startswith('hdf.py: --cfg-options ')
    assert message in str(err.value)


@pytest.mark.parametrize('key,value', [
    ('model.backbone.num_frames', 8),
    ('optim_wrapper.optimizer.lr', 1),  # an int where a float is fine
    ('optim_wrapper.optimizer.lr', 3e-4),
    ('model.cls_head.dropout_ratio', 0.5),
    ('optim_wrapper.clip_grad', None),  # None switches an option off
    ('train_dataloader.batch_size', 4),
    ('default_hooks.checkpoint.save_best', ['dfer/UAR', 'dfer/WAR']),
    ('work_dir', 'somewhere'),  # strings / new keys are not judged
    ('model.backbone.new_key', 1.5),
    ('train_dataloader.dataset.pipeline.2.scale', (32, 32)),
])
def test_compatible_values_pass(cfg, key, value):
    check_cfg_options(cfg, {key: value}, 'hdf.py')


@pytest.mark.parametrize('tool', ['tools/train.py', 'tools/test.py'])
def test_tools_check_before_building_the_runner(tool, monkeypatch, tmp_path):
    script = load_script(tool)

    def fail(*args, **kwargs):
        raise AssertionError('the Runner must not be built')

    monkeypatch.setattr(script.Runner, 'from_cfg', fail)
    ckpt = tmp_path / 'x.pth'
    ckpt.write_bytes(b'')
    monkeypatch.setattr(sys, 'argv', [
        tool, HDF_CFG, *([str(ckpt)] if tool.endswith('test.py') else []),
        '--cfg-options', 'model.backbone.num_frames=8.0'])
    with pytest.raises(ConfigError, match='model.backbone.num_frames=8.0: '
                       'expected int'):
        script.main()
