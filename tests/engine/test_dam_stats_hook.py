"""DAMStatsHook: DAM fusion weights and gate statistics in scalars.json."""
import json
import os
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.hooks import Hook
from mmengine.runner import Runner

from mmhdf.engine.hooks import DAM_STATS, DAMStatsHook
from mmhdf.models.dam import DAM
from tests.helpers.tiny_videos import TinyVideos

NAMES = [f'backbone.dams.dam{i}' for i in (1, 2, 3, 4)]


class Probe(Hook):
    """Runs after DAMStatsHook: records keep_maps and independent stats."""
    priority = 'LOW'

    def __init__(self):
        self.keep = {}  # iter -> keep_maps of dam1 during the forward
        self.stats = {}  # step -> {key: value}

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        dams = dict(runner.model.named_modules())
        if NAMES[0] not in dams:
            return
        dam1 = dams[NAMES[0]]
        # a new maps object appears only in the iterations the hook keeps
        self.keep[runner.iter] = dam1.last_maps is not None and \
            dam1.last_maps is not self.keep.get('maps')
        self.keep['maps'] = dam1.last_maps
        if not self.keep[runner.iter]:
            return
        row = {}
        for name in NAMES:
            dam = dams[name]
            g = dam.last_maps['temporal_gate'].numpy()
            f = dam.last_maps['freq_attn'].numpy()
            row.update({
                f'dam/{name}/w_t': dam.temporal_weight.item(),
                f'dam/{name}/w_f': dam.frequency_weight.item(),
                f'dam/{name}/gate_t_mean': g.mean(),
                f'dam/{name}/gate_t_std': g.std(),
                f'dam/{name}/gate_f_mean': f.mean(),
                f'dam/{name}/gate_f_std': f.std(),
            })
        self.stats[runner.iter + 1] = row


def tiny_model(dam: bool = True, keep_maps: bool = False):
    backbone = dict(
        type='ResNet3dDAM' if dam else 'ResNet3d', depth=18,
        base_channels=4, pretrained=None, pretrained2d=False,
        inflate=(1, 1, 1, 1), conv1_kernel=(3, 7, 7), conv1_stride_t=1,
        pool1_stride_t=1, with_pool1=False, with_pool2=False,
        spatial_strides=(1, 2, 2, 2), temporal_strides=(1, 2, 2, 2),
        norm_cfg=dict(type='BN3d', requires_grad=True))
    if dam:
        backbone.update(num_frames=8, dam_cfg=dict(keep_maps=keep_maps))
    return dict(
        type='Recognizer3D',
        backbone=backbone,
        cls_head=dict(
            type='I3DHead', in_channels=32, num_classes=3,
            average_clips='prob'),
        data_preprocessor=dict(
            type='ActionDataPreprocessor', mean=[114.75] * 3,
            std=[57.38] * 3, format_shape='NCTHW'))


def run(tmp_path, name, hook_cfg, max_iters=5, log_interval=2, **model_kw):
    probe = Probe()
    runner = Runner(
        model=tiny_model(**model_kw),
        work_dir=str(tmp_path / name),
        experiment_name=f'dam_stats_{name}_{os.getpid()}',
        train_dataloader=dict(
            dataset=TinyVideos(),
            sampler=dict(type='DefaultSampler', shuffle=False),
            batch_size=4, num_workers=0),
        train_cfg=dict(by_epoch=False, max_iters=max_iters),
        optim_wrapper=dict(optimizer=dict(type='AdamW', lr=1e-2)),
        default_hooks=dict(
            logger=dict(type='LoggerHook', interval=log_interval),
            checkpoint=None),
        custom_hooks=[hook_cfg, probe],
        default_scope='mmaction')
    runner.train()
    path = osp.join(runner.log_dir, 'vis_data', 'scalars.json')
    with open(path) as f:
        rows = [json.loads(line) for line in f]
    return runner, probe, rows


def test_logs_expected_keys_and_values(tmp_path):
    runner, probe, rows = run(tmp_path, 'default', dict(type='DAMStatsHook'))
    # the logger writes after iterations 2 and 4 (interval 2; the epoch of
    # 2 batches also ends at 2); each of these rows carries every DAM key
    assert [r['step'] for r in rows] == [2, 4]
    expected_keys = {f'dam/{n}/{s}' for n in NAMES for s in DAM_STATS}
    for row in rows:
        assert expected_keys <= set(row), expected_keys - set(row)
        ref = probe.stats[row['step']]
        for key in expected_keys:
            assert row[key] == pytest.approx(ref[key], rel=1e-4, abs=1e-6)
        for name in NAMES:
            assert 0 < row[f'dam/{name}/gate_t_mean'] < 1
            assert 0 < row[f'dam/{name}/gate_f_mean'] < 1
            assert row[f'dam/{name}/gate_f_std'] > 0
        # T = 1 after stage 4 and batch 4: the temporal gate still varies
        # over the batch
        assert row[f'dam/{NAMES[0]}/gate_t_std'] > 0
    # the fusion weights moved (lr 1e-2) and were logged after the update
    assert rows[0][f'dam/{NAMES[0]}/w_t'] != pytest.approx(0.8, abs=1e-4)
    # maps were kept only in the logged iterations, and keep_maps restored
    assert sorted(k for k, v in probe.keep.items()
                  if k != 'maps' and v) == [1, 3]
    model = runner.model
    assert all(not model.get_submodule(n).keep_maps for n in NAMES)


def test_explicit_interval_subset_and_keep_maps_kept(tmp_path):
    runner, probe, rows = run(
        tmp_path, 'interval',
        dict(type='DAMStatsHook', interval=1, stats=('w_t', 'gate_t_mean')),
        max_iters=3, log_interval=1, keep_maps=True)
    assert [r['step'] for r in rows] == [1, 2, 3]
    for row in rows:
        dam_keys = {k for k in row if k.startswith('dam/')}
        assert dam_keys == {f'dam/{n}/{s}' for n in NAMES
                            for s in ('w_t', 'gate_t_mean')}
    # keep_maps=True from the config stays on
    assert all(runner.model.get_submodule(n).keep_maps for n in NAMES)


def test_model_without_dam_logs_nothing(tmp_path):
    _, _, rows = run(
        tmp_path, 'nodam', dict(type='DAMStatsHook'), max_iters=2, dam=False)
    assert rows and not any(k.startswith('dam/') for r in rows for k in r)


def test_dam_stats_of_one_dam():
    torch.manual_seed(0)
    dam = DAM(num_frames=4, keep_maps=True)
    x = torch.randn(3, 8, 4, 6, 6)
    _, maps = dam.forward_with_maps(x)
    dam(x)
    stats = DAMStatsHook().dam_stats(dam)
    g = maps['temporal_gate'].detach().numpy()
    f = maps['freq_attn'].detach().numpy()
    assert stats == pytest.approx(
        dict(w_t=0.8, w_f=0.3, gate_t_mean=g.mean(), gate_t_std=g.std(),
             gate_f_mean=f.mean(), gate_f_std=np.std(f)), rel=1e-5)
    dam.last_maps = None
    assert DAMStatsHook().dam_stats(dam) == pytest.approx(
        dict(w_t=0.8, w_f=0.3))


def test_bad_arguments():
    with pytest.raises(ValueError, match='unknown DAM statistics'):
        DAMStatsHook(stats=('w_t', 'gate_x'))
    with pytest.raises(ValueError, match='interval must be >= 1'):
        DAMStatsHook(interval=0)
