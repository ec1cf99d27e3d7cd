# Copyright (c) mmhdf contributors. All rights reserved.
"""Which optimizer wrapper ``--amp`` selects for a config's wrapper."""
from typing import Dict

#: config wrapper type -> its mixed-precision counterpart. mmengine's
#: AmpOptimWrapper needs CUDA; AmpSAMOptimWrapper also runs on CPU (bf16).
#: GradNormOptimWrapper's record of g is done by DSMScalingHook's step
#: pre-hook under AmpOptimWrapper (it sees the unscaled gradients, and only
#: for steps that are not skipped).
AMP_WRAPPERS: Dict[str, str] = {
    'OptimWrapper': 'AmpOptimWrapper',
    'AmpOptimWrapper': 'AmpOptimWrapper',
    'GradNormOptimWrapper': 'AmpOptimWrapper',
    'SAMOptimWrapper': 'AmpSAMOptimWrapper',
    'AmpSAMOptimWrapper': 'AmpSAMOptimWrapper',
}


def amp_optim_wrapper(optim_wrapper: dict, config: str = '<config>') -> dict:
    """The ``optim_wrapper`` config of an ``--amp`` run.

    The wrapper type is replaced per :data:`AMP_WRAPPERS` (every other key
    kept) and ``loss_scale`` defaults to ``'dynamic'``, as mmaction2's
    ``tools/train.py --amp`` does for ``OptimWrapper``.

    Args:
        optim_wrapper (dict): The config's ``optim_wrapper`` (a Config
            dict; changed in place and returned).
        config (str): Config path, for the error message.

    Returns:
        dict: ``optim_wrapper``.

    Raises:
        ValueError: For a wrapper type without a mixed-precision form.
    """
    wrapper = optim_wrapper.get('type', 'OptimWrapper')
    if wrapper not in AMP_WRAPPERS:
        raise ValueError(
            f'{config}: --amp is not supported with optim_wrapper type '
            f'{wrapper!r} (supported: {", ".join(sorted(AMP_WRAPPERS))})')
    optim_wrapper['type'] = AMP_WRAPPERS[wrapper]
    optim_wrapper.setdefault('loss_scale', 'dynamic')
    return optim_wrapper
