"""Hold an exclusive lock on the work dir while a training runs."""
from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmaction.registry import HOOKS

from mmhdf.utils.runner_state import is_training
from mmhdf.utils.workdir_lock import (describe_holder, lock_work_dir,
                                      unlock_work_dir)


@HOOKS.register_module()
class WorkDirLockHook(Hook):
    """Fail a second training on the same work dir before it touches it.

    In ``before_run`` (highest priority: before checkpoint hooks look at the
    folder and before ``--resume`` loads anything) the main process takes
    :class:`~mmhdf.utils.workdir_lock.WorkDirLock`; a live holder makes the
    run fail with :class:`~mmhdf.utils.workdir_lock.WorkDirLockedError`
    naming its pid and host. A lock left by a dead process is taken over
    with a warning; one this process still holds (an earlier run that
    raised) is reused. Testing / validation runs do not lock. mmhdf's base
    runtime config enables it as ``default_hooks.workdir_lock``.
    """

    priority = 'VERY_HIGH'

    def __init__(self) -> None:
        self._lock = None

    def before_run(self, runner) -> None:
        """Take the lock (main process, training only).

        Args:
            runner: The mmengine runner.
        """
        if not (is_main_process() and is_training(runner)):
            return
        self._lock, stale = lock_work_dir(runner.work_dir)
        if stale:
            runner.logger.warning(
                f'Took over the stale work-dir lock {self._lock.path} of '
                f'{describe_holder(stale)}, which is no longer running.')

    def after_run(self, runner) -> None:
        """Release the lock.

        Args:
            runner: The mmengine runner.
        """
        if self._lock is not None:
            unlock_work_dir(self._lock)
            self._lock = None
