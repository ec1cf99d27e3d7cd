"""DAMNeck: neck contract, tuple inputs, config build through Recognizer3D."""
import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

from mmhdf.models.dam import DAM
from mmhdf.models.necks import DAMNeck
from tests.models.dam.recognizer_check import load_model_cfg, run_recognizer


def test_registered_and_contract():
    neck = MODELS.build(dict(type='DAMNeck', num_frames=4))
    assert isinstance(neck, DAMNeck)
    x = torch.randn(2, 32, 4, 3, 3)
    samples = [ActionDataSample().set_gt_label(0) for _ in range(2)]
    for kwargs in (dict(), dict(data_samples=None),
                   dict(data_samples=samples)):
        out, aux = neck(x, **kwargs)
        assert out.shape == x.shape
        assert aux == {}


def test_neck_equals_its_dam():
    torch.manual_seed(0)
    neck = DAMNeck(num_frames=4, dam_cfg=dict(diff_axis='channel'))
    dam = DAM(4, diff_axis='channel')
    dam.load_state_dict(neck.dams[0].state_dict())
    x = torch.randn(1, 8, 4, 5, 5)
    assert torch.equal(neck(x)[0], dam(x))
    assert neck.dams[0].temporal.diff_axis == 'channel'
    assert sum(p.numel() for p in DAMNeck(16).parameters()) == 4237


def test_tuple_input():
    neck = DAMNeck(num_frames=(8, 4))
    feats = (torch.randn(1, 4, 8, 6, 6), torch.randn(1, 8, 4, 3, 3))
    outs, aux = neck(feats)
    assert isinstance(outs, tuple) and aux == {}
    assert [o.shape for o in outs] == [f.shape for f in feats]
    with pytest.raises(ValueError, match='got 1 feature maps'):
        neck(feats[:1])
    with pytest.raises(ValueError, match='single tensor'):
        neck(feats[0])
    with pytest.raises(ValueError, match='got 2 feature maps'):
        DAMNeck(num_frames=8)(feats)


def test_constructor_errors():
    with pytest.raises(ValueError, match='not in dam_cfg'):
        DAMNeck(num_frames=4, dam_cfg=dict(num_frames=4))
    with pytest.raises(ValueError, match='empty'):
        DAMNeck(num_frames=())


def test_t_mismatch_error():
    with pytest.raises(ValueError, match='T=16 .* T=2'):
        DAMNeck(num_frames=16)(torch.randn(1, 8, 2, 4, 4))


def test_x3d_damneck_config_through_recognizer():
    cfg = load_model_cfg('x3d_s_damneck')
    assert cfg.model.neck.num_frames == 16
    cfg.merge_from_dict(
        dict(
            model=dict(
                neck=dict(num_frames=8),
                backbone=dict(gamma_b=1, gamma_d=1),
                cls_head=dict(in_channels=192))))
    model, losses, _ = run_recognizer(cfg, num_frames=8, size=32)
    assert isinstance(model.neck, DAMNeck)
    assert model.neck.dams[0].num_frames == 8
    assert model.neck.dams[0].frequency.attn_conv.weight.grad is not None


def test_r3d18_damneck_config_through_recognizer():
    cfg = load_model_cfg(
        'r3d18_damneck',
        backbone=dict(base_channels=8),
        cls_head=dict(in_channels=64))
    assert cfg.model.neck.num_frames == 2  # 16 frames / 8
    model, _, _ = run_recognizer(cfg, num_frames=16, size=32)
    assert isinstance(model.neck, DAMNeck)
