"""Compatibility layer that makes mmaction2 1.2.0 usable on a current stack.

Applied once by ``import mmhdf`` (and therefore by
``custom_imports=dict(imports=['mmhdf'])`` in every mmhdf config):

* :mod:`.drn_stub` — the ``drn`` localizer missing from the mmaction2 wheel;
* :mod:`.checkpoint` / :mod:`.checkpoint_schemes` — weights-only checkpoint
  loading under torch >= 2.6, for every source mmengine accepts (local
  paths, ``http(s)://``, ``torchvision://``, ``open-mmlab://``, ...);
* :mod:`.plain_state` / :mod:`.plain_checkpoint_hook` — checkpoints written
  by mmhdf runs hold only tensors and plain types;
* :mod:`.safe_checkpoint_hook` — crash-safe saving (atomic files, old files
  deleted only after the new one is complete) and resume fallback;
* :mod:`.strict_load` — a checkpoint that does not match the model is
  refused instead of loaded partially with a warning;
* :mod:`.dist_cpu` — mmengine's distributed launch on CPU-only hosts (gloo).
"""
from .checkpoint import (UnsafeCheckpointError, is_trusted,
                         register_safe_loader, safe_torch_load,
                         trust_checkpoint)
from .checkpoint_integrity import CheckpointCorruptError, checkpoint_problem
from .dist_cpu import patch_cpu_distributed
from .drn_stub import install_drn_stub
from .plain_state import decode_plain_state, encode_plain_state

_applied = False


def apply_compat() -> None:
    """Apply every fix once (idempotent)."""
    global _applied
    if _applied:
        return
    install_drn_stub()
    register_safe_loader()
    patch_cpu_distributed()
    # register the hooks (selected by mmhdf's base runtime config only)
    from . import plain_checkpoint_hook  # noqa: F401
    from . import safe_checkpoint_hook  # noqa: F401
    from . import strict_load  # noqa: F401
    _applied = True


__all__ = [
    'apply_compat', 'install_drn_stub', 'patch_cpu_distributed', 'register_safe_loader',
    'safe_torch_load', 'trust_checkpoint', 'is_trusted',
    'UnsafeCheckpointError', 'CheckpointCorruptError', 'checkpoint_problem',
    'encode_plain_state', 'decode_plain_state'
]
