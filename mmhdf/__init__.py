"""mmhdf: HDF (Heterogeneity-aware Distributional Framework) on mmaction2.

``import mmhdf`` first applies the compatibility fixes mmaction2 1.2.0 needs
on a current stack (:mod:`mmhdf.compat`), then registers every mmhdf module
(necks, backbones, heads, losses, hooks, optimizer wrappers, datasets,
transforms, metrics) into mmaction2's own registries, so configs name them
without a scope prefix.
"""
from .compat import apply_compat

apply_compat()

from . import datasets, engine, evaluation, models  # noqa: E402,F401
from .version import __version__  # noqa: E402

__all__ = ['__version__']
