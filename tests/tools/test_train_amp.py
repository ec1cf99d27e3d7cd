"""tools/train.py --amp: every SAM recipe gets AmpSAMOptimWrapper, the
others mmengine's AmpOptimWrapper; the built wrapper runs one AMP SAM step
of the real recipe models (bf16 on CPU)."""
import glob
import math
import os.path as osp
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

from mmaction.structures import ActionDataSample
from mmhdf.engine.optimizers import AmpSAMOptimWrapper
from mmhdf.engine.optimizers.amp_config import amp_optim_wrapper
from tests.helpers.scripts import load_script

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
RECIPES = sorted(
    p for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                         recursive=True) if '_base_' not in p)
HDF = 'configs/recognition/hdf/'
X3D_DFEW = HDF + 'hdf_x3d-s-dam4_sam_8xb32-16x112-300e_dfew-fold1.py'
R3D_CPU = HDF + 'hdf_r3d18-w16-dam4_sam_1xb16-8x64-6e_syndfer-h-cpu.py'


def amp_cfg(path, monkeypatch, *extra):
    """The config as tools/train.py leaves it after ``--amp``."""
    train = load_script('tools/train.py', 'train_tool_amp')
    monkeypatch.setattr(sys, 'argv', ['train.py', path, '--amp', *extra])
    args = train.parse_args()
    cfg = Config.fromfile(path)
    before = cfg.optim_wrapper.to_dict()
    return train.merge_args(cfg, args), before


@pytest.mark.parametrize('path', RECIPES,
                         ids=[osp.relpath(p, ROOT) for p in RECIPES])
def test_amp_selects_the_wrapper_of_every_recipe(path, monkeypatch):
    cfg, before = amp_cfg(path, monkeypatch, '--work-dir', '/tmp/x')
    after = cfg.optim_wrapper.to_dict()
    kind = before.get('type', 'OptimWrapper')
    expected = {'SAMOptimWrapper': 'AmpSAMOptimWrapper',
                'GradNormOptimWrapper': 'AmpOptimWrapper',
                'OptimWrapper': 'AmpOptimWrapper'}[kind]
    assert after['type'] == expected
    assert after['loss_scale'] == 'dynamic'
    # every other setting (rho, optimizer, clip_grad) kept
    rest = {k: v for k, v in after.items() if k not in ('type',
                                                        'loss_scale')}
    assert rest == {k: v for k, v in before.items() if k != 'type'}


def test_every_hdf_recipe_is_sam():
    # the CPU main recipe (mmhdf 0.3) trains DAM + DSM without SAM
    no_sam = 'hdf_r3d18-w16-dam4_1xb16-8x64-6e_syndfer-h-cpu.py'
    hdf = [p for p in RECIPES if HDF in p and not p.endswith(no_sam)]
    assert len(hdf) == 16
    for path in hdf:
        assert Config.fromfile(path).optim_wrapper.type == 'SAMOptimWrapper'
    main = next(p for p in RECIPES if p.endswith(no_sam))
    assert Config.fromfile(main).optim_wrapper.type == 'GradNormOptimWrapper'


def test_unsupported_wrapper_names_the_config():
    with pytest.raises(ValueError, match=r'my_cfg\.py: --amp is not '
                       r"supported with optim_wrapper type 'Lion'"):
        amp_optim_wrapper(dict(type='Lion'), 'my_cfg.py')
    # an explicit loss scale is kept
    assert amp_optim_wrapper(dict(type='SAMOptimWrapper', loss_scale=512.))[
        'loss_scale'] == 512.


@pytest.mark.parametrize('rel,shape', [(X3D_DFEW, (2, 3, 16, 64, 64)),
                                       (R3D_CPU, (2, 3, 8, 32, 32))])
def test_built_wrapper_runs_an_amp_sam_step(rel, shape, monkeypatch):
    cfg, _ = amp_cfg(osp.join(ROOT, rel), monkeypatch)
    init_default_scope('mmaction')
    from mmaction.registry import MODELS
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    assert type(wrapper) is AmpSAMOptimWrapper
    assert wrapper.rho == cfg.optim_wrapper.rho
    assert wrapper.device_type == 'cpu'
    # the recipe's head: both passes ran, under bf16 autocast
    dtypes = []
    model.backbone.register_forward_hook(
        lambda m, i, o: dtypes.append(o.dtype))
    samples = [ActionDataSample().set_gt_label(i) for i in range(shape[0])]
    before = [p.detach().clone() for p in model.parameters()]
    log = model.train_step(
        dict(inputs=[torch.rand((1, ) + shape[1:]) * 255
                     for _ in range(shape[0])], data_samples=samples),
        wrapper)
    assert dtypes == [torch.bfloat16, torch.bfloat16]
    assert math.isfinite(float(log['loss'].detach()))
    assert wrapper.last_step_skipped == 0
    assert math.isfinite(float(wrapper.last_grad_norm))
    assert any(not torch.equal(p, q)
               for p, q in zip(model.parameters(), before))
