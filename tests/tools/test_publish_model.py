"""tools/publish_model.py: strip, sha256 suffix, weights-only, refusal."""
import glob
import hashlib
import os.path as osp
import re

import pytest
import torch

from mmhdf.testing.dfer_tiny import (ROOT, write_checkpoint,
                                     write_malicious_checkpoint,
                                     write_tiny_config)
from tests.helpers.scripts import load_script


def _load_tool():
    return load_script('tools/publish_model.py', 'mmhdf_publish_model')


publish_model = _load_tool()


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """A 'training' checkpoint with optimizer / message hub / schedulers."""
    root = tmp_path_factory.mktemp('publish')
    cfg = write_tiny_config(str(root))
    src = str(root / 'epoch_3.pth')
    model = write_checkpoint(
        cfg, src, seed=5,
        extra=dict(
            optimizer=dict(state={0: dict(exp_avg=torch.ones(3))},
                           param_groups=[dict(lr=0.1, params=[0])]),
            message_hub=dict(log_scalars={}, runtime_info=dict(epoch=3)),
            param_schedulers=[dict(last_epoch=3)],
            ema_state_dict=dict(w=torch.zeros(2))))
    return root, cfg, src, model


def test_publish_strips_and_hashes(trained, capsys):
    root, cfg, src, model = trained
    rc = publish_model.main([src, str(root / 'zoo' / 'hdf_tiny.pth')])
    assert rc == publish_model.EXIT_OK
    out = capsys.readouterr().out
    (final, ) = glob.glob(str(root / 'zoo' / 'hdf_tiny-*.pth'))
    sha = hashlib.sha256(open(final, 'rb').read()).hexdigest()
    assert re.fullmatch(r'hdf_tiny-[0-9a-f]{8}\.pth', osp.basename(final))
    assert osp.basename(final) == f'hdf_tiny-{sha[:8]}.pth'
    assert f'sha256: {sha}' in out
    assert not glob.glob(str(root / 'zoo' / '*tmp*'))

    ckpt = torch.load(final, map_location='cpu', weights_only=True)
    assert set(ckpt) == {'meta', 'state_dict'}
    assert ckpt['meta']['dataset_meta']['classes'][0] == 'Happy'
    assert ckpt['meta']['published_from'] == 'epoch_3.pth'
    ref = model.state_dict()
    assert list(ckpt['state_dict']) == list(ref)
    assert all(torch.equal(ckpt['state_dict'][k], v) for k, v in ref.items())
    assert 'optimizer' in out and 'message_hub' in out  # reports drops
    assert osp.getsize(final) < osp.getsize(src)


def test_published_model_reproduces_outputs(trained, tmp_path):
    """Same predictions (hence same test metrics) after publishing."""
    from mmhdf.apis import load_recognizer
    root, cfg, src, _ = trained
    final, _ = publish_model.publish(src, str(tmp_path / 'pub.pth'))
    a, b = load_recognizer(cfg, src), load_recognizer(cfg, final)
    from mmaction.structures import ActionDataSample
    torch.manual_seed(0)
    data = dict(inputs=[torch.rand(1, 3, 8, 32, 32) * 255 for _ in range(4)],
                data_samples=[ActionDataSample() for _ in range(4)])
    with torch.no_grad():
        pa = torch.stack([s.pred_score for s in a.test_step(data)])
        pb = torch.stack([s.pred_score for s in b.test_step(data)])
    assert torch.equal(pa, pb)
    assert (pa.max(1).values > 2 / 7).all()  # not near-uniform outputs


def test_publish_refuses_pickle_payload(trained, tmp_path, capsys):
    _, cfg, _, _ = trained
    bad, marker = str(tmp_path / 'evil.pth'), str(tmp_path / 'PWNED')
    write_malicious_checkpoint(cfg, bad, marker)
    rc = publish_model.main([bad, str(tmp_path / 'out.pth')])
    assert rc == publish_model.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert 'Refusing to load checkpoint' in err and 'evil.pth' in err
    assert not osp.exists(marker)
    assert not glob.glob(str(tmp_path / 'out*'))


def test_publish_rejects_non_checkpoints(tmp_path, capsys):
    path = str(tmp_path / 'list.pth')
    torch.save([1, 2, 3], path)
    assert publish_model.main([path, str(tmp_path / 'o')]) == 1
    assert 'not a checkpoint dict' in capsys.readouterr().err
    torch.save(dict(meta={}, state_dict={}), path)
    assert publish_model.main([path, str(tmp_path / 'o')]) == 1
    assert 'state_dict is empty' in capsys.readouterr().err
    assert publish_model.main([str(tmp_path / 'nope.pth'), 'o']) == 1
    assert 'nope.pth' in capsys.readouterr().err


def _check_model(model: dict, collections: set, where: str) -> None:
    for key in ('Name', 'In Collection', 'Config', 'Results', 'Weights'):
        assert key in model, f'{where}: model entry lacks {key!r}'
    assert model['In Collection'] in collections, where
    assert osp.isfile(osp.join(ROOT, model['Config'])), model['Config']
    for result in model['Results']:
        assert {'Dataset', 'Task', 'Metrics'} <= set(result), where
        assert all(isinstance(v, (int, float))
                   for v in result['Metrics'].values()), where
    weights = model['Weights']
    if not weights.startswith(('http://', 'https://')):
        path = osp.join(ROOT, weights)
        m = re.fullmatch(r'.+-([0-9a-f]{8})\.pth', osp.basename(path))
        assert m, f'{weights}: name must end with -<sha256[:8]>.pth'
        assert osp.isfile(path), f'{weights} is missing'
        sha = hashlib.sha256(open(path, 'rb').read()).hexdigest()
        assert sha.startswith(m.group(1)), f'{weights}: sha256 mismatch'
        torch.load(path, map_location='cpu', weights_only=True)


def test_model_index_and_metafiles():
    """model-index.yml -> metafiles in the mim layout, all links valid."""
    import yaml
    with open(osp.join(ROOT, 'model-index.yml')) as f:
        index = yaml.safe_load(f)
    assert index['Import'], 'model-index.yml imports no metafile'
    for rel in index['Import']:
        with open(osp.join(ROOT, rel)) as f:
            meta = yaml.safe_load(f)
        names = set()
        for col in meta['Collections']:
            assert col['Name'] and osp.isfile(osp.join(ROOT, col['README']))
            names.add(col['Name'])
        assert isinstance(meta['Models'], list)
        seen = set()
        for i, model in enumerate(meta['Models']):
            _check_model(model, names, f'{rel} model {i}')
            assert model['Name'] not in seen, f'duplicate {model["Name"]}'
            seen.add(model['Name'])
