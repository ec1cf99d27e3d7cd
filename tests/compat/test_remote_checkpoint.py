"""One weights-only policy for every checkpoint source mmengine accepts.

A payload checkpoint (its unpickling would create a marker file) is served
from a local HTTP server on 127.0.0.1 (no other address is ever contacted)
and loaded through mmengine's own entry points: ``CheckpointLoader``,
``load_checkpoint`` (``model.backbone.pretrained=...``) and the named
``open-mmlab://`` / ``mmcls://`` / ``torchvision://`` schemes. It must be
refused with ``UnsafeCheckpointError`` naming the URL, and the marker must
never appear. A zoo-format checkpoint served the same way loads and is
cached where mmengine caches it.
"""
import json
import os
import os.path as osp

import pytest
import torch
from mmengine.runner import checkpoint as mm_ckpt
from mmengine.runner.checkpoint import CheckpointLoader, load_checkpoint

from mmhdf.compat import CheckpointCorruptError, UnsafeCheckpointError
from mmhdf.testing.checkpoints import write_malicious
from tests.helpers.http_server import serve_folder


def write_zoo_checkpoint(path: str) -> dict:
    """An OpenMMLab model-zoo style file: state_dict + plain-typed meta."""
    state = {'weight': torch.arange(6.).reshape(2, 3), 'bias': torch.ones(2)}
    torch.save({'state_dict': state,
                'meta': {'mmengine_version': '0.10.7', 'epoch': 30,
                         'iter': 1200, 'classes': ['a', 'b'],
                         'dataset_meta': {'num_classes': 2}}}, path)
    return state


@pytest.fixture
def served(tmp_path, monkeypatch):
    """A folder with ``evil.pth`` (payload) and ``zoo.pth`` (safe), served
    on 127.0.0.1; torch / mmengine caches under ``tmp_path``."""
    root = tmp_path / 'www'
    root.mkdir()
    marker = tmp_path / 'pwned'
    write_malicious(str(root / 'evil.pth'), str(marker))
    state = write_zoo_checkpoint(str(root / 'zoo.pth'))
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch_home'))
    monkeypatch.setenv('MMENGINE_HOME', str(tmp_path / 'mmengine_home'))
    for var in ('http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY',
                'all_proxy', 'ALL_PROXY'):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv('no_proxy', '127.0.0.1')
    with serve_folder(str(root)) as server:
        yield server, marker, state


def _cache(tmp_path, name: str) -> str:
    return str(tmp_path / 'torch_home' / 'hub' / 'checkpoints' / name)


def test_every_registered_scheme_is_an_mmhdf_loader():
    loaders = dict(CheckpointLoader._schemes)
    for prefix in ('', 'http://', 'https://', 'torchvision://',
                   'modelzoo://', 'open-mmlab://', 'openmmlab://',
                   'mmcls://', 'pavi://', r'(\S+\:)?s3://'):
        assert prefix in loaders, prefix
    for prefix, loader in loaders.items():
        assert loader.__module__.startswith('mmhdf.compat.'), (prefix, loader)


def test_http_payload_is_refused_naming_the_url(served):
    server, marker, _ = served
    url = server.url('evil.pth')
    with pytest.raises(UnsafeCheckpointError) as err:
        CheckpointLoader.load_checkpoint(url, map_location='cpu')
    assert f'Refusing to load checkpoint {url} (cached at ' in str(err.value)
    assert 'never fully unpickled' in str(err.value)
    assert not marker.exists()
    assert server.hits('evil.pth') == 1


def test_pretrained_url_payload_is_refused(served):
    """``model.backbone.pretrained=http://...`` ends in load_checkpoint."""
    server, marker, _ = served
    model = torch.nn.Linear(3, 2)
    with pytest.raises(UnsafeCheckpointError, match='evil.pth'):
        load_checkpoint(model, server.url('evil.pth'), map_location='cpu')
    assert not marker.exists()


def test_http_zoo_checkpoint_loads_and_is_cached(served, tmp_path):
    server, _, state = served
    url = server.url('zoo.pth')
    for _ in range(2):
        ckpt = CheckpointLoader.load_checkpoint(url, map_location='cpu')
        assert ckpt['meta']['classes'] == ['a', 'b']
        assert ckpt['meta']['iter'] == 1200
        for k, v in state.items():
            assert torch.equal(ckpt['state_dict'][k], v)
    assert server.hits('zoo.pth') == 1  # the second load used the cache
    assert osp.isfile(_cache(tmp_path, 'zoo.pth'))
    model = torch.nn.Linear(3, 2)
    load_checkpoint(model, url, map_location='cpu', strict=True)
    assert torch.equal(model.weight.data, state['weight'])
    assert server.hits('zoo.pth') == 1


def test_truncated_cached_download_is_a_clear_error(served, tmp_path):
    server, _, _ = served
    cached = _cache(tmp_path, 'zoo.pth')
    os.makedirs(osp.dirname(cached))
    with open(osp.join(server.root, 'zoo.pth'), 'rb') as f:
        data = f.read()
    with open(cached, 'wb') as f:
        f.write(data[:len(data) // 2])
    with pytest.raises(CheckpointCorruptError, match='truncated'):
        CheckpointLoader.load_checkpoint(server.url('zoo.pth'))


def test_open_mmlab_names_resolve_to_the_safe_loader(served, tmp_path):
    """``open-mmlab://NAME`` via ``$MMENGINE_HOME/open_mmlab.json``: a URL
    entry and a local-file entry, both refused, zoo entry loads."""
    server, marker, _ = served
    home = tmp_path / 'mmengine_home'
    home.mkdir()
    write_malicious(str(home / 'evil_local.pth'), str(marker))
    (home / 'open_mmlab.json').write_text(json.dumps({
        'evil_url': server.url('evil.pth'), 'evil_local': 'evil_local.pth',
        'zoo': server.url('zoo.pth')}))
    for prefix in ('open-mmlab://', 'openmmlab://'):
        with pytest.raises(UnsafeCheckpointError) as err:
            CheckpointLoader.load_checkpoint(prefix + 'evil_url')
        assert f'{prefix}evil_url ({server.url("evil.pth")})' in str(
            err.value)
        with pytest.raises(UnsafeCheckpointError, match='evil_local.pth'):
            CheckpointLoader.load_checkpoint(prefix + 'evil_local')
    ckpt = CheckpointLoader.load_checkpoint('open-mmlab://zoo')
    assert ckpt['meta']['epoch'] == 30
    assert not marker.exists()


def test_mmcls_and_torchvision_names_resolve_to_the_safe_loader(
        served, monkeypatch):
    server, marker, state = served
    table = {'evil': server.url('evil.pth'), 'zoo': server.url('zoo.pth')}
    monkeypatch.setattr(mm_ckpt, 'get_mmcls_models', lambda: table)
    monkeypatch.setattr(mm_ckpt, 'get_torchvision_models', lambda: table)
    for name in ('mmcls://evil', 'torchvision://evil', 'modelzoo://evil'):
        with pytest.raises(UnsafeCheckpointError, match=table['evil']):
            CheckpointLoader.load_checkpoint(name)
    assert not marker.exists()
    ckpt = CheckpointLoader.load_checkpoint('torchvision://zoo')
    assert torch.equal(ckpt['state_dict']['bias'], state['bias'])
    # mmcls:// keeps only backbone.* keys, prefix stripped (as mmengine)
    assert CheckpointLoader.load_checkpoint('mmcls://zoo') == {
        'state_dict': {}}
