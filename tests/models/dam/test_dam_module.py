"""DAM: shapes, parameters, equivalence to the reference, errors, modes."""
import pytest
import torch

from mmhdf.models.dam import (DAM, FrequencyDistributionalAttention,
                              TemporalDistributionalAttention, zigzag_order)
from mmhdf.testing.reference_dam import ReferenceDAM


def _randomise(module, scale=0.3, seed=0):
    """Move every parameter away from its (often symmetric) init."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.add_(torch.randn(p.shape, generator=gen, dtype=p.dtype) * scale)


def _num_params(module):
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize('shape', [(2, 24, 8, 16, 16), (1, 5, 4, 3, 6),
                                   (2, 3, 8, 9, 7)])
def test_shape_preserved(shape):
    dam = DAM(shape[2])
    x = torch.randn(shape)
    assert dam(x).shape == x.shape


def test_param_count_matches_spec():
    # docs/method.md §2.5: 4,237 per DAM at T = 16, independent of C
    assert _num_params(DAM(16)) == 4237
    t, k, f = 8, 4, 10
    expected = (2 + 2 * t * k + t * t + 3 *
                (k * k + k)) + (5 * f + 3 + f * 49) + 2
    assert _num_params(DAM(t, num_bins=k, freq_select='low')) == expected


def test_param_count_independent_of_channels():
    dam = DAM(16)
    for c in (3, 24, 192):
        assert dam(torch.randn(1, c, 16, 8, 8)).shape[1] == c
    assert _num_params(dam) == 4237


def test_initial_values():
    dam = DAM(8)
    t, f = dam.temporal, dam.frequency
    assert dam.temporal_weight.item() == pytest.approx(0.8)
    assert dam.frequency_weight.item() == pytest.approx(0.3)
    assert t.avg_weight.item() == t.max_weight.item() == 0.5
    assert torch.equal(t.fused_gate, torch.ones(8, 8))
    assert torch.equal(t.dispersion_gate, torch.zeros(8, 8))
    assert t.time_linear.bias is None and t.query.bias is not None
    assert torch.equal(f.noise_scale, torch.ones(49))
    assert torch.equal(f.dispersion_scale, torch.zeros(49))
    assert f.clean_weight.item() == f.perturbed_weight.item() == 0.5
    assert f.dyt_alpha.item() == 0.5
    assert torch.equal(f.dyt_gamma, torch.ones(49))
    assert torch.equal(f.dyt_beta, torch.zeros(49))
    assert f.attn_conv.weight.shape == (1, 49, 7, 7)
    assert f.attn_conv.bias is None
    # noise ~ N(0, 0.1^2)
    torch.manual_seed(0)
    noise = torch.cat(
        [FrequencyDistributionalAttention().noise for _ in range(20)])
    assert 0.07 < noise.std().item() < 0.13


def test_dct_bank_is_a_non_persistent_buffer():
    dam = DAM(4)
    names = dict(dam.named_buffers())
    assert 'frequency.dct_bank' in names
    assert names['frequency.dct_bank'].shape == (49, 1, 7, 7)
    assert 'frequency.dct_bank' not in dam.state_dict()
    assert 'dct_bank' not in dict(dam.named_parameters())
    dam = dam.double()
    assert dam.frequency.dct_bank.dtype == torch.float64


@pytest.mark.parametrize(
    'kwargs, ref_kwargs, shape',
    [
        (dict(), dict(), (2, 24, 16, 16, 16)),  # C not divisible by K
        (dict(diff_axis='channel'), dict(diff_axis='channel'),
         (2, 12, 8, 9, 11)),
        (dict(num_bins=3), dict(num_bins=3), (1, 10, 6, 8, 8)),
        (dict(freq_select='low16'), dict(freq_pairs=zigzag_order()[:16]),
         (2, 8, 8, 5, 5)),
        (dict(conv_impl='conv'), dict(), (1, 6, 8, 8, 8)),
    ])
def test_equivalence_to_reference(kwargs, ref_kwargs, shape):
    torch.manual_seed(0)
    dam = DAM(shape[2], **kwargs)
    _randomise(dam)
    ref = ReferenceDAM(shape[2], **ref_kwargs)
    ref.load_state_dict(dam.state_dict())  # strict: same parameter names

    x = torch.randn(shape, requires_grad=True)
    out, maps = dam.forward_with_maps(x)
    ref_out, ref_maps = ref.forward_with_maps(x)
    assert (out - ref_out).abs().max() <= 1e-5
    for key in ('temporal_gate', 'freq_attn'):
        assert maps[key].shape == ref_maps[key].shape
        assert (maps[key] - ref_maps[key]).abs().max() <= 1e-5

    grad = torch.randn_like(out)
    params = list(dam.parameters())
    ref_params = [
        dict(ref.named_parameters())[n] for n, _ in dam.named_parameters()
    ]
    grads = torch.autograd.grad(out, [x] + params, grad)
    ref_grads = torch.autograd.grad(ref_out, [x] + ref_params, grad)
    for g, rg in zip(grads, ref_grads):
        assert (g - rg).abs().max() <= 1e-5 * max(1.0, rg.abs().max())


def test_equivalence_to_reference_float64_tight():
    torch.manual_seed(1)
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # bank built in float64 too
    try:
        dam = DAM(8)
        ref = ReferenceDAM(8)
    finally:
        torch.set_default_dtype(default)
    assert dam.frequency.dct_bank.dtype == torch.float64
    _randomise(dam)
    ref.load_state_dict(dam.state_dict())
    x = torch.randn(2, 16, 8, 12, 12, dtype=torch.float64)
    assert (dam(x) - ref(x)).abs().max() <= 1e-12


def test_gradients_reach_every_parameter():
    torch.manual_seed(0)
    dam = DAM(8)
    x = torch.randn(2, 16, 8, 12, 12)
    (dam(x) * torch.randn(2, 16, 8, 12, 12)).sum().backward()
    names = [n for n, _ in dam.named_parameters()]
    assert len(names) == 22
    for name, p in dam.named_parameters():
        assert p.grad is not None, name
        assert p.grad.abs().sum() > 0, name


@pytest.mark.parametrize('fill', ['zeros', 'constant_map', 'one_pixel'])
def test_finite_gradients_on_degenerate_inputs(fill):
    """Dead (all-zero) features, spatially constant maps, 1x1 maps."""
    torch.manual_seed(0)
    dam = DAM(4)
    if fill == 'zeros':
        x = torch.zeros(2, 8, 4, 6, 6)
    elif fill == 'constant_map':
        x = torch.randn(2, 8, 4, 1, 1).expand(2, 8, 4, 6, 6).contiguous()
    else:
        x = torch.randn(2, 8, 4, 1, 1)
    x.requires_grad_()
    out = dam(x)
    out.sum().backward()
    assert torch.isfinite(out).all()
    assert torch.isfinite(x.grad).all()
    for name, p in dam.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name


def test_hand_checked_output():
    """Constant gates: out = x * (w_t (1 + g) + w_f (1 + a)) / 2."""
    dam = DAM(4)
    with torch.no_grad():
        # V = value bias everywhere -> g = sigmoid(mean(bias)) = sigmoid(1)
        dam.temporal.value.weight.zero_()
        dam.temporal.value.bias.fill_(1.0)
        # zero attention conv -> m = 0 -> a = 0.5
        dam.frequency.attn_conv.weight.zero_()
    x = torch.randn(2, 3, 4, 5, 5)
    out, maps = dam.forward_with_maps(x)
    g = torch.sigmoid(torch.tensor(1.0))
    assert torch.allclose(maps['temporal_gate'], g.expand(2, 4))
    assert torch.allclose(maps['freq_attn'], torch.full((2, 5, 5), 0.5))
    assert torch.allclose(out, x * (0.8 * (1 + g) + 0.3 * 1.5) / 2)


def test_difference_term_axes():
    a = torch.tensor([[[1., 2., 4.], [0., 5., 5.]]])  # [N=1, T=2, K=3]
    time = TemporalDistributionalAttention(2, num_bins=3)
    chan = TemporalDistributionalAttention(2, num_bins=3, diff_axis='channel')
    # paper: |A_t - A_{t-1}|, zero at t = 0
    assert torch.equal(
        time.difference(a), torch.tensor([[[0., 0., 0.], [1., 3., 1.]]]))
    # released code: along the channel-group axis, zero at k = 0
    assert torch.equal(
        chan.difference(a), torch.tensor([[[0., 1., 2.], [0., 5., 0.]]]))


def test_pooling_hand_checked():
    x = torch.zeros(1, 4, 2, 2, 2)  # C = 4, T = 2, K = 2 bins of 2 channels
    x[0, 0, 0] = torch.tensor([[1., 2.], [3., 6.]])  # mean 3, max 6
    x[0, 3, 1] = -4.0
    avg, mx = TemporalDistributionalAttention(2).pool(x)
    assert torch.equal(avg, torch.tensor([[[1.5, 0.], [0., -2.]]]))
    assert torch.equal(mx, torch.tensor([[[6., 0.], [0., 0.]]]))


def test_t_mismatch_error():
    dam = DAM(16)
    with pytest.raises(
            ValueError, match=r'built for T=16 .* got an input '
            r'with T=8'):
        dam(torch.randn(1, 4, 8, 8, 8))
    with pytest.raises(ValueError, match=r'\[N, C, T, H, W\]'):
        dam(torch.randn(4, 16, 8, 8))


@pytest.mark.parametrize('kwargs, match', [
    (dict(diff_axis='space'), 'diff_axis'),
    (dict(conv_impl='fft'), 'conv_impl'),
    (dict(freq_select=[(0, 0)]), 'at least 2'),
    (dict(num_bins=0), 'num_bins'),
])
def test_invalid_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        DAM(4, **kwargs)


def test_train_and_eval_modes_and_determinism():
    torch.manual_seed(0)
    dam = DAM(8)
    x = torch.randn(2, 6, 8, 10, 10)
    dam.train()
    out_train = dam(x)
    dam.eval()
    assert not dam.training and not dam.temporal.training
    with torch.no_grad():
        out_a, out_b = dam(x), dam(x)
    assert torch.equal(out_a, out_b)
    # DAM has no dropout / batch statistics: same function in both modes
    assert torch.allclose(out_train, out_a, atol=1e-6)


def test_keep_maps():
    dam = DAM(4)
    x = torch.randn(2, 3, 4, 6, 5)
    dam(x)
    assert dam.last_maps is None  # off by default
    dam.keep_maps = True
    out = dam(x)
    maps = dam.last_maps
    assert maps['temporal_gate'].shape == (2, 4)
    assert maps['freq_attn'].shape == (2, 6, 5)
    assert not maps['temporal_gate'].requires_grad
    assert ((maps['freq_attn'] > 0) & (maps['freq_attn'] < 1)).all()
    _, ref_maps = dam.forward_with_maps(x)
    assert torch.equal(ref_maps['temporal_gate'], maps['temporal_gate'])
    assert out.shape == x.shape


def test_init_output_ratio():
    # docs/method.md §2.4: output / input ~ 0.82 on random input at init
    torch.manual_seed(0)
    dam = DAM(16)
    x = torch.randn(2, 24, 16, 14, 14)
    with torch.no_grad():
        ratio = (dam(x) / x).mean().item()
    assert 0.75 < ratio < 0.9
