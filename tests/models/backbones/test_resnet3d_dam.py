"""ResNet3dDAM: per-stage T, placement, T checks, config build."""
import pytest
import torch
from mmaction.models.backbones import ResNet3d
from mmaction.registry import MODELS

from mmhdf.models.backbones import ResNet3dDAM
from tests.models.dam.recognizer_check import load_model_cfg, run_recognizer

TINY = dict(depth=18, base_channels=4, pretrained=None, pretrained2d=False)
R3D18 = dict(
    inflate=(1, 1, 1, 1),
    conv1_kernel=(3, 7, 7),
    conv1_stride_t=1,
    pool1_stride_t=1,
    with_pool1=False,
    with_pool2=False,
    spatial_strides=(1, 2, 2, 2),
    temporal_strides=(1, 2, 2, 2))


@pytest.mark.parametrize(
    'num_frames, kwargs, expected',
    [
        (16, R3D18, [16, 8, 4, 2]),
        (8, dict(), [8, 4, 4, 4]),  # mmaction default: pool2 after stage 1
        (8, dict(conv1_stride_t=2, pool1_stride_t=2), [2, 1, 1, 1]),
        (5, dict(with_pool2=True, temporal_strides=(1, 2, 2, 2)), [5, 1, 1, 1
                                                                   ]),
        (7,
         dict(
             with_pool1=False,
             with_pool2=False,
             conv1_kernel=(5, 7, 7),
             conv1_stride_t=2,
             temporal_strides=(1, 2, 2, 2),
             inflate=(0, 1, 0, 1)), [4, 2, 1, 1]),
    ])
def test_stage_frames_match_actual_shapes(num_frames, kwargs, expected):
    model = ResNet3dDAM(num_frames=num_frames, **TINY, **kwargs)
    assert model.stage_frames == expected
    model.eval()
    seen = []
    for i in range(4):
        getattr(model, f'layer{i + 1}').register_forward_hook(
            lambda m, args, out: seen.append(out.shape[2]))
    with torch.no_grad():
        model(torch.randn(1, 3, num_frames, 32, 32))
    assert seen == expected
    assert [d.num_frames for d in model.dams.values()] == expected


def test_too_short_clip_error():
    with pytest.raises(
            ValueError, match=r'num_frames=1 is too short .* '
            r'after pool2'):
        ResNet3dDAM(num_frames=1, with_pool2=True, **TINY)
    with pytest.raises(ValueError, match='num_frames must be >= 1'):
        ResNet3dDAM(num_frames=0, **TINY)


def test_t_mismatch_error():
    model = ResNet3dDAM(num_frames=16, **TINY, **R3D18)
    with pytest.raises(
            ValueError,
            match=r'ResNet3dDAM was built for '
            r'num_frames=16 but got an input clip with T=8'):
        model(torch.randn(1, 3, 8, 32, 32))


def test_params_added_and_out_indices_after_dam():
    model = MODELS.build(
        dict(
            type='ResNet3dDAM',
            num_frames=16,
            out_indices=(0, 3),
            dam_cfg=dict(keep_maps=True),
            **TINY,
            **R3D18))
    plain = ResNet3d(**TINY, **R3D18)
    # T = 16, 8, 4, 2; temporal: 2 + 2T^2 + T^2 + 3(T^2 + T); frequency 2649
    added = sum(2 + 6 * t * t + 3 * t + 2649 + 2 for t in (16, 8, 4, 2))
    assert (sum(p.numel() for p in model.parameters()) -
            sum(p.numel() for p in plain.parameters())) == added
    model.eval()
    with torch.no_grad():
        outs = model(torch.randn(1, 3, 16, 32, 32))
    assert [o.shape for o in outs] == [(1, 4, 16, 16, 16), (1, 32, 2, 2, 2)]
    assert model.dams['dam4'].last_maps['temporal_gate'].shape == (1, 2)


def test_without_dams_equals_resnet3d():
    torch.manual_seed(0)
    plain = ResNet3d(**TINY, **R3D18)
    model = ResNet3dDAM(num_frames=16, dam_stages=(), **TINY, **R3D18)
    model.load_state_dict(plain.state_dict())
    plain.eval()
    model.eval()
    x = torch.randn(1, 3, 16, 32, 32)
    with torch.no_grad():
        assert torch.equal(model(x), plain(x))


def test_cpu_recipe_config_through_recognizer():
    """The lead's CPU model: R3D-18 width 16 + 4 DAMs at 16x64x64."""
    cfg = load_model_cfg(
        'r3d18_dam',
        backbone=dict(base_channels=16),
        cls_head=dict(in_channels=128))
    model, _, _ = run_recognizer(cfg, num_frames=16, size=64)
    backbone = model.backbone
    assert isinstance(backbone, ResNet3dDAM)
    assert backbone.stage_frames == [16, 8, 4, 2]
    for name, p in backbone.dams.named_parameters():
        assert p.grad is not None, name
