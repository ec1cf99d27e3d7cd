"""The DSM/SAM config fragments compose with a model base and build."""
import os

import pytest
import torch
from mmengine import Config

from mmaction.registry import HOOKS, MODELS
from mmaction.structures import ActionDataSample

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BASE = os.path.join(ROOT, 'configs', '_base_')


def compose(tmp_path, model_base, head_type, schedule):
    text = (f"_base_ = [{os.path.join(BASE, 'models', model_base)!r}, "
            f"{os.path.join(BASE, 'schedules', schedule)!r}, "
            f"{os.path.join(BASE, 'hdf_dsm.py')!r}]\n"
            f"model = dict(cls_head=dict(type={head_type!r}, "
            "**_base_.dsm_head))\n")
    path = tmp_path / 'recipe.py'
    path.write_text(text)
    return Config.fromfile(str(path))


@pytest.mark.parametrize('model_base,head_type,feat_dim', [
    ('x3d_s.py', 'HDFX3DHead', 432), ('r3d18.py', 'HDFHead', 512)])
def test_recipe_composes_and_builds(tmp_path, model_base, head_type,
                                    feat_dim):
    cfg = compose(tmp_path, model_base, head_type, 'adamw_sam_cosine.py')
    assert cfg.optim_wrapper.type == 'SAMOptimWrapper'
    assert cfg.optim_wrapper.rho == 0.05
    assert cfg.optim_wrapper.optimizer == dict(
        type='AdamW', lr=5e-4, betas=(0.9, 0.999), eps=1e-8,
        weight_decay=0.05)
    assert [s.type for s in cfg.param_scheduler] == [
        'LinearLR', 'CosineAnnealingLR']
    assert cfg.custom_hooks[0].type == 'DSMScalingHook'
    HOOKS.build(cfg.custom_hooks[0])
    head_cfg = cfg.model.cls_head
    head = MODELS.build(head_cfg)
    assert type(head).__name__ == head_type
    assert head.label_smooth_eps == 0.1 and head.num_classes == 7
    assert head.loss_dsm.temperature == 0.07 and head.loss_dsm.eta == 0.2
    losses = head.loss(
        torch.randn(4, feat_dim, 1, 2, 2),
        [ActionDataSample().set_gt_label(y) for y in (0, 0, 1, 1)])
    assert {'loss_ce', 'loss_dsm', 'dsm_con', 'dsm_ib'} <= set(losses)


def test_plain_schedule(tmp_path):
    cfg = compose(tmp_path, 'r3d18.py', 'HDFHead', 'adamw_cosine.py')
    assert cfg.optim_wrapper.type == 'GradNormOptimWrapper'
    assert cfg.train_cfg.max_epochs == 300
