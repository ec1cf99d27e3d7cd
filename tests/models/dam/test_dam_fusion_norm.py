"""DAM's gain-free fusion (``fusion_norm='mean'``) against the paper form."""
import pytest
import torch
import torch.nn as nn

from mmhdf.models.dam import DAM


def _randomise(module: nn.Module, scale: float = 0.3, seed: int = 0) -> None:
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.add_(torch.randn(p.shape, generator=gen) * scale)


def _pair(seed: int = 0, randomise: bool = False):
    """A paper-form DAM and a gain-free DAM with the same weights."""
    torch.manual_seed(seed)
    paper = DAM(8, freq_select='low')
    if randomise:
        _randomise(paper, seed=seed)
    free = DAM(8, freq_select='low', fusion_norm='mean')
    free.load_state_dict(paper.state_dict())
    return paper, free


def _scale(dam: DAM, x: torch.Tensor) -> torch.Tensor:
    """The multiplicative scale DAM applies, ``out / x``: [N, C, T, H, W]."""
    with torch.no_grad():
        return dam(x) / x


@pytest.mark.parametrize('randomise', [False, True])
def test_unit_gain_per_sample(randomise):
    paper, free = _pair(randomise=randomise)
    x = torch.rand(3, 6, 8, 8, 8) + 0.5  # away from 0: out / x is defined
    mean_free = _scale(free, x).mean(dim=(2, 3, 4))  # [N, C]
    torch.testing.assert_close(mean_free, torch.ones_like(mean_free),
                               rtol=0, atol=1e-5)
    # the paper form applies a global gain < 1 (0.78-0.82 at init)
    mean_paper = _scale(paper, x).mean(dim=(2, 3, 4))
    assert (mean_paper - 1).abs().min() > 0.05


def test_global_gain_direction_gets_no_gradient():
    x = torch.randn(4, 6, 8, 8, 8)
    target = torch.randn(4, 6, 8, 8, 8)
    grads = {}
    for name, dam in zip(('paper', 'free'), _pair(randomise=True)):
        loss = ((dam(x) - target)**2).mean()
        loss.backward()
        w_t, w_f = dam.temporal_weight, dam.frequency_weight
        # d/dc L(c * w_t, c * w_f) at c = 1
        grads[name] = float((w_t * w_t.grad + w_f * w_f.grad).detach())
        norm = float(torch.stack([w_t.grad, w_f.grad]).norm().detach())
        grads[name + '_norm'] = norm
    assert abs(grads['free']) < 1e-5 * max(grads['free_norm'], 1e-3)
    assert abs(grads['paper']) > 1e-3  # the paper form does get one
    assert grads['free_norm'] > 1e-4  # ... the ratio w_t : w_f still learns


def test_common_rescaling_of_fusion_weights_is_a_no_op():
    _, free = _pair(randomise=True)
    x = torch.randn(2, 6, 8, 8, 8)
    with torch.no_grad():
        before = free(x)
        free.temporal_weight.mul_(3.0)
        free.frequency_weight.mul_(3.0)
        after = free(x)
    torch.testing.assert_close(after, before, rtol=1e-5, atol=1e-6)


def test_none_reproduces_the_paper_form_exactly():
    torch.manual_seed(1)
    default = DAM(8)
    _randomise(default, seed=1)
    explicit = DAM(8, fusion_norm='none')
    explicit.load_state_dict(default.state_dict())
    x = torch.randn(2, 5, 8, 7, 7)
    with torch.no_grad():
        out, maps = default.forward_with_maps(x)
        n, _, t, h, w = x.shape
        scale = (default.temporal_weight *
                 (1 + maps['temporal_gate']).view(n, 1, t, 1, 1) +
                 default.frequency_weight *
                 (1 + maps['freq_attn']).view(n, 1, 1, h, w))
        assert torch.equal(out, x * (scale / 2))
        assert torch.equal(explicit(x), out)


def test_batch_constant_gain_is_absorbed_by_a_following_bn():
    """Where the per-sample mean scale is the same for every sample (here:
    one clip repeated), conv + train-mode BN after DAM gives the same output
    for both forms; with distinct samples it does not (the per-sample
    normalisation is not a no-op under BN)."""
    paper, free = _pair(randomise=True)
    conv = nn.Conv3d(6, 4, 3, padding=1, bias=False)
    bn = nn.BatchNorm3d(4).train()
    clip = torch.randn(1, 6, 8, 8, 8)
    with torch.no_grad():
        same = clip.repeat(3, 1, 1, 1, 1)
        torch.testing.assert_close(
            bn(conv(free(same))), bn(conv(paper(same))), rtol=0, atol=1e-4)
        distinct = torch.randn(3, 6, 8, 8, 8) * torch.tensor(
            [0.2, 1.0, 5.0]).view(3, 1, 1, 1, 1)
        diff = (bn(conv(free(distinct))) - bn(conv(paper(distinct)))).abs()
    assert diff.max() > 1e-3


def test_invalid_fusion_norm():
    with pytest.raises(ValueError, match="fusion_norm must be one of"):
        DAM(8, fusion_norm='batch')
