# Copyright (c) mmhdf contributors. All rights reserved.
"""HDF's gradient-driven loss scaling (DSM), as a pure function."""
import math
from typing import Tuple


def grad_scaled_weights(grad_norm: float, alpha: float = 10.0,
                        beta: float = 0.1) -> Tuple[float, float]:
    """Loss weights from the global gradient norm.

    ``λ_CE = α · g / (g + 1)`` and ``λ_SC = β / (g + 1)``: a large gradient
    norm (unstable regime) shifts weight to cross-entropy, a small one to the
    contrastive/IB term. ``λ_CE ∈ [0, α)``, ``λ_SC ∈ (0, β]``.

    Args:
        grad_norm (float): ``g ≥ 0``, the global L2 norm of the gradient of
            the total training loss (a plain number, i.e. detached).
        alpha (float): Maximum CE weight α. Defaults to 10.
        beta (float): Maximum SC weight β. Defaults to 0.1.

    Returns:
        tuple[float, float]: ``(λ_CE, λ_SC)``.
    """
    g = float(grad_norm)
    if not math.isfinite(g) or g < 0:
        raise ValueError(f'grad_norm must be finite and >= 0, got {g}')
    return alpha * g / (g + 1.0), beta / (g + 1.0)
