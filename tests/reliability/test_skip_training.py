"""A real short training run over corrupt clips under ``on_corrupt='skip'``.

Tiny R3D-18 on a fake DFEW tree (frames) whose clips 00004 (zero-byte
frames) and 00005 (random bytes) are corrupt. The training loader uses a
worker process, so the skips are made outside the main process; the run must
complete both epochs and report the skips (count and files) at the end of
every epoch in the log, the message hub, the visualizer scalars and the
checkpoint.
"""
import json
import os
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import CheckpointLoader, Runner

from mmhdf.engine.safety import BadSamplePolicyError
from mmhdf.testing.fake_dfer import make_dfew

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
BASE = osp.join(ROOT, 'configs/_base_')


def tiny_cfg(tmp_path, data_root: str, on_corrupt: str = 'skip') -> Config:
    path = tmp_path / 'tiny_dfew.py'
    path.write_text(
        f"_base_ = [{osp.join(BASE, 'models/r3d18.py')!r}, "
        f"{osp.join(BASE, 'datasets/dfew.py')!r}, "
        f"{osp.join(BASE, 'default_runtime.py')!r}]\n")
    cfg = Config.fromfile(str(path))
    cfg.model.backbone.base_channels = 8
    cfg.model.cls_head.in_channels = 64
    for split in ('train', 'val', 'test'):
        loader = cfg[f'{split}_dataloader']
        loader.batch_size = 2
        loader.num_workers = 1 if split == 'train' else 0
        loader.persistent_workers = False
        ds = loader.dataset
        ds.data_root = data_root
        ds.pipeline[0].clip_len = 8
        for t in ds.pipeline:
            if t['type'] == 'Resize':
                t['scale'] = (32, 32)
        if split == 'train':
            ds.pipeline[1].on_corrupt = on_corrupt
    cfg.train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=2,
                         val_interval=1)
    cfg.val_cfg = dict(type='ValLoop')
    cfg.test_cfg = dict(type='TestLoop')
    cfg.optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.01))
    cfg.param_scheduler = []
    cfg.default_hooks.logger.interval = 1
    cfg.work_dir = str(tmp_path / 'work')
    cfg.launcher = 'none'
    return cfg


def corrupt(folder: str, data: bytes) -> None:
    for name in os.listdir(folder):
        with open(osp.join(folder, name), 'wb') as f:
            f.write(data)


@pytest.fixture
def bad_dfew(tmp_path):
    root = make_dfew(str(tmp_path / 'DFEW'), with_16f=False)
    clips = osp.join(root, 'Clip', 'clip_224x224')
    # 00004 / 00005 are singletons of their class: always in the train part
    corrupt(osp.join(clips, '00004'), b'')
    corrupt(osp.join(clips, '00005'), np.random.default_rng(0).bytes(700))
    return root


def test_training_completes_and_reports_skips_per_epoch(tmp_path, bad_dfew):
    torch.set_num_threads(1)
    cfg = tiny_cfg(tmp_path, bad_dfew)
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.epoch == 2 and runner.iter == 8  # 7 train clips, bs 2

    with open(osp.join(runner.log_dir, 'bad_samples.jsonl')) as f:
        records = [json.loads(line) for line in f]
    folders = {osp.basename(r['clip']) for r in records}
    assert folders == {'00004', '00005'}
    # each corrupt clip is drawn at least once per epoch
    assert len(records) >= 4
    assert {r['pid'] for r in records} != {os.getpid()}  # worker process

    log = open(osp.join(runner.log_dir,
                        f'{runner.timestamp}.log')).read()
    hub = runner.message_hub
    per_epoch = []
    for epoch in (1, 2):
        head = f'Epoch(train) [{epoch}]: skipped '
        assert head in log
        n = int(log.split(head)[1].split(' ')[0])
        per_epoch.append(n)
        block = log.split(head)[1].split('Epoch(')[0]
        assert 'clip_224x224/00004/00004_00001.jpg: zero-byte frame' \
            in block or 'clip_224x224/00005/' in block
        assert ': zero-byte frame file (frame of clip folder ' in log
        assert ': corrupt frame, not a decodable image (frame of clip ' \
            'folder ' in log
    assert sum(per_epoch) == len(records) and min(per_epoch) >= 2
    assert hub.get_scalar('bad_samples/train_epoch').current() == \
        per_epoch[1]
    assert hub.get_scalar('bad_samples/train_total').current() == \
        len(records)
    assert 'Epoch(val) [2]: skipped 0 corrupt samples' in log
    with open(osp.join(runner.log_dir, 'vis_data', 'scalars.json')) as f:
        scalars = [json.loads(line) for line in f]
    rows = [s for s in scalars if 'bad_samples/train_epoch' in s]
    assert [r['bad_samples/train_epoch'] for r in rows] == per_epoch
    ckpt = CheckpointLoader.load_checkpoint(
        osp.join(cfg.work_dir, 'epoch_2.pth'), map_location='cpu')
    saved = ckpt['message_hub']['log_scalars']['bad_samples/train_total']
    assert saved.current() == len(records)


def test_skip_on_validation_data_is_refused(tmp_path, bad_dfew):
    cfg = tiny_cfg(tmp_path, bad_dfew)
    cfg.val_dataloader.dataset.pipeline[1].on_corrupt = 'skip'
    runner = Runner.from_cfg(cfg)
    with pytest.raises(BadSamplePolicyError) as exc:
        runner.train()
    assert str(exc.value).startswith(
        "val_dataloader: on_corrupt='skip' is set on DFERFrameDecode, but "
        'val data must not skip samples')
    assert runner.iter == 0
