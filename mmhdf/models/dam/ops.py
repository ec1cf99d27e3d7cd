"""Matmul forms of the two single-channel-side convolutions used by DAM.

The DCT convolution (1 input channel, ``F`` outputs) and the attention
convolution (``F`` inputs, 1 output channel) are tiny, but oneDNN runs these
degenerate channel counts slowly on CPU (a 49->1 7x7 conv on 28x28 takes
~4 ms forward+backward on one core). Both are rewritten exactly as a matmul
plus one ``unfold`` / ``fold`` of a single-channel map, which is 3-6x faster
there. On other devices :func:`torch.nn.functional.conv2d` is used.
"""
import torch
import torch.nn.functional as F


def use_matmul(x: torch.Tensor, impl: str) -> bool:
    """Whether to take the matmul path for ``impl`` on ``x``'s device.

    Args:
        x (torch.Tensor): The input.
        impl (str): ``'auto'`` (matmul on CPU only), ``'matmul'`` or
            ``'conv'``.

    Returns:
        bool: True for the matmul path.
    """
    if impl == 'auto':
        return x.device.type == 'cpu'
    return impl == 'matmul'


def conv2d_one_to_many(x: torch.Tensor,
                       weight: torch.Tensor,
                       impl: str = 'auto') -> torch.Tensor:
    """``conv2d(x, weight, padding=k // 2)`` for a 1-channel input.

    Args:
        x (torch.Tensor): ``[N, 1, H, W]``.
        weight (torch.Tensor): ``[F, 1, k, k]``, ``k`` odd.
        impl (str): See :func:`use_matmul`. Defaults to ``'auto'``.

    Returns:
        torch.Tensor: ``[N, F, H, W]``.
    """
    k = int(weight.shape[-1])  # int() keeps jit tracing (FLOP counters) ok
    if not use_matmul(x, impl):
        return F.conv2d(x, weight, padding=k // 2)
    n, h, w = int(x.shape[0]), int(x.shape[2]), int(x.shape[3])
    cols = F.unfold(x, k, padding=k // 2)  # [N, k*k, H*W]
    return (weight.view(weight.size(0), k * k) @ cols).view(n, -1, h, w)


def conv2d_many_to_one(x: torch.Tensor,
                       weight: torch.Tensor,
                       impl: str = 'auto') -> torch.Tensor:
    """``conv2d(x, weight, padding=k // 2)`` for a 1-channel output.

    ``out[h, w] = sum_{i,j} Q[i, j, h + i - p, w + j - p]`` with
    ``Q = weight^T x`` (a per-pixel matmul over the input channels); the
    shifted sum is a ``fold`` with the tap order reversed.

    Args:
        x (torch.Tensor): ``[N, F, H, W]``.
        weight (torch.Tensor): ``[1, F, k, k]``, ``k`` odd.
        impl (str): See :func:`use_matmul`. Defaults to ``'auto'``.

    Returns:
        torch.Tensor: ``[N, 1, H, W]``.
    """
    k = int(weight.shape[-1])
    if not use_matmul(x, impl):
        return F.conv2d(x, weight, padding=k // 2)
    n, f = int(x.shape[0]), int(x.shape[1])
    h, w = int(x.shape[2]), int(x.shape[3])
    # [k*k, F] with the tap order reversed
    taps = weight.view(f, k * k).t().flip(0)
    # one [k*k, F] x [F, N*H*W] matmul (faster than a batched one)
    q = taps @ x.transpose(0, 1).reshape(f, n * h * w)
    return F.fold(
        q.view(k * k, n, h * w).transpose(0, 1), (h, w), k, padding=k // 2)
