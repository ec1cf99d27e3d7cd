"""X3DDAM: placement, equivalence to X3D, T checks, config build."""
import pytest
import torch
from mmaction.models.backbones import X3D
from mmaction.registry import MODELS

from mmhdf.models.backbones import X3DDAM
from mmhdf.models.dam import DAM
from tests.models.dam.recognizer_check import load_model_cfg, run_recognizer

X3D_S = dict(gamma_w=1, gamma_b=2.25, gamma_d=2.2)
SMALL = dict(gamma_w=1, gamma_b=1, gamma_d=1)  # 1, 2, 5, 3 blocks


def test_default_placement_and_params():
    model = MODELS.build(dict(type='X3DDAM', num_frames=16, **X3D_S))
    assert isinstance(model, X3DDAM)
    assert model.dam_stages == (0, 1, 2, 3)
    assert list(model.dams) == ['dam1', 'dam2', 'dam3', 'dam4']
    assert model.stage_frames == [16] * 4
    plain = sum(p.numel() for p in X3D(**X3D_S).parameters())
    total = sum(p.numel() for p in model.parameters())
    assert total - plain == 4 * 4237  # 16,948 (docs/method.md §2.5)


def test_dams_see_stage_outputs():
    model = X3DDAM(num_frames=4, dam_cfg=dict(keep_maps=True), **SMALL)
    model.eval()
    seen = {}
    for name, dam in model.dams.items():
        dam.register_forward_hook(
            lambda m, args, out, name=name: seen.update({name: args[0].shape}))
    with torch.no_grad():
        out = model(torch.randn(1, 3, 4, 32, 32))
    assert out.shape == (1, 192, 4, 1, 1)
    assert seen == {
        'dam1': (1, 24, 4, 8, 8),
        'dam2': (1, 48, 4, 4, 4),
        'dam3': (1, 96, 4, 2, 2),
        'dam4': (1, 192, 4, 1, 1)
    }
    assert model.dams['dam1'].last_maps['freq_attn'].shape == (1, 8, 8)


def test_without_dams_equals_x3d():
    torch.manual_seed(0)
    plain = X3D(**SMALL)
    model = X3DDAM(num_frames=4, dam_stages=(), **SMALL)
    assert len(model.dams) == 0
    model.load_state_dict(plain.state_dict())
    plain.eval()
    model.eval()
    x = torch.randn(1, 3, 4, 32, 32)
    with torch.no_grad():
        assert torch.equal(model(x), plain(x))


def test_selected_stages_and_dam_cfg():
    model = X3DDAM(
        num_frames=4,
        dam_stages=(3, 1),
        dam_cfg=dict(diff_axis='channel', freq_select='low'),
        **SMALL)
    assert model.dam_stages == (1, 3)
    assert list(model.dams) == ['dam2', 'dam4']
    assert model.dams['dam2'].temporal.diff_axis == 'channel'
    assert model.dams['dam4'].frequency.num_freqs == 10


def test_plain_x3d_checkpoint_loads_non_strict():
    model = X3DDAM(num_frames=4, **SMALL)
    missing, unexpected = model.load_state_dict(
        X3D(**SMALL).state_dict(), strict=False)
    assert unexpected == []
    assert missing and all(k.startswith('dams.') for k in missing)


def test_init_weights_keeps_dam_parameters():
    model = X3DDAM(num_frames=4, **SMALL)
    before = {k: v.clone() for k, v in model.dams.state_dict().items()}
    model.init_weights()
    after = model.dams.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)


def test_errors():
    model = X3DDAM(num_frames=8, **SMALL)
    with pytest.raises(
            ValueError, match=r'num_frames=8 but got an input clip with T=4'):
        model(torch.randn(1, 3, 4, 32, 32))
    with pytest.raises(ValueError, match='outside'):
        X3DDAM(num_frames=8, dam_stages=(4, ), **SMALL)
    with pytest.raises(ValueError, match='must not set num_frames'):
        X3DDAM(num_frames=8, dam_cfg=dict(num_frames=4), **SMALL)


def test_gradients_reach_dams():
    torch.manual_seed(0)
    model = X3DDAM(num_frames=4, **SMALL)
    model(torch.randn(1, 3, 4, 64, 64)).pow(2).mean().backward()  # dam4 2x2
    for name, p in model.dams.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name


def test_config_through_recognizer():
    cfg = load_model_cfg('x3d_s_dam')
    assert cfg.model.backbone.type == 'X3DDAM'
    assert cfg.model.backbone.num_frames == 16
    assert cfg.model.backbone.gamma_d == 2.2  # merged with x3d_s.py
    # a shallower X3D keeps the test fast; the DAM wiring is the same
    cfg.merge_from_dict(
        dict(
            model=dict(
                backbone=dict(num_frames=8, gamma_b=1, gamma_d=1),
                cls_head=dict(in_channels=192))))
    model, _, _ = run_recognizer(cfg, num_frames=8, size=32)
    backbone = model.backbone
    assert isinstance(backbone, X3DDAM)
    assert all(
        isinstance(d, DAM) and d.num_frames == 8
        for d in backbone.dams.values())
    assert backbone.dams['dam1'].temporal.query.weight.grad is not None
