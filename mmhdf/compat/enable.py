"""Importing this module applies every :mod:`mmhdf.compat` piece.

mmhdf's base runtime config selects it::

    custom_imports = dict(imports=['mmhdf', 'mmhdf.compat.enable'])

mmengine imports ``custom_imports`` when the config is loaded
(``Config.fromfile``), i.e. before any tool builds the Runner, the process
group and the DDP wrapper. So every tool run with an mmhdf config — mmhdf's
tools, ``mim train/test mmhdf``, mmaction2's stock ``tools/test.py`` — loads
checkpoints weights-only and launches on CPU hosts, while a plain mmaction2
config (even with ``custom_imports=['mmhdf']``) keeps upstream behaviour.
"""
from .opt_in import apply

apply()
