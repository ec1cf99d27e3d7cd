"""A training SIGKILLed halfway through writing a checkpoint loses nothing.

Real ``tools/train.py`` runs (tiny R3D on tiny videos, 2 iterations per
epoch, ``max_keep_ckpts=1`` as in every paper config). The test-only
``KillDuringSaveHook`` writes half of ``epoch_2``'s bytes and SIGKILLs the
process. mmengine's CheckpointHook would already have deleted ``epoch_1.pth``
and left a truncated ``epoch_2.pth`` with ``last_checkpoint`` naming the
deleted file. With SafeCheckpointHook the complete ``epoch_1.pth`` and
``last_checkpoint`` survive, ``--resume`` continues from them (taking over
the dead run's work-dir lock), and the final weights are bit-identical to an
uninterrupted run.
"""
import json
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

from mmhdf.compat import checkpoint_problem
from mmhdf.utils.workdir_lock import LOCK_NAME
from mmhdf.testing.videos import make_video_dataset
from tests.helpers.e2e import R3D_CFG, ROOT, data_opts


@pytest.fixture(scope='module')
def opts(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('vids'))
    ann, _ = make_video_dataset(root, per_class=1, num_frames=8, size=40)
    return data_opts(ann, root, clip_len=4, crop=32) + [
        'model.backbone.base_channels=8', 'model.cls_head.in_channels=64',
        'randomness.deterministic=True',
        'default_hooks.checkpoint.max_keep_ckpts=1']


def _start(args: list) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=ROOT, OMP_NUM_THREADS='1')
    return subprocess.Popen([sys.executable] + args, cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _weights(path: str) -> dict:
    return torch.load(path, weights_only=True)['state_dict']


def test_sigkill_during_save_then_resume_is_bit_identical(tmp_path, opts):
    full, crashed = str(tmp_path / 'full'), str(tmp_path / 'crashed')
    crash_cfg = tmp_path / 'crash_cfg.py'
    crash_cfg.write_text(
        f'_base_ = [{R3D_CFG!r}]\n'
        "custom_imports = dict(imports=['mmhdf', 'mmhdf.compat.enable', "
        "'tests.helpers.crash_hook'], allow_failed_imports=False)\n"
        "custom_hooks = [dict(type='KillDuringSaveHook', at_epoch=2)]\n")
    # the uninterrupted reference and the crashing run, side by side
    ref = _start(['tools/train.py', R3D_CFG, '--work-dir', full,
                  '--cfg-options', *opts])
    bad = _start(['tools/train.py', str(crash_cfg), '--work-dir', crashed,
                  '--cfg-options', *opts])
    _, bad_err = bad.communicate(timeout=600)
    _, ref_err = ref.communicate(timeout=600)
    assert ref.returncode == 0, ref_err[-3000:]
    assert bad.returncode == -9, bad_err[-3000:]  # SIGKILL mid-write

    # what the kill left: epoch 1 complete and named, epoch 2 only a temp
    names = os.listdir(crashed)
    epoch1 = osp.join(crashed, 'epoch_1.pth')
    assert checkpoint_problem(epoch1, verify_crc=True) is None, names
    assert 'epoch_2.pth' not in names
    with open(osp.join(crashed, 'last_checkpoint')) as f:
        assert f.read() == epoch1
    temps = [n for n in names if n.startswith('.epoch_2.pth.')]
    assert len(temps) == 1 and 'truncated' in checkpoint_problem(
        osp.join(crashed, temps[0]))
    with open(osp.join(crashed, LOCK_NAME)) as f:
        dead_pid = json.load(f)['pid']
    assert dead_pid == bad.pid

    # same thread count as the reference: CPU reductions depend on it
    res = _start(['tools/train.py', R3D_CFG, '--work-dir', crashed,
                  '--resume', '--cfg-options', *opts])
    out, err = res.communicate(timeout=600)
    log = out + err
    assert res.returncode == 0, log[-3000:]
    assert f'resuming from {epoch1}' in log
    assert f'Removed {temps[0]} in {crashed}' in log
    assert (f'Took over the stale work-dir lock {crashed}/{LOCK_NAME} of pid '
            f'{dead_pid} on host ') in log
    assert 'Epoch(train) [1]' not in log  # epoch 1 was not trained again

    a = _weights(osp.join(full, 'epoch_2.pth'))
    b = _weights(osp.join(crashed, 'epoch_2.pth'))
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k
    # max_keep_ckpts=1 still holds after the resume, and the lock is gone
    after = os.listdir(crashed)
    assert 'epoch_1.pth' not in after and LOCK_NAME not in after
    assert not [n for n in after if n.endswith('.tmp')]


def test_truncated_resume_file_is_a_clear_error(tmp_path, opts):
    good = tmp_path / 'good.pth'
    torch.save({'meta': {'epoch': 1}, 'state_dict': {}}, good)
    bad = tmp_path / 'epoch_1.pth'
    bad.write_bytes(good.read_bytes()[:200])
    res = _start(['tools/train.py', R3D_CFG, '--work-dir',
                  str(tmp_path / 'work'), '--resume', str(bad),
                  '--cfg-options', *opts])
    out, err = res.communicate(timeout=600)
    assert res.returncode == 1, err[-3000:]
    assert (f'error: CheckpointCorruptError: --resume: Checkpoint {bad} is '
            'incomplete or corrupt: truncated (200 bytes)') in err, err[-3000:]
    assert 'Traceback' not in err and 'PytorchStreamReader' not in err
    assert 'Epoch(train)' not in out + err
