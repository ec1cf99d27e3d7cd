"""A hook that applies :func:`mmhdf.compat.apply` when the Runner is built."""
from typing import Optional, Sequence

from mmengine.hooks import Hook
from mmaction.registry import HOOKS

from .opt_in import apply


@HOOKS.register_module()
class MMHDFCompatHook(Hook):
    """Apply mmhdf's compatibility pieces for a Runner built from a config.

    mmhdf's base runtime config selects it as ``default_hooks.compat``. The
    pieces are applied when the hook is built, i.e. while the Runner is
    constructed from the config and before anything loads a checkpoint
    (``load_from``, ``--resume``, ``Runner.load_checkpoint``, pretrained
    weights in ``init_weights``). It covers a Runner built from an mmhdf
    config dict whose ``custom_imports`` were not imported; a config loaded
    with ``Config.fromfile`` has applied them already through
    :mod:`mmhdf.compat.enable` (which also covers the process group and DDP
    wrapper, built before any hook).

    Args:
        pieces (Sequence[str], optional): Names from
            :data:`mmhdf.compat.PIECES`; None (default) means all.
    """

    priority = 'VERY_HIGH'

    def __init__(self, pieces: Optional[Sequence[str]] = None) -> None:
        self.pieces = tuple(pieces or ())
        self.active = apply(*self.pieces)

    def before_run(self, runner) -> None:
        """Re-apply (a no-op when applied) before the run loads weights.

        Args:
            runner: The mmengine runner.
        """
        self.active = apply(*self.pieces)
