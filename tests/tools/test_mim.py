"""``mim search / train / test mmhdf`` work (OpenMMLab ``.mim`` packaging).

mim locates a package through ``pkg_resources``: ``<distribution
location>/<name>/.mim/{configs,tools,model-index.yml}``. setup.py's
``add_mim_extension`` fills ``mmhdf/.mim`` (links for editable installs,
copies for builds). An editable install's distribution sits in
site-packages, so mim needs the repository on ``PYTHONPATH`` next to its
``mmhdf.egg-info`` (``pip install -e .`` writes it there). These tests create
the links like ``setup.py develop`` and give mim a minimal ``mmhdf.egg-info``
in a temporary folder when the repository has none (a fresh worktree), so
they run from any checkout of the repository.
"""
import os
import os.path as osp
import runpy
import subprocess
import sys
from unittest import mock

import pytest
import setuptools
import yaml

from mmhdf.testing.videos import make_video_dataset

pytest.importorskip('mim', reason='openmim is not installed (.[mim] extra)')

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
MIM = osp.join(osp.dirname(sys.executable), 'mim')


def _setup_module() -> dict:
    """setup.py's globals, without running ``setup()``."""
    with mock.patch.object(setuptools, 'setup', lambda **kw: None), \
            mock.patch.object(sys, 'argv', ['setup.py', '--name']):
        return runpy.run_path(osp.join(ROOT, 'setup.py'),
                              run_name='mmhdf_setup')


def test_add_mim_extension_links_then_copies(tmp_path):
    """Editable mode links each entry relatively, build mode replaces the
    links by copies (and back)."""
    add = _setup_module()['add_mim_extension']
    root = tmp_path / 'repo'
    for d in ('configs/sub', 'tools', 'demo', 'mmhdf'):
        (root / d).mkdir(parents=True)
    (root / 'configs/sub/a.py').write_text('x = 1\n')
    (root / 'tools/train.py').write_text('print(1)\n')
    (root / 'demo/demo.py').write_text('')
    (root / 'model-index.yml').write_text('Import: []\n')
    mim_dir = root / 'mmhdf' / '.mim'
    assert add('symlink', str(root)) == 'symlink'
    for name in ('configs', 'tools', 'demo', 'model-index.yml'):
        assert os.readlink(mim_dir / name) == osp.join('..', '..', name)
    assert (mim_dir / 'configs/sub/a.py').read_text() == 'x = 1\n'
    assert add('copy', str(root)) == 'copy'
    assert not any(osp.islink(mim_dir / n) for n in os.listdir(mim_dir))
    assert (mim_dir / 'tools/train.py').read_text() == 'print(1)\n'
    assert add('symlink', str(root)) == 'symlink'
    assert osp.islink(mim_dir / 'tools')
    with pytest.raises(ValueError):
        add('hardlink', str(root))
    with mock.patch.object(sys, 'argv', ['setup.py', 'egg_info']):
        assert add(root=str(root)) is None  # metadata only: nothing to do


@pytest.fixture(scope='module')
def mim_env(tmp_path_factory):
    """Environment in which ``mim`` finds this checkout as ``mmhdf``."""
    mim_dir = osp.join(ROOT, 'mmhdf', '.mim')
    if not all(osp.exists(osp.join(mim_dir, n)) for n in (
            'configs', 'tools', 'model-index.yml')):
        _setup_module()['add_mim_extension']('symlink')
    paths = [ROOT]
    if not osp.isdir(osp.join(ROOT, 'mmhdf.egg-info')):
        dist = tmp_path_factory.mktemp('dist')
        info = dist / 'mmhdf.egg-info'
        info.mkdir()
        version = runpy.run_path(osp.join(ROOT, 'mmhdf', 'version.py'))[
            '__version__']
        (info / 'PKG-INFO').write_text(
            f'Metadata-Version: 2.1\nName: mmhdf\nVersion: {version}\n')
        (info / 'top_level.txt').write_text('mmhdf\n')
        os.symlink(osp.join(ROOT, 'mmhdf'), dist / 'mmhdf')
        paths.append(str(dist))
    return dict(os.environ, PYTHONPATH=os.pathsep.join(paths),
                OMP_NUM_THREADS='1')


def _mim(args: list, env: dict, cwd: str) -> subprocess.CompletedProcess:
    return subprocess.run([MIM, *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=600)


def _model_names() -> list:
    """Model names of every metafile that model-index.yml imports."""
    with open(osp.join(ROOT, 'model-index.yml')) as f:
        index = yaml.safe_load(f)
    names = []
    for rel in index['Import']:
        with open(osp.join(ROOT, rel)) as f:
            names += [m['Name'] for m in yaml.safe_load(f)['Models']]
    return names


def test_mim_search_lists_the_model_index(mim_env, tmp_path):
    res = _mim(['search', 'mmhdf'], mim_env, str(tmp_path))
    assert res.returncode == 0, res.stderr[-3000:]
    names = _model_names()
    assert names
    for name in names:
        assert name in res.stdout, (name, res.stdout[-3000:])


def test_mim_train_finds_a_config_by_name(mim_env, tmp_path):
    """A config name (no path) is looked up under mmhdf/.mim/configs."""
    with open(osp.join(ROOT, 'model-index.yml')) as f:
        metafile = yaml.safe_load(f)['Import'][0]
    with open(osp.join(ROOT, metafile)) as f:
        config = yaml.safe_load(f)['Models'][0]['Config']
    name = osp.basename(config)
    res = _mim(['train', 'mmhdf', name, '--', '-h'], mim_env, str(tmp_path))
    assert res.returncode == 0, res.stderr[-3000:]
    assert f'will use {osp.realpath(osp.join(ROOT, config))} instead' in \
        res.stdout.replace('\n', ''), res.stdout[-3000:]
    assert '--trust-checkpoint' in res.stdout  # mmhdf's tools/train.py


_CONFIG = '''_base_ = [{runtime!r}]
model = dict(
    type='Recognizer3D',
    backbone=dict(type='ResNet3d', depth=18, base_channels=8,
                  pretrained=None, pretrained2d=False, inflate=(1, 1, 1, 1),
                  conv1_kernel=(3, 7, 7), conv1_stride_t=1,
                  pool1_stride_t=1, with_pool1=False, with_pool2=False,
                  spatial_strides=(1, 2, 2, 2),
                  temporal_strides=(1, 2, 2, 2)),
    cls_head=dict(type='I3DHead', in_channels=64, num_classes=2,
                  average_clips='prob'),
    data_preprocessor=dict(type='ActionDataPreprocessor',
                           format_shape='NCTHW'))
pipeline = [
    dict(type='SafeDecordInit'),
    dict(type='UniformSample', clip_len=4, num_clips=1, test_mode=True),
    dict(type='SafeDecordDecode'),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
dataset = dict(type='VideoDataset', ann_file={ann!r},
               data_prefix=dict(video={root!r}), pipeline=pipeline)
train_dataloader = dict(
    batch_size=4, num_workers=0, persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False), dataset=dataset)
test_dataloader = dict(
    batch_size=4, num_workers=0, persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(dataset, test_mode=True))
test_evaluator = dict(type='DFERMetric', tag='test')
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=1)
test_cfg = dict(type='TestLoop')
default_hooks = dict(checkpoint=dict(save_best=None))
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.01))
'''


def test_mim_train_then_test_on_tiny_videos(mim_env, tmp_path):
    """``mim train mmhdf CONFIG`` (1 iteration: 4 clips, batch 4) writes a
    checkpoint that ``mim test mmhdf CONFIG --checkpoint`` evaluates."""
    root = str(tmp_path / 'videos')
    ann, _ = make_video_dataset(root, num_classes=2, per_class=2,
                                num_frames=6, size=32)
    cfg = tmp_path / 'tiny_r3d_mim.py'
    cfg.write_text(_CONFIG.format(
        runtime=osp.join(ROOT, 'configs', '_base_', 'default_runtime.py'),
        ann=ann, root=root))
    work = str(tmp_path / 'work')
    res = _mim(['train', 'mmhdf', str(cfg), '--work-dir', work,
                '--no-validate'], mim_env, str(tmp_path))
    assert res.returncode == 0, (res.stdout[-2000:], res.stderr[-3000:])
    out = res.stdout + res.stderr
    assert 'mmhdf/.mim/tools/train.py' in out  # mmhdf's tool, via .mim
    assert 'Epoch(train) [1][1/1]' in out
    ckpt = osp.join(work, 'epoch_1.pth')
    assert osp.isfile(ckpt)
    res = _mim(['test', 'mmhdf', str(cfg), '--checkpoint', ckpt,
                '--work-dir', work], mim_env, str(tmp_path))
    assert res.returncode == 0, (res.stdout[-2000:], res.stderr[-3000:])
    assert 'dfer/UAR' in res.stdout + res.stderr
    assert osp.isfile(osp.join(work, 'test_metrics.json'))
