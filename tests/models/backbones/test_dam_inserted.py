"""DAMInserted / insert_dams on further mmaction2 families: ResNet2Plus1d
(R(2+1)D, stride-2 time in stages 2-4, max-pool stem without pool2) and
ResNet3dSlowOnly (SlowOnly pathway)."""
import pytest
import torch
from mmaction.models.backbones import ResNet2Plus1d, ResNet3dSlowOnly
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmhdf.models.backbones import probe_stage_frames
from mmhdf.models.dam import DAM
from tests.models.dam.recognizer_check import run_recognizer

R2PLUS1D = dict(
    type='ResNet2Plus1d',
    depth=18,
    base_channels=4,
    pretrained=None,
    pretrained2d=False,
    conv_cfg=dict(type='Conv2plus1d'),
    norm_cfg=dict(type='BN3d', requires_grad=True, eps=1e-3),
    conv1_kernel=(3, 7, 7),
    conv1_stride_t=1,
    pool1_stride_t=1,
    inflate=(1, 1, 1, 1),
    spatial_strides=(1, 2, 2, 2),
    temporal_strides=(1, 2, 2, 2),
    zero_init_residual=False)
SLOWONLY = dict(
    type='ResNet3dSlowOnly',
    depth=18,
    base_channels=4,
    pretrained=None,
    lateral=False,
    conv1_kernel=(1, 7, 7),
    conv1_stride_t=1,
    pool1_stride_t=1,
    inflate=(0, 0, 1, 1),
    temporal_strides=(1, 1, 2, 2),  # gives stages different T
    norm_eval=False)


@pytest.fixture(autouse=True)
def mmaction_scope():
    # Conv2plus1d is found in mmaction's scope (as in a config run)
    init_default_scope('mmaction')


def _build(inner, **kwargs):
    return MODELS.build(dict(type='DAMInserted', backbone=inner, **kwargs))


@pytest.mark.parametrize('inner, num_frames, expected', [
    (R2PLUS1D, 8, [8, 4, 2, 1]),
    (SLOWONLY, 8, [8, 8, 4, 2]),
])
def test_stage_frames_and_dams_after_chosen_stages(inner, num_frames,
                                                   expected):
    model = _build(inner, num_frames=num_frames, dam_stages=(1, 3))
    assert type(model).__name__ == inner['type']  # the backbone itself
    assert model.stage_frames == expected
    assert list(model.dams) == ['dam2', 'dam4']
    assert [d.num_frames for d in model.dams.values()
            ] == [expected[1], expected[3]]
    # the DAM runs on the stage output and the next stage gets the DAM's
    seen = {}
    for name, dam in model.dams.items():
        dam.register_forward_hook(lambda m, a, out, name=name: seen.update(
            {name: (a[0].shape, out)}))
    model.layer3.register_forward_pre_hook(
        lambda m, a: seen.update(layer3_in=a[0]))
    model.layer2.register_forward_hook(
        lambda m, a, out: seen.update(layer2_out=out))
    model.eval()
    with torch.no_grad():
        out = model(torch.randn(2, 3, num_frames, 32, 32))
    assert out.shape == (2, 32, expected[3], 1, 1)
    assert seen['dam2'][0] == (2, 8, expected[1], 4, 4)
    assert seen['dam4'][0] == (2, 32, expected[3], 1, 1)
    assert torch.equal(seen['layer3_in'], seen['dam2'][1])
    assert torch.equal(seen['layer2_out'], seen['dam2'][1])
    assert torch.equal(out, seen['dam4'][1])


@pytest.mark.parametrize('inner', [R2PLUS1D, SLOWONLY])
def test_state_dict_is_plain_plus_dams_and_gradients_flow(inner):
    torch.manual_seed(0)
    model = _build(inner, num_frames=16)  # T >= 2 everywhere
    plain = MODELS.build(inner)
    keys = set(model.state_dict())
    plain_keys = set(plain.state_dict())
    assert plain_keys <= keys
    assert keys - plain_keys and all(
        k.startswith(('dams.dam1.', 'dams.dam2.', 'dams.dam3.',
                      'dams.dam4.')) for k in keys - plain_keys)
    # without DAM stages it is exactly the plain backbone
    bare = _build(inner, num_frames=8, dam_stages=())
    bare.load_state_dict(plain.state_dict())
    x = torch.randn(1, 3, 8, 32, 32)
    bare.eval()
    plain.eval()
    with torch.no_grad():
        assert torch.equal(bare(x), plain(x))
    model.train()
    model(torch.randn(2, 3, 16, 64, 64)).pow(2).mean().backward()
    for name, p in model.dams.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name
    assert all(p.grad is not None for p in model.layer1.parameters())


def test_errors_and_probe():
    with pytest.raises(
            ValueError,
            match=r'DAMInserted\(ResNet2Plus1d\) was built for num_frames=8 '
            r'but got an input clip with T=4'):
        _build(R2PLUS1D, num_frames=8)(torch.randn(1, 3, 4, 32, 32))
    with pytest.raises(ValueError, match='outside'):
        _build(SLOWONLY, num_frames=8, dam_stages=(4, ))
    with pytest.raises(ValueError, match='no res_layers; pass stage_names'):
        _build(dict(type='C3D', pretrained=None), num_frames=16)
    plain = MODELS.build(R2PLUS1D)
    before = {k: v.clone() for k, v in plain.state_dict().items()}
    assert probe_stage_frames(plain, plain.res_layers, 16) == [16, 8, 4, 2]
    # the probe ran on a meta copy: the backbone is untouched
    assert all(v.device.type == 'cpu' for v in plain.state_dict().values())
    assert all(
        torch.equal(before[k], v) for k, v in plain.state_dict().items())
    assert isinstance(plain, ResNet2Plus1d) and not hasattr(plain, 'dams')


def test_config_builds_r2plus1d_with_dam_through_recognizer(tmp_path):
    cfg_file = tmp_path / 'r2plus1d_dam.py'
    cfg_file.write_text(
        "_base_ = 'mmaction::_base_/models/r2plus1d_r34.py'\n"
        'model = dict(\n'
        '    backbone=dict(_delete_=True, type="DAMInserted",\n'
        f'        backbone={R2PLUS1D!r},\n'
        '        num_frames=8, dam_stages=(0, 1, 2, 3),\n'
        '        dam_cfg=dict(fusion_norm="mean")),\n'
        '    cls_head=dict(num_classes=7, in_channels=32))\n')
    cfg = Config.fromfile(str(cfg_file))
    model, _, _ = run_recognizer(cfg, num_frames=8, size=32)
    backbone = model.backbone
    assert isinstance(backbone, ResNet2Plus1d)
    assert backbone.stage_frames == [8, 4, 2, 1]
    assert all(isinstance(d, DAM) for d in backbone.dams.values())
    assert backbone.dams['dam1'].fusion_norm == 'mean'
    for name, p in backbone.dams.named_parameters():
        assert p.grad is not None, name


def test_slowonly_class():
    model = _build(SLOWONLY, num_frames=4)
    assert isinstance(model, ResNet3dSlowOnly)
    assert model.stage_frames == [4, 4, 2, 1]
