"""DSMShareProbe and share_params: hand-computed norms, parameter scope."""
import pytest
import torch
import torch.nn as nn
from mmengine.registry import init_default_scope
from mmaction.registry import MODELS

import mmhdf  # noqa: F401

from mmhdf.engine.hooks import DSMShareProbe, share_params


def test_probe_hand_computed_norms_and_leaves_grads_alone():
    w = nn.Parameter(torch.tensor([1.0, 2.0]))
    v = nn.Parameter(torch.tensor([3.0]))
    x = torch.tensor([3.0, 4.0])
    loss_ce = 2.0 * (w * x).sum()  # ∇w = 2x = (6, 8): norm 10; ∇v = 0
    loss_dsm = 0.5 * (w**2).sum() + v.sum()  # ∇w = w = (1, 2), ∇v = 1
    probe = DSMShareProbe([w, v])
    probe(loss_ce, loss_dsm)  # not armed: nothing measured
    assert probe.result is None
    probe.arm()
    probe(loss_ce, loss_dsm)
    assert probe.result['ce'] == pytest.approx(10.0)
    assert probe.result['dsm'] == pytest.approx(6.0**0.5)
    assert probe.result['share'] == pytest.approx(6.0**0.5 / 10.0)
    assert w.grad is None and v.grad is None  # .grad untouched
    assert not probe.armed  # one-shot: SAM's second pass is not measured
    (loss_ce + loss_dsm).backward()  # the graph was retained
    assert torch.allclose(w.grad, torch.tensor([7.0, 10.0]))


def test_probe_skips_under_no_grad():
    w = nn.Parameter(torch.ones(2))
    probe = DSMShareProbe([w])
    probe.arm()
    with torch.no_grad():
        probe(w.sum(), w.sum())
    assert probe.result is None and probe.armed


def test_last_stage_scope_of_resnet3d_dam():
    init_default_scope('mmaction')
    model = MODELS.build(dict(
        type='Recognizer3D',
        backbone=dict(type='ResNet3dDAM', depth=18, base_channels=8,
                      num_frames=8, pretrained=None, pretrained2d=False,
                      dam_cfg=dict(freq_select='low')),
        cls_head=dict(type='HDFHead', in_channels=64, num_classes=3),
        data_preprocessor=dict(type='ActionDataPreprocessor',
                               format_shape='NCTHW')))
    names = {id(p): n for n, p in model.named_parameters()}
    chosen = [names[id(p)] for p in share_params(model)]
    assert chosen and all(
        n.startswith(('backbone.layer4.', 'backbone.dams.dam4.', 'cls_head.'))
        for n in chosen)
    assert any(n.startswith('backbone.dams.dam4.') for n in chosen)
    assert any(n.startswith('backbone.layer4.') for n in chosen)
    assert len(share_params(model, 'all')) == len(
        [p for p in model.parameters() if p.requires_grad])
