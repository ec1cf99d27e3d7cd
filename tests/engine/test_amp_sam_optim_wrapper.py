"""AmpSAMOptimWrapper: bf16 autocast on CPU against fp32 SAM, and the fp16
loss scaler over both SAM passes with forced overflows."""
import copy
import math

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModel

from mmaction.registry import OPTIM_WRAPPERS
from mmhdf.engine.hooks import DSMScalingHook
from mmhdf.engine.optimizers import AmpSAMOptimWrapper, SAMOptimWrapper

#: bf16 keeps 8 mantissa bits (relative rounding 2**-9 = 0.2%). Over 6 SAM
#: steps of the tiny model below, the per-step losses differ from fp32 by at
#: most 0.06% (measured); the stated tolerance is 0.5%.
BF16_RTOL = 5e-3
#: Parameter displacement after 6 steps: ||w_bf16 - w_fp32|| over
#: ||w_fp32 - w_0||, per tensor (measured max 0.14, conv.weight: AdamW
#: normalises small gradients, so their rounding moves the weights).
#: conv.bias is excluded: BN cancels it, its gradient is rounding noise.
BF16_DISPLACEMENT_RTOL = 0.25


def adamw(params):
    return torch.optim.AdamW(params, lr=1e-2, weight_decay=0.05)


class InfGrad(torch.autograd.Function):
    """Identity whose backward overflows (an inf gradient, as an fp16
    backward that exceeds 65504 produces)."""

    @staticmethod
    def forward(ctx, x):
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        return torch.full_like(grad, float('inf'))


class HugeGrad(InfGrad):
    """Finite gradients whose global norm overflows fp32 (1e30 each)."""

    @staticmethod
    def backward(ctx, grad):
        return torch.full_like(grad, 1e30)


class TinyConvNet(BaseModel):
    """Conv3d + BN + linear head: the layer types of the HDF recipe."""

    def __init__(self, poison=None):
        super().__init__()
        torch.manual_seed(0)
        self.conv = nn.Conv3d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm3d(8)
        self.fc = nn.Linear(8, 4)
        self.dtypes = []  # autocast dtype of the conv output, per forward
        #: forward calls whose loss is multiplied by inf (1-based)
        self.poison = set(poison or ())
        self.huge = False  # HugeGrad instead of InfGrad
        self.calls = 0

    def forward(self, inputs, labels=None, mode='tensor'):
        self.calls += 1
        feat = self.conv(inputs)
        self.dtypes.append(feat.dtype)
        feat = torch.relu(self.bn(feat)).mean(dim=(2, 3, 4))
        if self.calls in self.poison:
            # finite forward, overflowing backward
            feat = (HugeGrad if self.huge else InfGrad).apply(feat)
        out = self.fc(feat)
        if mode == 'loss':
            return dict(loss_ce=F.cross_entropy(out.float(), labels))
        return out


def batch(step):
    g = torch.Generator().manual_seed(step)
    return dict(inputs=torch.randn(4, 3, 4, 8, 8, generator=g),
                labels=torch.randint(0, 4, (4, ), generator=g))


def train(model, wrapper, steps=6):
    """``steps`` SAM steps on one batch; the per-step losses."""
    losses = []
    for _ in range(steps):
        log = model.train_step(batch(0), wrapper)
        losses.append(float(log['loss'].detach()))
    return losses


def test_bf16_autocast_on_cpu_matches_fp32_sam():
    ref_model, model = TinyConvNet(), TinyConvNet()
    init = copy.deepcopy(model.state_dict())
    ref = SAMOptimWrapper(adamw(ref_model.parameters()), rho=0.05)
    amp = OPTIM_WRAPPERS.build(
        dict(type='AmpSAMOptimWrapper', rho=0.05, dtype='bfloat16',
             optimizer=adamw(model.parameters())))
    assert amp.device_type == 'cpu'
    ref_losses = train(ref_model, ref)
    amp_losses = train(model, amp)
    # both passes of every step ran in bf16 (fp32 without AMP)
    assert model.dtypes == [torch.bfloat16] * 12
    assert ref_model.dtypes == [torch.float32] * 12
    assert all(math.isfinite(v) for v in amp_losses)
    assert amp_losses == pytest.approx(ref_losses, rel=BF16_RTOL)
    # training moved the loss, and bf16 followed it
    assert ref_losses[-1] < ref_losses[0]
    assert amp_losses[-1] < amp_losses[0]
    assert amp.last_step_skipped == 0
    assert math.isfinite(float(amp.last_grad_norm))
    for (name, p), q in zip(model.named_parameters(),
                            ref_model.parameters()):
        assert torch.isfinite(p).all()
        if name != 'conv.bias':
            moved = (q - init[name]).norm()
            assert (p - q).norm() < BF16_DISPLACEMENT_RTOL * moved, name


def test_bf16_default_dtype_on_cpu_and_bad_arguments():
    model = TinyConvNet()
    wrapper = AmpSAMOptimWrapper(adamw(model.parameters()))
    train(model, wrapper, steps=1)
    assert model.dtypes == [torch.bfloat16] * 2
    with pytest.raises(ValueError, match='dtype must be one of'):
        AmpSAMOptimWrapper(adamw(model.parameters()), dtype='half')
    with pytest.raises(TypeError, match='loss_scale'):
        AmpSAMOptimWrapper(adamw(model.parameters()), loss_scale='static')
    with pytest.raises(ValueError, match='accumulation'):
        AmpSAMOptimWrapper(adamw(model.parameters()), accumulative_counts=2)


def _fp16(model, init_scale=1024.0, dtype='float16'):
    return AmpSAMOptimWrapper(
        adamw(model.parameters()), rho=0.05, dtype=dtype,
        loss_scale=dict(init_scale=init_scale, growth_interval=1))


def test_fp16_scaler_without_overflow_equals_fp32_sam_on_unscaled_grads():
    """Scaling is exact (powers of 2): with autocast in fp32 the fp16-scaler
    path gives SAM's update to rounding, and the scale grows."""
    ref_model, model = TinyConvNet().double(), TinyConvNet().double()
    ref = SAMOptimWrapper(adamw(ref_model.parameters()), rho=0.05)
    amp = AmpSAMOptimWrapper(
        adamw(model.parameters()), rho=0.05, dtype='float64',
        loss_scale=dict(init_scale=1024.0, growth_interval=1))
    x = batch(0)
    x['inputs'] = x['inputs'].double()
    ref_model.train_step(x, ref)
    model.train_step(x, amp)
    assert amp.last_step_skipped == 0
    assert float(amp.last_grad_norm) == pytest.approx(
        float(ref.last_grad_norm), rel=1e-10)
    for p, q in zip(model.parameters(), ref_model.parameters()):
        assert torch.allclose(p, q, rtol=1e-10, atol=1e-12)
    assert amp.loss_scaler.get_scale() == 2048.0  # grown after one step
    assert amp.message_hub.get_scalar('train/loss_scale').current() == 2048.


@pytest.mark.parametrize('poisoned_pass,huge', [(1, False), (2, False),
                                                (1, True)])
def test_fp16_overflow_in_either_pass_skips_the_step(poisoned_pass, huge):
    """Inf gradients in pass 1 or pass 2, or finite pass-1 gradients whose
    norm overflows (g = inf; bf16 autocast: fp16 cannot hold them): step
    skipped, scale halved."""
    model = TinyConvNet(poison={poisoned_pass})
    model.huge = huge
    wrapper = _fp16(model, dtype='bfloat16' if huge else 'float16')
    before = copy.deepcopy(model.state_dict())
    log = model.train_step(batch(0), wrapper)
    assert wrapper.last_step_skipped == poisoned_pass
    # params and BN statistics unchanged except the BN update of pass 1
    for name, value in model.state_dict().items():
        if 'bn.' in name:
            continue
        assert torch.equal(value, before[name]), name
    # AdamW did not step (no state), grads zeroed, scale backed off
    assert len(wrapper.optimizer.state) == 0
    assert all(p.grad is None for p in model.parameters())
    assert wrapper.loss_scaler.get_scale() == 512.0
    assert wrapper.loss_scaler._get_growth_tracker() == 0
    # second pass not run after a first-pass overflow
    assert model.calls == (1 if poisoned_pass == 1 else 2)
    # g for DSMScalingHook: None (keep the old one) or the finite pass-1 norm
    if poisoned_pass == 1:
        assert wrapper.last_grad_norm is None
    else:
        assert math.isfinite(float(wrapper.last_grad_norm))
    assert math.isfinite(float(log['loss'].detach()))
    # the next, clean step updates the weights and grows the scale again
    model.poison = set()
    model.train_step(batch(1), wrapper)
    assert wrapper.last_step_skipped == 0
    assert not torch.equal(model.fc.weight, before['fc.weight'])
    assert wrapper.loss_scaler.get_scale() == 1024.0


def test_dsm_hook_keeps_finite_g_over_an_overflow():
    """DSMScalingHook reads last_grad_norm: after a first-pass overflow it
    keeps the previous g; after a second-pass overflow it takes pass 1's."""
    hook = DSMScalingHook(grad_source='weighted', share_interval=0)
    model = TinyConvNet(poison={3})  # first pass of the second step
    wrapper = _fp16(model)
    hook._sources = [wrapper]

    class Runner:
        from mmengine.logging import MessageHub
        message_hub = MessageHub.get_instance('amp_sam_dsm_test')

    g = []
    for step in range(3):
        model.train_step(batch(step), wrapper)
        measured = wrapper.last_grad_norm
        hook.after_train_iter(Runner, step)
        g.append(hook.grad_norm)
        if step == 1:
            assert measured is None and wrapper.last_step_skipped == 1
        else:
            assert hook.grad_norm == pytest.approx(float(measured))
    assert g[1] == g[0]  # kept over the skipped step
    assert all(math.isfinite(v) for v in g)


def test_state_dict_roundtrip_and_fp32_checkpoint():
    model = TinyConvNet()
    wrapper = _fp16(model, init_scale=256.0)
    train(model, wrapper, steps=1)
    state = wrapper.state_dict()
    assert state['loss_scaler']['scale'] == 512.0
    other = _fp16(TinyConvNet(), init_scale=8.0)
    other.load_state_dict(copy.deepcopy(state))
    assert other.loss_scaler.get_scale() == 512.0
    # a checkpoint of an fp32 SAM run resumes under --amp (fresh scaler)
    sam = SAMOptimWrapper(adamw(TinyConvNet().parameters()))
    fresh = _fp16(TinyConvNet(), init_scale=64.0)
    fresh.load_state_dict(sam.state_dict())
    assert fresh.loss_scaler.get_scale() == 64.0
