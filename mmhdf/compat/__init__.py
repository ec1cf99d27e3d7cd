"""Compatibility layer that makes mmaction2 1.2.0 usable on a current stack.

``import mmhdf`` applies **one** fix automatically, because mmaction2 cannot
be imported without it:

* :mod:`.drn_stub` — the ``drn`` localizer missing from the mmaction2 wheel
  (installed only when the real package is absent).

Everything else that changes upstream (mmengine) behaviour is an explicit
opt-in, :func:`apply`, made of named pieces (:data:`PIECES`):

* ``'checkpoint'`` (:mod:`.checkpoint` / :mod:`.checkpoint_schemes`) —
  mmengine's checkpoint loaders for every source (local paths,
  ``http(s)://``, ``torchvision://``, ``open-mmlab://``, ...) load with
  ``torch.load(weights_only=True)``;
* ``'dist_cpu'`` (:mod:`.dist_cpu`) — mmengine's distributed launch and DDP
  wrapper work on CPU-only hosts (gloo); a no-op where a GPU is present.

Who applies them:

* mmhdf's configs: ``configs/_base_/default_runtime.py`` lists
  :mod:`mmhdf.compat.enable` in ``custom_imports``, so **any** tool that loads
  an mmhdf config (mmhdf's tools, mim, mmaction2's stock ``tools/test.py``)
  gets every piece when the config is loaded, before the Runner (and the
  process group / DDP wrapper) is built; its ``default_hooks.compat``
  (:class:`MMHDFCompatHook`) applies them again when a Runner is built from an
  mmhdf config dict that skipped ``custom_imports``;
* mmhdf's tools and APIs (``tools/train.py``, ``tools/test.py``,
  ``mmhdf.apis`` inference, ...) call :func:`apply` themselves.

A plain mmaction2 config with ``custom_imports=dict(imports=['mmhdf'])``
keeps mmengine's and mmaction2's behaviour: mmhdf only adds its own
registered names. The hooks selected by mmhdf's base runtime config
(:class:`SafeCheckpointHook`, :class:`PlainCheckpointHook`,
:class:`StrictLoadHook`) are registered on import and act only where a config
names them.
"""
from .drn_stub import install_drn_stub

# The only automatic fix: before anything below imports mmaction2.
install_drn_stub()

from .opt_in import PIECES, apply, applied  # noqa: E402
from .checkpoint import (UnsafeCheckpointError, is_trusted,  # noqa: E402
                         register_safe_loader, safe_torch_load,
                         trust_checkpoint)
from .checkpoint_integrity import (CheckpointCorruptError,  # noqa: E402
                                   checkpoint_problem)
from .dist_cpu import patch_cpu_distributed  # noqa: E402
from .plain_state import decode_plain_state, encode_plain_state  # noqa: E402
# register the hooks (selected by mmhdf's base runtime config only)
from . import plain_checkpoint_hook  # noqa: E402,F401
from . import safe_checkpoint_hook  # noqa: E402,F401
from . import strict_load  # noqa: E402,F401
from .compat_hook import MMHDFCompatHook  # noqa: E402

__all__ = [
    'PIECES', 'apply', 'applied', 'MMHDFCompatHook', 'install_drn_stub',
    'patch_cpu_distributed', 'register_safe_loader', 'safe_torch_load',
    'trust_checkpoint', 'is_trusted', 'UnsafeCheckpointError',
    'CheckpointCorruptError', 'checkpoint_problem', 'encode_plain_state',
    'decode_plain_state'
]
