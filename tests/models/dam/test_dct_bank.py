"""DCT bank and the matmul forms of DAM's convolutions."""
import math

import pytest
import torch
import torch.nn.functional as F

from mmhdf.models.dam import (dct_basis_1d, dct_filter_bank,
                              select_frequencies, zigzag_order)
from mmhdf.models.dam.ops import conv2d_many_to_one, conv2d_one_to_many
from mmhdf.testing.reference_dam import reference_dct_bank


def test_bank_orthonormal():
    bank = dct_filter_bank('all', dtype=torch.float64).view(49, 49)
    assert torch.allclose(
        bank @ bank.t(), torch.eye(49, dtype=torch.float64), atol=1e-12)
    assert torch.allclose(
        bank.t() @ bank, torch.eye(49, dtype=torch.float64), atol=1e-12)
    basis = dct_basis_1d(7)
    assert torch.allclose(
        basis @ basis.t(), torch.eye(7, dtype=torch.float64), atol=1e-12)


def test_bank_matches_cosine_formula_and_released_order():
    bank = dct_filter_bank('all', dtype=torch.float64)
    pairs = [(k % 7, k // 7) for k in range(49)]
    assert torch.allclose(bank, reference_dct_bank(pairs), atol=1e-12)
    # k = 0 is DC: every entry 1/7
    assert torch.allclose(bank[0],
                          torch.full((7, 7), 1 / 7, dtype=torch.float64))
    # k = 1 is (u, v) = (1, 0): varies with the row index, constant along a
    # row; its first row is c(1) c(0) cos(pi / 14)
    assert torch.allclose(bank[1], bank[1][:, :1].expand(7, 7))
    assert bank[1][0, 0].item() == pytest.approx(
        math.sqrt(2 / 7) * math.sqrt(1 / 7) * math.cos(math.pi / 14))
    # k = 7 is (0, 1): the transpose of k = 1
    assert torch.allclose(bank[7], bank[1].t())


def test_bank_is_float32_by_default_and_subsets_are_rows_of_full():
    full = dct_filter_bank('all')
    assert full.dtype == torch.float32 and full.shape == (49, 7, 7)
    low = dct_filter_bank([(0, 0), (2, 3)])
    assert torch.equal(low[0], full[0]) and torch.equal(
        low[1], full[3 * 7 + 2])


def test_select_frequencies():
    assert select_frequencies('all')[:3] == [(0, 0), (1, 0), (2, 0)]
    assert len(select_frequencies('all')) == 49
    low = select_frequencies('low')
    assert len(low) == 10 and all(u + v <= 3 for u, v in low)
    assert select_frequencies('low3') == [(0, 0), (0, 1), (1, 0)]
    assert select_frequencies('low16') == zigzag_order(7)[:16]
    assert zigzag_order(7)[-1] == (6, 6)
    assert select_frequencies([(1, 2), [3, 4]]) == [(1, 2), (3, 4)]


@pytest.mark.parametrize('bad, match', [
    ('high', 'freq_select must be'),
    ('low0', 'N must be in'),
    ('low50', 'N must be in'),
    ([], 'empty'),
    ([(7, 0)], 'not a \\(u, v\\) pair'),
    ([(1, 1), (1, 1)], 'duplicate'),
])
def test_select_frequencies_errors(bad, match):
    with pytest.raises(ValueError, match=match):
        select_frequencies(bad)


@pytest.mark.parametrize('h, w', [(16, 16), (4, 4), (5, 9)])
def test_matmul_convs_equal_conv2d(h, w):
    torch.manual_seed(0)
    x1 = torch.randn(2, 1, h, w, dtype=torch.float64)
    bank = torch.randn(5, 1, 7, 7, dtype=torch.float64)
    for impl in ('matmul', 'conv', 'auto'):
        assert torch.allclose(
            conv2d_one_to_many(x1, bank, impl),
            F.conv2d(x1, bank, padding=3),
            atol=1e-12)
    xf = torch.randn(2, 5, h, w, dtype=torch.float64)
    weight = torch.randn(1, 5, 7, 7, dtype=torch.float64)
    for k in (7, 3):
        wk = weight[..., :k, :k].contiguous()
        for impl in ('matmul', 'conv', 'auto'):
            assert torch.allclose(
                conv2d_many_to_one(xf, wk, impl),
                F.conv2d(xf, wk, padding=k // 2),
                atol=1e-12)
