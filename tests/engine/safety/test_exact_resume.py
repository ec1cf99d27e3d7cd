"""A run killed mid-epoch and resumed ends bit-identical to an uninterrupted
run (CPU, fixed seed, random augmentation and dropout active)."""
import os.path as osp

import pytest
import torch

from tests.helpers.e2e import R3D_CFG, ROOT, data_opts, run


@pytest.fixture(scope='module')
def opts(tmp_path_factory):
    from mmhdf.testing.videos import make_video_dataset
    root = str(tmp_path_factory.mktemp('vids'))
    ann, _ = make_video_dataset(root, per_class=2, num_frames=10, size=40)
    return data_opts(ann, root, clip_len=8, crop=32) + [
        'model.backbone.base_channels=8', 'model.cls_head.in_channels=64',
        'train_cfg.max_epochs=3', 'randomness.deterministic=True',
        'default_hooks.checkpoint.max_keep_ckpts=-1']


def _weights(path: str) -> dict:
    return torch.load(path, weights_only=True)['state_dict']


def test_killed_mid_epoch_then_resumed_is_bit_identical(tmp_path, opts):
    full, crashed = str(tmp_path / 'full'), str(tmp_path / 'crashed')
    res = run(['tools/train.py', R3D_CFG, '--work-dir', full,
               '--cfg-options', *opts])
    assert res.returncode == 0, res.stderr[-3000:]

    crash_cfg = tmp_path / 'crash_cfg.py'
    crash_cfg.write_text(
        f'_base_ = [{R3D_CFG!r}]\n'
        "custom_imports = dict(imports=['mmhdf', 'tests.helpers.crash_hook'],"
        ' allow_failed_imports=False)\n'
        # 4 iterations per epoch: iteration 6 is the middle of epoch 2.
        "custom_hooks = [dict(type='CrashAtIterHook', at_iter=6)]\n")
    res = run(['tools/train.py', str(crash_cfg), '--work-dir', crashed,
               '--cfg-options', *opts])
    assert res.returncode == 3, res.stderr[-3000:]
    assert osp.isfile(osp.join(crashed, 'epoch_1.pth'))
    assert not osp.exists(osp.join(crashed, 'epoch_2.pth'))

    res = run(['tools/train.py', R3D_CFG, '--work-dir', crashed, '--resume',
               '--cfg-options', *opts])
    assert res.returncode == 0, res.stderr[-3000:]
    a = _weights(osp.join(full, 'epoch_3.pth'))
    b = _weights(osp.join(crashed, 'epoch_3.pth'))
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k
    # and the runs did learn something (not a trivially frozen model)
    first = _weights(osp.join(full, 'epoch_1.pth'))
    assert any(not torch.equal(first[k], a[k]) for k in a
               if a[k].is_floating_point())
