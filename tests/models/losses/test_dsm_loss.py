"""DSMLoss: hand computations, edge cases, released-code variant."""
import math

import pytest
import torch

from mmaction.registry import MODELS
from mmhdf.models.losses import DSMLoss

TAU, ETA = 0.07, 0.2


def ref_paper(feats, labels, tau=TAU, eta=ETA, ib_weight=0.1):
    """Plain-Python transcription of the figure's formula (§4.1 + §4.4)."""
    z = []
    for f in feats:
        n = math.sqrt(sum(v * v for v in f))
        z.append([v / n for v in f])
    num = len(z)

    def cos(i, j):
        return sum(a * b for a, b in zip(z[i], z[j]))

    per_anchor = []
    for i in range(num):
        pos = [p for p in range(num) if p != i and labels[p] == labels[i]]
        if not pos:
            continue
        den = sum(
            math.exp(-(cos(i, a) - eta)**2 / (2 * eta**2)) *
            math.exp(cos(i, a) / tau) for a in range(num) if a != i)
        per_anchor.append(-sum(
            math.log(math.exp(cos(i, p) / tau) / den)
            for p in pos) / len(pos))
    con = sum(per_anchor) / len(per_anchor) if per_anchor else 0.0
    dim = len(z[0])
    mean = [sum(z[i][d] for i in range(num)) / num for d in range(dim)]
    ib = sum((z[i][d] - mean[d])**2 for i in range(num)
             for d in range(dim)) / num
    return con + ib_weight * ib, con, ib


FEATS4 = [[2.0, 0.0, 0.0], [0.6, 0.8, 0.1], [0.0, 3.0, 0.5],
          [-0.8, 0.6, 0.2]]


@pytest.mark.parametrize('labels', [[0, 0, 1, 1], [0, 0, 1, 2],
                                    [3, 3, 3, 3]])
def test_paper_matches_hand_computation(labels):
    feats = torch.tensor(FEATS4, dtype=torch.float64)
    loss = DSMLoss(temperature=TAU, eta=ETA, ib_weight=0.1)
    out = loss(feats, torch.tensor(labels))
    total, con, ib = ref_paper(FEATS4, labels)
    assert out['loss_dsm'].item() == pytest.approx(total, rel=1e-10)
    assert out['dsm_con'].item() == pytest.approx(con, rel=1e-10)
    assert out['dsm_ib'].item() == pytest.approx(ib, rel=1e-10)
    assert not out['dsm_con'].requires_grad
    assert not out['dsm_ib'].requires_grad


def test_hand_values_4_samples():
    # explicit numbers for labels [0, 0, 1, 1], to pin the formula down
    total, con, ib = ref_paper(FEATS4, [0, 0, 1, 1])
    out = DSMLoss()(torch.tensor(FEATS4, dtype=torch.float64),
                    torch.tensor([0, 0, 1, 1]))
    assert out['loss_dsm'].item() == pytest.approx(total, rel=1e-10)
    # trace of the covariance of unit vectors is 1 - ||mean||²
    zn = torch.nn.functional.normalize(
        torch.tensor(FEATS4, dtype=torch.float64), dim=1)
    assert ib == pytest.approx(1 - zn.mean(0).pow(2).sum().item())


def test_weights_are_detached():
    torch.manual_seed(0)
    feats = torch.randn(6, 5, dtype=torch.float64, requires_grad=True)
    labels = torch.tensor([0, 0, 1, 1, 2, 2])
    DSMLoss(ib_weight=0.0)(feats, labels)['loss_dsm'].backward()

    def torch_ref(f, detach):
        z = torch.nn.functional.normalize(f, dim=1)
        c = z @ z.t()
        w = torch.exp(-(c - ETA)**2 / (2 * ETA**2))
        if detach:
            w = w.detach()
        eye = torch.eye(6, dtype=torch.bool)
        e = (w * torch.exp(c / TAU)).masked_fill(eye, 0)
        logp = c / TAU - torch.log(e.sum(1, keepdim=True))
        pos = ((labels[:, None] == labels[None]) & ~eye).double()
        return (-(pos * logp).sum(1) / pos.sum(1)).mean()

    for detach in (True, False):
        f = feats.detach().clone().requires_grad_(True)
        torch_ref(f, detach).backward()
        close = torch.allclose(f.grad, feats.grad, atol=1e-10)
        assert close == detach


def test_batch_size_one():
    feats = torch.randn(1, 8, requires_grad=True)
    out = DSMLoss()(feats, torch.tensor([2]))
    assert out['loss_dsm'].item() == 0.0
    out['loss_dsm'].backward()
    assert torch.isfinite(feats.grad).all()
    assert feats.grad.abs().sum() == 0


def test_no_positive_pair():
    torch.manual_seed(0)
    feats = torch.randn(5, 8, requires_grad=True)
    out = DSMLoss(ib_weight=0.3)(feats, torch.arange(5))
    assert out['dsm_con'].item() == 0.0
    zn = torch.nn.functional.normalize(feats.detach(), dim=1)
    ib = (1 - zn.mean(0).pow(2).sum()).item()
    assert out['dsm_ib'].item() == pytest.approx(ib, rel=1e-5)
    assert out['loss_dsm'].item() == pytest.approx(0.3 * ib, rel=1e-5)
    out['loss_dsm'].backward()
    assert torch.isfinite(feats.grad).all()


def test_single_class_batch_finite_and_matches_reference():
    torch.manual_seed(1)
    feats = torch.randn(6, 4, dtype=torch.float64, requires_grad=True)
    labels = [1] * 6
    out = DSMLoss()(feats, torch.tensor(labels))
    assert out['loss_dsm'].item() == pytest.approx(
        ref_paper(feats.tolist(), labels)[0], rel=1e-10)
    out['loss_dsm'].backward()
    assert torch.isfinite(feats.grad).all()


def test_sensible_separated_classes_have_lower_loss():
    torch.manual_seed(0)
    labels = torch.arange(4).repeat_interleave(4)
    centres = torch.nn.functional.normalize(torch.randn(4, 32), dim=1)
    loss = DSMLoss(ib_weight=0.0)
    values = []
    for noise in (10.0, 1.0, 0.3):
        feats = centres[labels] + noise * torch.randn(16, 32) / 32**0.5
        values.append(loss(feats, labels)['dsm_con'].item())
    assert values[0] > values[1] > values[2]
    assert all(math.isfinite(v) for v in values)


def test_soft_labels_reduced_by_argmax_and_float32_stable():
    torch.manual_seed(0)
    feats = 100 * torch.randn(8, 16)  # large norms, float32
    hard = torch.tensor([0, 1, 0, 1, 2, 2, 3, 0])
    soft = torch.nn.functional.one_hot(hard, 4).float() * 0.9 + 0.025
    loss = DSMLoss()
    a, b = loss(feats, hard), loss(feats, soft)
    assert torch.isfinite(a['loss_dsm'])
    assert a['loss_dsm'].item() == pytest.approx(b['loss_dsm'].item())


def test_build_and_bad_args():
    loss = MODELS.build(dict(type='DSMLoss', temperature=0.1, eta=0.3,
                             ib_weight=0.5, variant='released'))
    assert (loss.temperature, loss.eta, loss.ib_weight, loss.variant) == \
        (0.1, 0.3, 0.5, 'released')
    with pytest.raises(ValueError):
        DSMLoss(variant='nope')
    with pytest.raises(ValueError):
        DSMLoss(temperature=0)
    with pytest.raises(ValueError):
        DSMLoss()(torch.randn(3, 4), torch.tensor([0, 1]))


# ---------------------------------------------------------------- released
def released_ref(feats, labels, tau=TAU, eta=ETA, beta=0.1):
    """Torch transcription of docs §4.2, steps 1-7 (mask supplied)."""
    z = torch.nn.functional.normalize(feats, dim=1)
    logits = z @ z.t() / tau
    logits = logits - logits.max(1, keepdim=True)[0].detach()
    omega = torch.exp(-0.5 * ((logits - eta) / eta)**2)
    omega = omega / omega.sum(1, keepdim=True)
    log_prob = logits - torch.log(torch.exp(logits).sum(1, keepdim=True))
    n = len(labels)
    mask = ((labels[:, None] == labels[None]) &
            ~torch.eye(n, dtype=torch.bool)).to(z.dtype)
    con = (-(mask * omega * log_prob).sum(1) / mask.sum(1)).mean()
    cov = torch.cov(z.t()) + 1e-6 * torch.eye(z.size(1), dtype=z.dtype)
    return con - beta * torch.trace(cov), con


def test_released_matches_transcription():
    feats = torch.tensor([[1.0, 0.0], [0.999, 0.04], [0.0, 1.0],
                          [0.03, 0.999]], dtype=torch.float64)
    labels = torch.tensor([0, 0, 1, 1])
    out = DSMLoss(variant='released', ib_weight=0.5)(feats, labels)
    total, con = released_ref(feats, labels, beta=0.5)
    assert con.item() > 1e-4  # nearly collinear positives: not inert
    assert out['loss_dsm'].item() == pytest.approx(total.item(), rel=1e-10)
    assert out['dsm_con'].item() == pytest.approx(con.item(), rel=1e-10)


def test_released_variant_is_inert():
    """Documented behaviour (§4.3): the row-normalised weight sits on the
    self pair, the contrastive part is exactly 0 and the loss reduces to
    -beta * tr Cov (which rewards spreading features out)."""
    torch.manual_seed(0)
    labels = torch.arange(4).repeat(8)  # 32 samples, 4 classes
    centres = torch.nn.functional.normalize(torch.randn(4, 64), dim=1)
    for noise in (10.0, 1.0):  # random, and clustered (pos. cos ~0.5)
        feats = (centres[labels] +
                 noise * torch.randn(32, 64) / 8).requires_grad_(True)
        out = DSMLoss(variant='released', ib_weight=0.5)(feats, labels)
        assert out['dsm_con'].item() == 0.0
        z = torch.nn.functional.normalize(feats, dim=1)
        ib = torch.trace(torch.cov(z.t())) + 1e-6 * 64
        assert out['loss_dsm'].item() == pytest.approx(
            -0.5 * ib.item(), rel=1e-5)
        # the gradient is that of -beta * tr Cov alone
        g_loss, = torch.autograd.grad(out['loss_dsm'], feats)
        g_ib, = torch.autograd.grad(-0.5 * ib, feats)
        assert torch.allclose(g_loss, g_ib, atol=1e-6)
        # while the paper form is a live contrastive loss on the same data
        assert DSMLoss()(feats, labels)['dsm_con'].item() > 0.5
