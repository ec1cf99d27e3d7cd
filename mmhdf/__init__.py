"""mmhdf: HDF (Heterogeneity-aware Distributional Framework) on mmaction2.

``import mmhdf`` installs the one fix mmaction2 1.2.0 cannot be imported
without (the missing ``drn`` localizer, :mod:`mmhdf.compat.drn_stub`), then
registers every mmhdf module (necks, backbones, heads, losses, hooks,
optimizer wrappers, datasets, transforms, metrics) into mmaction2's own
registries under mmhdf's own names, so configs name them without a scope
prefix. It changes no mmengine / mmaction2 behaviour: the weights-only
checkpoint loaders and the CPU distributed launch are the explicit opt-in
:func:`mmhdf.compat.apply`, which mmhdf's configs and tools select.
"""
from . import compat  # noqa: F401  (drn stub first)
from . import datasets, engine, evaluation, models  # noqa: E402,F401
from .version import __version__  # noqa: E402

__all__ = ['__version__']
