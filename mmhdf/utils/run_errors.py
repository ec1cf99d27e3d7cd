"""What mmhdf's train / test tools treat as a refusal, and the load policy.

A refusal is an expected, explained stop (not a bug): the tools print
``error: <Kind>: <message>`` and exit with status 1 instead of a traceback.
"""
from typing import Any, Optional

from mmhdf.compat import CheckpointCorruptError, UnsafeCheckpointError
from mmhdf.compat.strict_load import (CheckpointMismatchError, LoadReport,
                                      StrictLoadHook)
from mmhdf.utils.workdir_lock import WorkDirLockedError

#: Errors the tools report as ``error: <Kind>: <message>``.
REFUSALS = (UnsafeCheckpointError, CheckpointCorruptError,
            CheckpointMismatchError, WorkDirLockedError)


def set_allow_partial(cfg: Any, allow: bool) -> None:
    """Select the strict-load check in ``cfg`` (``--allow-partial``).

    Adds ``default_hooks.strict_load`` when the config lacks it (e.g. a
    config not based on mmhdf's runtime), so the tools always check.

    Args:
        cfg: The config.
        allow (bool): Whether a mismatching checkpoint may load partially.
    """
    if cfg.get('default_hooks') is None:
        cfg.default_hooks = dict()
    hook = cfg.default_hooks.get('strict_load') or dict(type='StrictLoadHook')
    hook['allow_partial'] = bool(allow)
    cfg.default_hooks['strict_load'] = hook


def load_report(runner: Any) -> Optional[LoadReport]:
    """The runner's last checkpoint comparison, if a StrictLoadHook ran.

    Args:
        runner: The mmengine runner.

    Returns:
        LoadReport or None.
    """
    for hook in getattr(runner, 'hooks', []):
        if isinstance(hook, StrictLoadHook):
            return hook.last_report
    return None
