"""HDF's gradient-driven scaling formula."""
import math

import pytest

from mmhdf.models.losses import grad_scaled_weights


@pytest.mark.parametrize('g', [0.0, 0.25, 1.0, 3.0, 99.0, 1e6])
def test_formula(g):
    lam_ce, lam_sc = grad_scaled_weights(g, alpha=10.0, beta=0.1)
    assert lam_ce == pytest.approx(10.0 * g / (g + 1.0))
    assert lam_sc == pytest.approx(0.1 / (g + 1.0))
    assert 0.0 <= lam_ce < 10.0 and 0.0 < lam_sc <= 0.1


def test_known_points_and_defaults():
    assert grad_scaled_weights(0.0) == (0.0, 0.1)
    assert grad_scaled_weights(1.0) == pytest.approx((5.0, 0.05))
    assert grad_scaled_weights(3.0, alpha=2.0, beta=4.0) == \
        pytest.approx((1.5, 1.0))
    # large g -> the released code's fixed weights (10, ~0)
    lam_ce, lam_sc = grad_scaled_weights(1e9)
    assert lam_ce == pytest.approx(10.0) and lam_sc < 1e-9
    # monotone: CE weight rises, SC weight falls with g
    a, b = grad_scaled_weights(0.5), grad_scaled_weights(2.0)
    assert a[0] < b[0] and a[1] > b[1]


@pytest.mark.parametrize('g', [-1.0, math.inf, math.nan])
def test_rejects_invalid(g):
    with pytest.raises(ValueError):
        grad_scaled_weights(g)
