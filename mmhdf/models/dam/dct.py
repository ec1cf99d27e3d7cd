"""Analytic orthonormal 2-D DCT-II filter bank (the ``DCT7x7`` of HDF/FSTA).

HDF's frequency branch convolves the time-averaged feature map with the 49
fixed 7x7 orthonormal DCT-II bases. The released code imports them from a
hard-coded table that is missing from the HDF repository; the table equals
the analytic basis below (see ``docs/method.md`` §2.3), so it is generated
here instead.
"""
import math
import re
from typing import List, Optional, Sequence, Tuple, Union

import torch

FreqSelect = Union[str, Sequence[Tuple[int, int]]]


def dct_basis_1d(size: int) -> torch.Tensor:
    """Orthonormal 1-D DCT-II basis.

    Args:
        size (int): Length ``L`` of the signal.

    Returns:
        torch.Tensor: ``[L, L]`` float64 matrix ``D`` with
        ``D[p, x] = c(p) * cos((2x + 1) * p * pi / (2L))``,
        ``c(0) = sqrt(1/L)``, ``c(p > 0) = sqrt(2/L)``; ``D @ D.T = I``.
    """
    x = torch.arange(size, dtype=torch.float64)
    p = torch.arange(size, dtype=torch.float64)[:, None]
    basis = torch.cos((2 * x + 1) * p * math.pi / (2 * size))
    scale = torch.full((size, 1), math.sqrt(2.0 / size), dtype=torch.float64)
    scale[0] = math.sqrt(1.0 / size)
    return basis * scale


def zigzag_order(size: int = 7) -> List[Tuple[int, int]]:
    """All ``(u, v)`` frequency pairs sorted from low to high.

    Sorted by ``u + v`` (the anti-diagonal), then by ``u``; ``(0, 0)`` (DC)
    comes first.

    Args:
        size (int): Side length of the bank. Defaults to 7.

    Returns:
        list[tuple[int, int]]: ``size * size`` pairs.
    """
    pairs = [(u, v) for u in range(size) for v in range(size)]
    return sorted(pairs, key=lambda uv: (uv[0] + uv[1], uv[0]))


def select_frequencies(freq_select: FreqSelect,
                       size: int = 7) -> List[Tuple[int, int]]:
    """Resolve a frequency selection to an explicit list of ``(u, v)`` pairs.

    Args:
        freq_select (str | Sequence[tuple[int, int]]): One of

            - ``'all'``: every pair, in the released code's channel order
              ``k = v * size + u`` (``u = k mod size``, ``v = k // size``).
            - ``'low'``: the pairs with ``u + v < size // 2 + 1`` (10 pairs
              for ``size = 7``), in zig-zag order.
            - ``'lowN'`` (e.g. ``'low16'``): the first ``N`` pairs of the
              zig-zag order (:func:`zigzag_order`).
            - an explicit sequence of ``(u, v)`` pairs, ``0 <= u, v < size``,
              without duplicates.
        size (int): Side length of the bank. Defaults to 7.

    Returns:
        list[tuple[int, int]]: The selected ``(u, v)`` pairs, in bank order.
    """
    if isinstance(freq_select, str):
        if freq_select == 'all':
            return [(k % size, k // size) for k in range(size * size)]
        if freq_select == 'low':
            limit = size // 2 + 1
            return [uv for uv in zigzag_order(size) if sum(uv) < limit]
        match = re.fullmatch(r'low(\d+)', freq_select)
        if match:
            num = int(match.group(1))
            if not 1 <= num <= size * size:
                raise ValueError(f'freq_select={freq_select!r}: N must be in '
                                 f'[1, {size * size}]')
            return zigzag_order(size)[:num]
        raise ValueError(
            f"freq_select must be 'all', 'low', 'lowN' or a list of (u, v) "
            f'pairs, got {freq_select!r}')
    pairs = [tuple(int(i) for i in uv) for uv in freq_select]
    if len(pairs) == 0:
        raise ValueError('freq_select is an empty list')
    for uv in pairs:
        if len(uv) != 2 or not all(0 <= i < size for i in uv):
            raise ValueError(f'frequency pair {uv} is not a (u, v) pair with '
                             f'0 <= u, v < {size}')
    if len(set(pairs)) != len(pairs):
        raise ValueError(f'freq_select has duplicate pairs: {pairs}')
    return pairs


def dct_filter_bank(freq_select: FreqSelect = 'all',
                    size: int = 7,
                    dtype: Optional[torch.dtype] = None) -> torch.Tensor:
    """Build the fixed 2-D DCT-II filter bank.

    Filter ``(u, v)`` is the outer product of the 1-D bases::

        bank[(u, v)](x, y) = c(u) c(v) cos((2x + 1) u pi / 2S)
                                       cos((2y + 1) v pi / 2S)

    with ``x`` the row and ``y`` the column index. With ``freq_select='all'``
    the bank is ordered like the released ``DCT7x7`` (``u = k mod 7``,
    ``v = k // 7``; ``k = 0`` is DC, all entries ``1/7``). Every filter has
    unit Frobenius norm and the full bank is orthonormal.

    Args:
        freq_select (str | Sequence[tuple[int, int]]): Which frequencies to
            keep, see :func:`select_frequencies`. Defaults to ``'all'``.
        size (int): Filter side length ``S``. Defaults to 7.
        dtype (torch.dtype, optional): Output dtype. Defaults to
            ``torch.get_default_dtype()``.

    Returns:
        torch.Tensor: ``[F, S, S]`` bank, ``F`` = number of selected pairs.
    """
    basis = dct_basis_1d(size)
    pairs = select_frequencies(freq_select, size)
    bank = torch.stack([torch.outer(basis[u], basis[v]) for u, v in pairs])
    return bank.to(dtype or torch.get_default_dtype())
