"""The explicit opt-in to mmhdf's changes of mmengine behaviour.

:func:`apply` installs named pieces once each (idempotent, in any order):

* ``'checkpoint'``: :func:`mmhdf.compat.checkpoint.register_safe_loader` —
  mmengine's ``CheckpointLoader`` gets weights-only loaders for every scheme
  (local paths and every remote source);
* ``'dist_cpu'``: :func:`mmhdf.compat.dist_cpu.patch_cpu_distributed` —
  gloo process group and ``device_ids=None`` DDP on CPU-only hosts (nothing
  changes where a GPU is present).

``import mmhdf`` does not call it. mmhdf's configs (``custom_imports`` of
:mod:`mmhdf.compat.enable` and :class:`~mmhdf.compat.MMHDFCompatHook`) and
mmhdf's tools do.
"""
from typing import Callable, Dict, FrozenSet, Set, Tuple

from .checkpoint import register_safe_loader
from .dist_cpu import patch_cpu_distributed


_INSTALLERS: Dict[str, Callable[[], None]] = {
    'checkpoint': register_safe_loader,
    'dist_cpu': patch_cpu_distributed,
}
#: Every piece :func:`apply` knows, in the order it installs them.
PIECES: Tuple[str, ...] = tuple(_INSTALLERS)
_applied: Set[str] = set()


def apply(*pieces: str) -> FrozenSet[str]:
    """Install mmhdf's compatibility pieces into mmengine (idempotent).

    Args:
        *pieces (str): Names from :data:`PIECES`; none means all of them.

    Returns:
        frozenset[str]: Every piece applied in this process so far.

    Raises:
        ValueError: If a name is not in :data:`PIECES`.

    Example:
        >>> import mmhdf.compat
        >>> sorted(mmhdf.compat.apply())
        ['checkpoint', 'dist_cpu']
    """
    unknown = [p for p in pieces if p not in _INSTALLERS]
    if unknown:
        raise ValueError(f'unknown mmhdf.compat piece(s) {unknown}; '
                         f'choose from {list(PIECES)}')
    for name in PIECES:
        if (not pieces or name in pieces) and name not in _applied:
            _INSTALLERS[name]()
            _applied.add(name)
    return frozenset(_applied)


def applied() -> FrozenSet[str]:
    """The pieces :func:`apply` installed in this process.

    Returns:
        frozenset[str]: Names from :data:`PIECES`.
    """
    return frozenset(_applied)
