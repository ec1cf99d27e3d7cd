"""SAMOptimWrapper / GradNormOptimWrapper against manual computations."""
import copy

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.logging import MessageHub
from mmengine.model import BaseModel

from mmaction.registry import OPTIM_WRAPPERS
from mmhdf.engine.optimizers import GradNormOptimWrapper, SAMOptimWrapper

RHO = 0.05


def adamw(params):
    return torch.optim.AdamW(params, lr=0.05, weight_decay=0.05, eps=1e-8)


def mlp():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3)).double()


def batch(seed):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(10, 4, generator=g, dtype=torch.float64),
            torch.randint(0, 3, (10, ), generator=g))


def manual_sam_grads(model, loss_fn, max_norm=None):
    """SAM by hand: grads at w + rho * grad / ||grad|| (optionally clipped),
    and the first-pass norm."""
    params = list(model.parameters())
    grads = torch.autograd.grad(loss_fn(model), params)
    norm = torch.sqrt(sum((g**2).sum() for g in grads))
    perturbed = copy.deepcopy(model)
    with torch.no_grad():
        for p, g in zip(perturbed.parameters(), grads):
            p.add_(RHO * g / (norm + 1e-12))
    grads2 = torch.autograd.grad(loss_fn(perturbed),
                                 list(perturbed.parameters()))
    if max_norm is not None:
        total = torch.sqrt(sum((g**2).sum() for g in grads2))
        coef = torch.clamp(max_norm / (total + 1e-6), max=1.0)
        grads2 = [g * coef for g in grads2]
    return grads2, norm


@pytest.mark.parametrize('clip', [None, 0.05])
def test_sam_step_equals_manual_two_step_update(clip):
    model = mlp()
    ref = copy.deepcopy(model)
    kwargs = dict(clip_grad=dict(max_norm=clip)) if clip else {}
    wrapper = SAMOptimWrapper(adamw(model.parameters()), rho=RHO, **kwargs)
    ref_opt = adamw(ref.parameters())
    for step in range(3):  # several steps: AdamW state must match too
        x, y = batch(step)

        def loss_fn(m):
            return F.cross_entropy(m(x), y)

        wrapper.update_params(loss_fn(model), closure=lambda: loss_fn(model))
        grads2, norm = manual_sam_grads(ref, loss_fn, clip)
        for p, g in zip(ref.parameters(), grads2):
            p.grad = g
        ref_opt.step()
        ref_opt.zero_grad()
        assert wrapper.last_grad_norm.item() == pytest.approx(norm.item())
        for p, q in zip(model.parameters(), ref.parameters()):
            assert torch.allclose(p, q, atol=1e-12)
            assert p.grad is None  # zeroed after the step
    # SAM moved differently from plain AdamW
    plain = mlp()
    opt = adamw(plain.parameters())
    for step in range(3):
        x, y = batch(step)
        F.cross_entropy(plain(x), y).backward()
        opt.step()
        opt.zero_grad()
    assert not torch.allclose(plain[0].weight, model[0].weight)


def test_rho_zero_is_plain_step():
    model, ref = mlp(), mlp()
    wrapper = SAMOptimWrapper(adamw(model.parameters()), rho=0.0)
    opt = adamw(ref.parameters())
    x, y = batch(0)
    wrapper.update_params(F.cross_entropy(model(x), y),
                          closure=lambda: F.cross_entropy(model(x), y))
    F.cross_entropy(ref(x), y).backward()
    opt.step()
    for p, q in zip(model.parameters(), ref.parameters()):
        assert torch.allclose(p, q, atol=1e-12)


class TinyBNModel(BaseModel):

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.fc1 = nn.Linear(4, 8)
        self.bn = nn.BatchNorm1d(8)
        self.fc2 = nn.Linear(8, 3)

    def forward(self, inputs, labels=None, mode='tensor'):
        out = self.fc2(torch.relu(self.bn(self.fc1(inputs))))
        if mode == 'loss':
            return dict(loss_ce=F.cross_entropy(out, labels))
        return out


def test_sam_inside_standard_train_step_with_bn():
    """mmengine's own BaseModel.train_step drives both passes; BN running
    stats are updated once (by the unperturbed pass)."""
    model = TinyBNModel().double()
    ref = copy.deepcopy(model)
    wrapper = OPTIM_WRAPPERS.build(
        dict(type='SAMOptimWrapper', rho=RHO,
             optimizer=adamw(model.parameters())))
    ref_opt = adamw(ref.parameters())
    for step in range(2):
        x, y = batch(step)
        log_vars = model.train_step(dict(inputs=x, labels=y), wrapper)
        assert set(log_vars) == {'loss', 'loss_ce'}

        def loss_fn(m):
            return m(x, y, mode='loss')['loss_ce']

        # the first manual pass updates ref's BN stats exactly once
        grads2, norm = manual_sam_grads(ref, loss_fn)
        for p, g in zip(ref.parameters(), grads2):
            p.grad = g
        ref_opt.step()
        ref_opt.zero_grad()
        assert wrapper.last_grad_norm.item() == pytest.approx(norm.item())
        for p, q in zip(model.parameters(), ref.parameters()):
            assert torch.allclose(p, q, atol=1e-12)
        for name in ('running_mean', 'running_var', 'num_batches_tracked'):
            assert torch.allclose(getattr(model.bn, name),
                                  getattr(ref.bn, name), atol=1e-12)
    assert int(model.bn.num_batches_tracked) == 2


def test_sam_without_second_pass_raises():
    model = mlp()
    wrapper = SAMOptimWrapper(adamw(model.parameters()))
    x, y = batch(0)
    with pytest.raises(RuntimeError, match='second forward'):
        wrapper.update_params(F.cross_entropy(model(x), y))
    with pytest.raises(ValueError):
        SAMOptimWrapper(adamw(model.parameters()), accumulative_counts=2)


def test_grad_norm_wrapper_records_pre_clip_norm():
    MessageHub.get_instance('test_grad_norm_wrapper')
    model, ref = mlp(), mlp()
    wrapper = GradNormOptimWrapper(adamw(model.parameters()),
                                   clip_grad=dict(max_norm=0.01))
    x, y = batch(0)
    wrapper.update_params(F.cross_entropy(model(x), y))
    grads = torch.autograd.grad(F.cross_entropy(ref(x), y),
                                list(ref.parameters()))
    norm = torch.sqrt(sum((g**2).sum() for g in grads))
    assert norm.item() > 0.01  # so clipping was active
    assert wrapper.last_grad_norm.item() == pytest.approx(norm.item())
    logged = wrapper.message_hub.get_scalar('train/grad_norm').current()
    assert logged == pytest.approx(norm.item())
