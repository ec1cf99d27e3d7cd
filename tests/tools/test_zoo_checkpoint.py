"""The published zoo checkpoint loads weights-only and reproduces the test
metrics its metafile states (SynDFER-H in-domain test, regenerated here)."""
import os.path as osp

import pytest
import torch
import yaml
from mmengine.config import Config
from mmengine.runner import Runner

from syndfer import generate_benchmark
from mmhdf.apis.experiment import set_data_root

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _zoo_model() -> dict:
    with open(osp.join(ROOT, 'configs/recognition/hdf/metafile.yml')) as f:
        meta = yaml.safe_load(f)
    return meta['Models'][0]


def test_zoo_checkpoint_is_weights_only():
    model = _zoo_model()
    ckpt = torch.load(osp.join(ROOT, model['Weights']), weights_only=True)
    assert set(ckpt) == {'meta', 'state_dict'}


def test_zoo_checkpoint_reproduces_metafile_metrics(tmp_path):
    model = _zoo_model()
    expected = next(r['Metrics'] for r in model['Results']
                    if 'in-domain' in r['Dataset'])
    data = str(tmp_path / 'syndfer_h')
    generate_benchmark(data, seed=0, preset='default', progress=False)
    cfg = Config.fromfile(osp.join(ROOT, model['Config']))
    set_data_root(cfg, data)
    cfg.work_dir = str(tmp_path / 'work')
    cfg.load_from = osp.join(ROOT, model['Weights'])
    cfg.test_evaluator = dict(cfg.test_evaluator, save_dir=cfg.work_dir)
    metrics = Runner.from_cfg(cfg).test()
    assert metrics['dfer/WAR'] == pytest.approx(expected['WAR'], abs=0.01)
    assert metrics['dfer/UAR'] == pytest.approx(expected['UAR'], abs=0.01)
