"""tools/deployment/export_onnx.py on a recognizer with DAM."""
import importlib.util
import os.path as osp

import numpy as np
import pytest

from mmhdf.testing.dfer_tiny import (write_checkpoint,
                                     write_malicious_checkpoint,
                                     write_tiny_config)
from tests.helpers.scripts import load_script

onnx = pytest.importorskip('onnx', reason='onnx is not installed')
ort = pytest.importorskip('onnxruntime',
                          reason='onnxruntime is not installed')


def _load_tool():
    return load_script('tools/deployment/export_onnx.py',
                       'mmhdf_export_onnx')


export_onnx = _load_tool()


@pytest.fixture(scope='module')
def dam_model(tmp_path_factory):
    from mmaction.registry import MODELS
    if MODELS.get('ResNet3dDAM') is None:
        pytest.skip('ResNet3dDAM is not registered')
    root = tmp_path_factory.mktemp('onnx')
    # 3 channel bins: 8..64 channels do not divide into them, like X3D-S's
    # 24 channels into 16 bins (adaptive pooling the exporters cannot take)
    cfg = write_tiny_config(str(root), dam=True, dam_cfg=dict(num_bins=3))
    ckpt = str(root / 'dam.pth')
    write_checkpoint(cfg, ckpt, seed=7)
    return root, cfg, ckpt


def test_export_dam_torchscript_matches_pytorch(dam_model, capsys):
    """ONNX (legacy exporter, fixed batch) == PyTorch test_step."""
    root, cfg, ckpt = dam_model
    out = str(root / 'dam_ts.onnx')
    rc = export_onnx.main([cfg, ckpt, '--output', out, '--verify',
                           '--exporter', 'torchscript', '--shape', '2', '3',
                           '8', '32', '32'])
    stdout = capsys.readouterr().out
    assert rc == export_onnx.EXIT_OK, stdout
    assert 'batch fixed' in stdout and 'max |onnxruntime - pytorch|' in stdout
    graph = onnx.load(out).graph
    assert [i.name for i in graph.input] == ['clips']
    assert [o.name for o in graph.output] == ['probs']

    # independent check on other inputs, against the original (unprepared)
    # model: DAM's CPU matmul path vs the exported conv path
    from mmhdf.apis import load_recognizer
    model = load_recognizer(cfg, ckpt)
    assert any(getattr(m, 'conv_impl', None) == 'auto'
               for m in model.modules())  # the test covers DAM's fast path
    clips = (np.random.default_rng(1).random((2, 3, 8, 32, 32)) *
             255).astype(np.float32)
    sess = ort.InferenceSession(out, providers=['CPUExecutionProvider'])
    got = sess.run(['probs'], {'clips': clips})[0]
    ref = export_onnx.torch_probs(model, clips)
    assert got.shape == (2, 7)
    np.testing.assert_allclose(got, ref, atol=1e-5)
    assert ref.max() > 2 / 7  # outputs are not near-uniform


@pytest.mark.skipif(importlib.util.find_spec('onnxscript') is None,
                    reason='onnxscript (dynamo exporter) is not installed')
def test_export_dam_dynamo_dynamic_batch(dam_model, capsys):
    """Default exporter; one DAM only (torch.export of 4 DAMs takes ~20 s)."""
    root = dam_model[0]
    cfg = write_tiny_config(str(root), dam=True, dam_stages=(1, ),
                            dam_cfg=dict(num_bins=3), name='tiny_dam1.py')
    ckpt = str(root / 'dam1.pth')
    write_checkpoint(cfg, ckpt, seed=8)
    out = str(root / 'dam_dyn.onnx')
    rc = export_onnx.main([cfg, ckpt, '--output', out, '--verify'])
    stdout = capsys.readouterr().out
    assert rc == 0, stdout
    # default shape from the test pipeline; verified with another batch (3)
    assert 'input clips [1, 3, 8, 32, 32], batch dynamic' in stdout
    dim0 = onnx.load(out).graph.input[0].type.tensor_type.shape.dim[0]
    assert dim0.dim_param
    diff = float(stdout.split('max |onnxruntime - pytorch| = ')[1].split()[0])
    assert diff < 1e-5


def test_export_refuses_pickle_payload(dam_model, tmp_path, capsys):
    _, cfg, _ = dam_model
    bad, marker = str(tmp_path / 'evil.pth'), str(tmp_path / 'PWNED')
    write_malicious_checkpoint(cfg, bad, marker)
    rc = export_onnx.main([cfg, bad, '--output', str(tmp_path / 'x.onnx'),
                           '--exporter', 'torchscript'])
    assert rc == export_onnx.EXIT_INPUT
    assert 'Refusing to load checkpoint' in capsys.readouterr().err
    assert not osp.exists(marker) and not osp.exists(tmp_path / 'x.onnx')


def test_export_friendly_pools_are_exact():
    import torch
    import torch.nn.functional as F
    for length, bins in [(24, 16), (8, 3), (5, 7), (64, 16)]:
        x = torch.randn(2, 3, length)
        with export_onnx.export_friendly_ops():
            avg = F.adaptive_avg_pool1d(x, bins)
            mx = F.adaptive_max_pool1d(x, bins)
        torch.testing.assert_close(avg, F.adaptive_avg_pool1d(x, bins))
        assert torch.equal(mx, F.adaptive_max_pool1d(x, bins))
    assert F.adaptive_avg_pool1d is export_onnx._ORIGINAL_POOLS[
        'adaptive_avg_pool1d']  # restored
