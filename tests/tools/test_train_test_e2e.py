"""End to end: train / test / resume through mmhdf's and mmaction2's tools.

Real mp4 files are written and decoded with decord through mmaction2's
pipeline; every run is a subprocess, exactly as a user runs it.
"""
import os
import os.path as osp
import subprocess
import sys

import mmaction
import pytest
import torch

from tests.compat.test_checkpoint import write_malicious
from tests.helpers.videos import make_video_dataset

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
R3D_CFG = osp.join(ROOT, ('configs/recognition/baselines/'
                          'r3d18-w16_8xb8-16x64-30e_video.py'))
X3D_CFG = osp.join(ROOT, ('configs/recognition/baselines/'
                          'x3d_s_8xb8-16x112-30e_video.py'))
STOCK_TOOLS = osp.join(osp.dirname(mmaction.__file__), '.mim', 'tools')


def data_opts(ann: str, root: str, clip_len: int, crop: int) -> list:
    """--cfg-options that point a baseline config at tiny local videos."""
    opts = ['train_cfg.max_epochs=2']
    for split in ('train', 'val', 'test'):
        p = f'{split}_dataloader'
        opts += [f'{p}.dataset.ann_file={ann}',
                 f'{p}.dataset.data_prefix.video={root}',
                 f'{p}.num_workers=0', f'{p}.persistent_workers=False',
                 f'{p}.batch_size=4', f'{p}.dataset.pipeline.1.clip_len='
                 f'{clip_len}']
    opts += [f'train_dataloader.dataset.pipeline.3.scale=(-1,{crop + 4})',
             f'train_dataloader.dataset.pipeline.5.scale=({crop},{crop})']
    for split in ('val', 'test'):
        opts += [f'{split}_dataloader.dataset.pipeline.3.scale=(-1,{crop})',
                 f'{split}_dataloader.dataset.pipeline.4.crop_size={crop}']
    return opts


def run(args: list, cwd: str = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=ROOT, OMP_NUM_THREADS='2')
    return subprocess.run([sys.executable] + args, capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=600)


@pytest.fixture(scope='module')
def videos(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('videos'))
    ann, _ = make_video_dataset(root, per_class=2, num_frames=10, size=40)
    return ann, root


@pytest.fixture(scope='module')
def r3d_opts(videos):
    ann, root = videos
    return data_opts(ann, root, clip_len=8, crop=32) + [
        'model.backbone.base_channels=8', 'model.cls_head.in_channels=64']


@pytest.fixture(scope='module')
def trained(tmp_path_factory, r3d_opts):
    work = str(tmp_path_factory.mktemp('work_r3d'))
    res = run(['tools/train.py', R3D_CFG, '--work-dir', work,
               '--cfg-options', *r3d_opts])
    assert res.returncode == 0, res.stderr[-3000:]
    return work


def test_train_writes_weights_only_checkpoints(trained):
    names = sorted(os.listdir(trained))
    assert 'epoch_2.pth' in names
    best = [n for n in names if n.startswith('best_dfer_UAR_epoch_')]
    assert len(best) == 1
    for name in ['epoch_1.pth', 'epoch_2.pth', best[0]]:
        ckpt = torch.load(osp.join(trained, name), weights_only=True)
        assert {'meta', 'state_dict', 'message_hub'} <= set(ckpt)
        if name.startswith('epoch_'):  # resumable: optimizer state too
            assert 'optimizer' in ckpt and 'param_schedulers' in ckpt


def test_test_tool_prints_war_uar_with_protocol(trained, r3d_opts, tmp_path):
    best = [n for n in os.listdir(trained) if n.startswith('best_')][0]
    res = run(['tools/test.py', R3D_CFG, osp.join(trained, best),
               '--work-dir', str(tmp_path), '--cfg-options', *r3d_opts])
    assert res.returncode == 0, res.stderr[-3000:]
    assert '| WAR (%) |' in res.stdout and '| UAR (%) |' in res.stdout
    assert 'selection=best validation dfer/UAR (epoch ' in res.stdout
    assert 'seed=0' in res.stdout
    assert ('views=1 (1 clip x 1 crop); clip_len=8; input=32x32; '
            in res.stdout), res.stdout
    assert 'loading=strict' in res.stdout
    assert osp.isfile(tmp_path / 'test_metrics.json')


def _wider(opts: list) -> list:
    """The same run options for a model twice as wide (other shapes)."""
    return [o for o in opts if not o.startswith((
        'model.backbone.base_channels=', 'model.cls_head.in_channels='))] + [
        'model.backbone.base_channels=16', 'model.cls_head.in_channels=128']


def test_test_tool_refuses_mismatching_checkpoint(trained, r3d_opts,
                                                  tmp_path):
    ckpt = osp.join(trained, 'epoch_2.pth')
    res = run(['tools/test.py', R3D_CFG, ckpt, '--work-dir',
               str(tmp_path / 'strict'), '--cfg-options', *_wider(r3d_opts)])
    assert res.returncode == 1, res.stderr[-3000:]
    err = res.stderr
    assert (f'error: CheckpointMismatchError: Checkpoint {ckpt} does not '
            'match the model (0 missing, 0 unexpected, ') in err, err[-3000:]
    assert ('shape mismatches: backbone.conv1.conv.weight checkpoint '
            '[8, 3, 3, 7, 7] vs model [16, 3, 3, 7, 7]') in err
    assert '--allow-partial' in err
    assert 'Traceback' not in err
    assert '| WAR (%) |' not in res.stdout

    res = run(['tools/test.py', R3D_CFG, ckpt, '--allow-partial',
               '--work-dir', str(tmp_path / 'partial'), '--cfg-options',
               *_wider(r3d_opts)])
    assert res.returncode == 0, res.stderr[-3000:]
    assert 'loading=PARTIAL (allowed: 0 missing, 0 unexpected, ' in \
        res.stdout, res.stdout


def test_train_load_from_refuses_mismatching_checkpoint(trained, r3d_opts,
                                                        tmp_path):
    ckpt = osp.join(trained, 'epoch_2.pth')
    work = str(tmp_path / 'work')
    res = run(['tools/train.py', R3D_CFG, '--work-dir', work,
               '--cfg-options', *_wider(r3d_opts), f'load_from={ckpt}'])
    assert res.returncode == 1, res.stderr[-3000:]
    assert (f'error: CheckpointMismatchError: Checkpoint {ckpt} does not '
            'match the model') in res.stderr, res.stderr[-3000:]
    assert 'Epoch(train)' not in res.stdout + res.stderr


def test_resume_continues_interrupted_run(tmp_path, r3d_opts):
    work = str(tmp_path / 'work')
    first = run(['tools/train.py', R3D_CFG, '--work-dir', work,
                 '--cfg-options', *r3d_opts, 'train_cfg.max_epochs=1'])
    assert first.returncode == 0, first.stderr[-3000:]
    assert not osp.exists(osp.join(work, 'epoch_2.pth'))
    second = run(['tools/train.py', R3D_CFG, '--work-dir', work, '--resume',
                  '--cfg-options', *r3d_opts])
    assert second.returncode == 0, second.stderr[-3000:]
    log = second.stdout + second.stderr
    assert 'resumed epoch: 1, iter: 4' in log
    assert 'Epoch(train) [1]' not in log  # epoch 1 was not trained again
    ckpt = torch.load(osp.join(work, 'epoch_2.pth'), weights_only=True)
    assert ckpt['meta']['epoch'] == 2 and ckpt['meta']['iter'] == 8


def test_test_tool_refuses_pickle_payload(tmp_path, r3d_opts):
    evil, marker = tmp_path / 'evil.pth', tmp_path / 'pwned'
    write_malicious(str(evil), str(marker))
    res = run(['tools/test.py', R3D_CFG, str(evil), '--work-dir',
               str(tmp_path / 'w'), '--cfg-options', *r3d_opts])
    assert res.returncode != 0
    assert 'Refusing to load checkpoint' in res.stderr
    assert not marker.exists()


def test_mmaction2_stock_tools_run_x3d_baseline(tmp_path, videos):
    """mmaction2's own train.py / test.py work unchanged (custom_imports)."""
    ann, root = videos
    opts = data_opts(ann, root, clip_len=4, crop=32)
    work = str(tmp_path / 'work')
    res = run([osp.join(STOCK_TOOLS, 'train.py'), X3D_CFG, '--work-dir',
               work, '--cfg-options', *opts, 'train_cfg.max_epochs=1'],
              cwd=str(tmp_path))
    assert res.returncode == 0, res.stderr[-3000:]
    assert osp.isfile(osp.join(work, 'epoch_1.pth'))
    res = run([osp.join(STOCK_TOOLS, 'test.py'), X3D_CFG,
               osp.join(work, 'epoch_1.pth'), '--work-dir', work,
               '--cfg-options', *opts], cwd=str(tmp_path))
    assert res.returncode == 0, res.stderr[-3000:]
    assert 'dfer/WAR' in res.stdout + res.stderr
    assert 'dfer/UAR' in res.stdout + res.stderr


def _test_metrics(work: str) -> dict:
    import json
    with open(osp.join(work, 'test_metrics.json')) as f:
        return json.load(f)


def test_dist_test_on_cpu_gloo_matches_single_process(trained, r3d_opts,
                                                      tmp_path):
    """tools/dist_test.sh with 2 CPU processes (gloo) gathers the same
    metrics as a single process, although the sampler pads 14 -> 16."""
    ckpt = osp.join(trained, 'epoch_2.pth')
    single, dist = str(tmp_path / 'single'), str(tmp_path / 'dist')
    res = run(['tools/test.py', R3D_CFG, ckpt, '--work-dir', single,
               '--cfg-options', *r3d_opts])
    assert res.returncode == 0, res.stderr[-3000:]
    env = dict(os.environ, PYTHONPATH=ROOT, PYTHON=sys.executable,
               OMP_NUM_THREADS='1', PORT=str(29500 + os.getpid() % 1000))
    res = subprocess.run(
        ['bash', 'tools/dist_test.sh', R3D_CFG, ckpt, '2', '--work-dir',
         dist, '--cfg-options', *r3d_opts], capture_output=True, text=True,
        cwd=ROOT, env=env, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    assert _test_metrics(dist) == pytest.approx(_test_metrics(single))
