"""Provide ``mmaction.models.localizers.drn`` when the mmaction2 wheel lacks it.

The mmaction2 1.2.0 wheel on PyPI omits ``mmaction/models/localizers/drn``
(the folder has no ``__init__.py``, so packaging drops it), yet
``mmaction/models/localizers/__init__.py`` imports ``from .drn.drn import DRN``.
``import mmaction.models`` then raises ``ModuleNotFoundError`` (mmaction2#2714).

:func:`install_drn_stub` inserts two stub modules into ``sys.modules`` *only
when the real package is missing*, before anything imports
``mmaction.models``. A source install of mmaction2 that has the real package
is left untouched.
"""
import importlib.util
import os
import sys
import types

DRN_MODULE = 'mmaction.models.localizers.drn'


class _MissingDRN:
    """Placeholder for mmaction2's DRN localizer, absent from the wheel."""

    def __init__(self, *args, **kwargs) -> None:
        raise ImportError(
            'mmaction2\'s DRN localizer is not shipped in the mmaction2 1.2.0 '
            'wheel (mmaction2#2714); mmhdf installed a placeholder so that '
            '`import mmaction.models` works. Install mmaction2 from source to '
            'use DRN.')


def drn_is_missing() -> bool:
    """Whether the installed mmaction2 lacks the ``drn`` localizer package.

    Returns:
        bool: True when ``mmaction.models.localizers.drn`` cannot be found.
    """
    if DRN_MODULE in sys.modules:
        return False
    # ``find_spec`` on the dotted name would import mmaction.models (and fail
    # on the very bug we work around), so look at the files instead.
    spec = importlib.util.find_spec('mmaction')
    if spec is None or not spec.submodule_search_locations:
        return False
    for root in spec.submodule_search_locations:
        if os.path.exists(
                os.path.join(root, 'models', 'localizers', 'drn', 'drn.py')):
            return False
    return True


def install_drn_stub() -> bool:
    """Insert stub ``drn`` modules when (and only when) they are missing.

    Returns:
        bool: True if the stub was installed, False if nothing was needed.
    """
    if not drn_is_missing():
        return False
    pkg = types.ModuleType(DRN_MODULE)
    pkg.__path__ = []  # mark as a package
    pkg.__doc__ = 'mmhdf placeholder: the mmaction2 wheel lacks this package.'
    mod = types.ModuleType(DRN_MODULE + '.drn')
    mod.DRN = _MissingDRN
    pkg.drn = mod
    sys.modules[DRN_MODULE] = pkg
    sys.modules[DRN_MODULE + '.drn'] = mod
    return True
