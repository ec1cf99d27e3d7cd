"""FiniteLossHook names the real clips with the shipped pipelines (issue 14).

The shipped ``PackActionInputs`` used to keep mmaction2's default
``meta_keys``, which hold no sample id, so a NaN loss was reported for
``samples in the batch: ['?', '?']``. They now pack ``clip_id`` (DFER
datasets) or ``filename`` (video lists).
"""
import glob
import os.path as osp
import re
from types import SimpleNamespace

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate

from mmhdf.datasets import DFEWDataset
from mmhdf.engine.safety import FiniteLossHook, NonFiniteLossError
from mmhdf.testing.fake_dfer import make_dfew, write_dfew_csv
from tests.helpers.scripts import ROOT

SYNDFER = osp.join(ROOT, 'configs/_base_/datasets/syndfer_h.py')
R3D = osp.join(ROOT, 'configs/_base_/models/r3d18.py')
DFER_DATASETS = ('DFEWDataset', 'FERV39kDataset', 'MAFWDataset')


def test_nan_loss_names_the_clip_ids(tmp_path):
    """Shipped SynDFER-H train pipeline -> batch -> NaN loss -> the hook."""
    root = make_dfew(str(tmp_path / 'syn'), clips={3: (1, 8), 7: (4, 8)},
                     with_16f=False)
    ann = write_dfew_csv(str(tmp_path / 'train.csv'),
                         [('00003', 1, 'studio'), ('00007', 4, 'webcam')],
                         header='video_name,label,domain')
    cfg = Config.fromfile(SYNDFER)
    ds = DFEWDataset(root, ann_file=ann, label_format='official',
                     pipeline=cfg.train_pipeline)
    batch = pseudo_collate([ds[0], ds[1]])

    model_cfg = Config.fromfile(R3D).model
    model_cfg.backbone.base_channels = 8
    model_cfg.cls_head.in_channels = 64
    model = MODELS.build(model_cfg)
    with torch.no_grad():
        model.cls_head.fc_cls.bias.fill_(float('nan'))
    with torch.no_grad():  # train_step's forward, without the update
        data = model.data_preprocessor(batch, True)
        _, outputs = model.parse_losses(model(**data, mode='loss'))
    assert not torch.isfinite(outputs['loss'])

    runner = SimpleNamespace(epoch=1, iter=41)
    with pytest.raises(NonFiniteLossError) as exc:
        FiniteLossHook().after_train_iter(runner, 9, batch, outputs)
    assert str(exc.value).endswith(
        "samples in the batch: ['00003', '00007']")
    assert 'epoch 2, iteration 42 (batch 9 of the epoch)' in str(exc.value)


def _pipelines(cfg):
    for name in ('train', 'val', 'test'):
        dataset = (cfg.get(f'{name}_dataloader') or {}).get('dataset') or {}
        if dataset.get('pipeline'):
            yield name, dataset.get('type'), dataset.pipeline


def _shipped_configs():
    """Every config file that defines a ``PackActionInputs`` itself."""
    files = sorted(glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                             recursive=True))
    return [osp.relpath(f, ROOT) for f in files
            if re.search(r"type='PackActionInputs'", open(f).read())]


@pytest.mark.parametrize('path', _shipped_configs())
def test_every_shipped_pipeline_packs_a_clip_id(path):
    cfg = Config.fromfile(osp.join(ROOT, path))
    seen = 0
    for name, dtype, pipeline in _pipelines(cfg):
        pack = [t for t in pipeline if t['type'] == 'PackActionInputs']
        assert len(pack) == 1, (path, name)
        keys = tuple(pack[0].get('meta_keys', ()))
        want = 'clip_id' if dtype in DFER_DATASETS else 'filename'
        assert want in keys, f'{path}: {name} pipeline does not pack {want}'
        assert 'img_shape' in keys  # mmaction2's defaults are kept
        seen += 1
    assert seen, f'{path}: no dataloader pipeline found'
