"""``load_from`` in training refuses a checkpoint carrying a pickle payload.

tools/train.py with ``--cfg-options load_from=evil.pth``, as a user runs it:
the run stops before training with mmhdf's clear refusal and the payload
never executes. The same for a payload served over HTTP (from 127.0.0.1,
inside the test) to ``load_from``, ``--resume`` and mmaction2's own
tools/test.py.
"""
import os
import os.path as osp

import pytest

from mmhdf.testing.checkpoints import write_malicious
from tests.helpers.http_server import serve_folder
from mmhdf.testing.videos import make_video_dataset
from tests.helpers.e2e import R3D_CFG, STOCK_TOOLS, X3D_CFG, data_opts, run


def test_train_load_from_refuses_pickle_payload(tmp_path):
    root = str(tmp_path / 'videos')
    ann, _ = make_video_dataset(root, per_class=1, num_frames=8, size=40)
    evil, marker = tmp_path / 'evil.pth', tmp_path / 'pwned'
    write_malicious(str(evil), str(marker))
    work = str(tmp_path / 'work')
    res = run(['tools/train.py', R3D_CFG, '--work-dir', work,
               '--cfg-options', *data_opts(ann, root, clip_len=4, crop=32),
               'model.backbone.base_channels=8',
               'model.cls_head.in_channels=64', f'load_from={evil}'])
    assert res.returncode != 0
    err = res.stderr
    assert 'UnsafeCheckpointError: Refusing to load checkpoint ' \
        f'{evil}: it is not loadable with torch.load(weights_only=True)' \
        in err, err[-3000:]
    assert not marker.exists()  # the payload never ran
    assert 'Epoch(train)' not in res.stdout + err  # stopped before training
    assert not any(n.endswith('.pth') for n in os.listdir(work)
                   if osp.isfile(osp.join(work, n)))


@pytest.fixture
def evil_url(tmp_path, monkeypatch):
    """``evil.pth`` served on 127.0.0.1; caches under ``tmp_path``."""
    www = tmp_path / 'www'
    www.mkdir()
    marker = tmp_path / 'pwned'
    write_malicious(str(www / 'evil.pth'), str(marker))
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch_home'))
    monkeypatch.setenv('no_proxy', '127.0.0.1')
    for var in ('http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY'):
        monkeypatch.delenv(var, raising=False)
    with serve_folder(str(www)) as server:
        yield server.url('evil.pth'), marker


@pytest.fixture
def tiny_opts(tmp_path):
    root = str(tmp_path / 'videos')
    ann, _ = make_video_dataset(root, per_class=1, num_frames=8, size=40)
    return data_opts(ann, root, clip_len=4, crop=32)


@pytest.mark.parametrize('how', ['load_from', 'resume'])
def test_train_refuses_payload_served_over_http(tmp_path, evil_url,
                                                tiny_opts, how):
    url, marker = evil_url
    extra = ([f'load_from={url}'] if how == 'load_from' else [])
    resume = ['--resume', url] if how == 'resume' else []
    res = run(['tools/train.py', R3D_CFG, '--work-dir',
               str(tmp_path / 'work'), *resume, '--cfg-options', *tiny_opts,
               'model.backbone.base_channels=8',
               'model.cls_head.in_channels=64', *extra])
    assert res.returncode == 1, res.stderr[-3000:]
    assert (f'error: UnsafeCheckpointError: Refusing to load checkpoint '
            f'{url} (cached at {tmp_path}/torch_home/hub/checkpoints/'
            'evil.pth)') in res.stderr, res.stderr[-3000:]
    assert not marker.exists()
    assert 'Epoch(train)' not in res.stdout + res.stderr


def test_stock_mmaction_test_refuses_payload_served_over_http(
        tmp_path, evil_url, tiny_opts):
    """mmaction2's own tools/test.py gets the same policy (custom_imports)."""
    url, marker = evil_url
    res = run([osp.join(STOCK_TOOLS, 'test.py'), X3D_CFG, url, '--work-dir',
               str(tmp_path / 'work'), '--cfg-options', *tiny_opts],
              cwd=str(tmp_path))
    assert res.returncode != 0
    assert f'UnsafeCheckpointError: Refusing to load checkpoint {url}' in \
        res.stderr, res.stderr[-3000:]
    assert not marker.exists()
