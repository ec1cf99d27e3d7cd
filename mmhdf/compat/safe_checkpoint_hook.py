"""A CheckpointHook whose files survive a crash at any moment.

mmengine 0.10.7's ``CheckpointHook`` deletes the oldest kept checkpoint
(``max_keep_ckpts``) and the previous best file *before* writing the new
one, writes in place, and rewrites ``last_checkpoint`` in place. A job
killed while saving epoch N with ``max_keep_ckpts=1`` (every paper config)
leaves a truncated ``epoch_N.pth`` and a ``last_checkpoint`` naming the
deleted ``epoch_{N-1}.pth``: nothing is left to resume from.

:class:`SafeCheckpointHook` keeps mmengine's behaviour and file names but

* writes every checkpoint to a temporary file in the same folder, flushes,
  ``fsync``-s and atomically renames it (:mod:`mmhdf.compat.atomic_io`);
* updates ``last_checkpoint`` atomically, right after the rename;
* deletes the old periodic / best file only once the new one is complete;
* on ``--resume`` without a path, falls back to the newest complete
  checkpoint when ``last_checkpoint`` is missing, empty or names a missing
  or truncated file, and logs which one it took
  (:func:`mmhdf.compat.resume.resolve_auto_resume`); a truncated file given
  explicitly fails at once with :class:`CheckpointCorruptError` naming it.

mmhdf's base runtime config selects it as ``default_hooks.checkpoint``; it
accepts exactly ``CheckpointHook``'s arguments. Non-local back ends
(``backend_args`` / ``file_client_args``) keep mmengine's behaviour.
"""
import os
import os.path as osp
import re
import shutil
from typing import Any, List

from mmengine.dist import is_main_process
from mmengine.fileio import LocalBackend
from mmengine.hooks import CheckpointHook
from mmaction.registry import HOOKS

from mmhdf.utils.runner_state import is_training
from .atomic_io import TMP_SUFFIX, atomic_runner_save, atomic_write_text
from .checkpoint_integrity import (CheckpointCorruptError,
                                   checkpoint_problem, corrupt_message)
from .resume import LAST_CHECKPOINT, resolve_auto_resume

# atomic_io.temp_name: '.<final name>.<pid>.tmp'
_TEMP_NAME = re.compile(r'^\..+\.\d+' + re.escape(TMP_SUFFIX) + '$')


class _DeferredRemovals:
    """A file backend whose ``remove`` / ``rmtree`` only note the path."""

    def __init__(self, backend: Any, pending: List[str]) -> None:
        self._backend = backend
        self._pending = pending

    def remove(self, path: str) -> None:
        self._pending.append(path)

    def rmtree(self, path: str) -> None:
        self._pending.append(path)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._backend, name)


class _AtomicSaveRunner:
    """The runner, except that ``save_checkpoint`` commits atomically."""

    def __init__(self, runner: Any) -> None:
        self.wrapped_runner = runner

    def save_checkpoint(self, out_dir: str, filename: str, **kwargs) -> None:
        atomic_runner_save(self.wrapped_runner, out_dir, filename, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped_runner, name)


def _delete(path: str) -> None:
    if osp.isdir(path):
        shutil.rmtree(path)
    elif osp.exists(path):
        os.remove(path)


@HOOKS.register_module()
class SafeCheckpointHook(CheckpointHook):
    """``CheckpointHook`` with crash-safe saving and resume (see module).

    Takes the same arguments as :class:`mmengine.hooks.CheckpointHook`.
    """

    _atomic = False

    # ------------------------------------------------------------- resume
    def _save_folder(self, runner) -> str:
        """``out_dir`` as ``CheckpointHook.before_train`` will resolve it."""
        if self.out_dir is None or self.out_dir == runner.work_dir:
            return runner.work_dir
        return osp.join(str(self.out_dir),
                        osp.basename(runner.work_dir.rstrip(osp.sep)))

    def before_run(self, runner) -> None:
        """Choose / check the ``--resume`` checkpoint; drop stale temp files.

        Runs before ``Runner.load_or_resume``.

        Args:
            runner: The mmengine runner.

        Raises:
            CheckpointCorruptError: If an explicitly given resume file is
                truncated or corrupt.
        """
        if self.backend_args is not None or \
                self.file_client_args is not None or not is_training(runner):
            return
        folder = self._save_folder(runner)
        self._remove_stale_temp_files(runner, folder)
        if not getattr(runner, '_resume', False):
            return
        given = getattr(runner, '_load_from', None)
        if given is None:
            choice = resolve_auto_resume(
                runner.work_dir, [folder, runner.work_dir],
                self.filename_tmpl)
            if choice.path is None:
                runner.logger.warning(
                    f'--resume: {choice.reason}; training starts from '
                    'scratch.')
                return
            log = runner.logger.warning if choice.fallback else \
                runner.logger.info
            log(f'--resume: {choice.reason}; resuming from {choice.path}.')
            runner._load_from = choice.path
        elif '://' not in str(given):
            problem = checkpoint_problem(str(given), verify_crc=True)
            if problem is not None:
                raise CheckpointCorruptError(
                    '--resume: ' + corrupt_message(str(given), problem))

    def _remove_stale_temp_files(self, runner, folder: str) -> None:
        if not is_main_process() or not osp.isdir(folder):
            return
        for name in os.listdir(folder):
            if _TEMP_NAME.match(name):
                os.remove(osp.join(folder, name))
                runner.logger.warning(
                    f'Removed {name} in {folder}: an incomplete checkpoint '
                    'left by an interrupted save.')

    # --------------------------------------------------------------- save
    def before_train(self, runner) -> None:
        """Resolve the folder and back end (see ``CheckpointHook``)."""
        super().before_train(runner)
        self._atomic = isinstance(self.file_backend, LocalBackend)

    def _save_checkpoint_with_step(self, runner, step, meta) -> None:
        """Save periodic checkpoint ``step`` atomically, then prune.

        Args:
            runner: The mmengine runner (or the best-save wrapper).
            step (int): Epoch or iteration number of the file name.
            meta (dict): Checkpoint meta.
        """
        if not self._atomic:
            return super()._save_checkpoint_with_step(runner, step, meta)
        runner = getattr(runner, 'wrapped_runner', runner)
        outdated = None
        if self.max_keep_ckpts > 0 and not (
                self.keep_ckpt_ids and self.keep_ckpt_ids[-1] == step):
            if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                outdated = self.keep_ckpt_ids.popleft()
            self.keep_ckpt_ids.append(step)
            runner.message_hub.update_info('keep_ckpt_ids',
                                           list(self.keep_ckpt_ids))
        ckpt_filename = self.filename_tmpl.format(step)
        self.last_ckpt = osp.join(self.out_dir, ckpt_filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        atomic_runner_save(
            runner, self.out_dir, ckpt_filename,
            save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler,
            meta=meta, by_epoch=self.by_epoch, **self.args)
        if not is_main_process():
            return
        atomic_write_text(osp.join(runner.work_dir, LAST_CHECKPOINT),
                          self.last_ckpt)
        if outdated is not None and outdated != step:
            _delete(osp.join(self.out_dir, self.filename_tmpl.format(
                outdated)))

    def _save_best_checkpoint(self, runner, metrics) -> None:
        """mmengine's best-checkpoint logic, saving atomically and deleting
        the previous best file only after the new one is complete.

        Args:
            runner: The mmengine runner.
            metrics (dict): Validation metrics.
        """
        if not self._atomic:
            return super()._save_best_checkpoint(runner, metrics)
        backend, pending = self.file_backend, []
        self.file_backend = _DeferredRemovals(backend, pending)
        try:
            super()._save_best_checkpoint(_AtomicSaveRunner(runner), metrics)
        finally:
            self.file_backend = backend
        if not is_main_process():
            return
        keep = {getattr(self, 'best_ckpt_path', None), self.last_ckpt}
        keep.update(getattr(self, 'best_ckpt_path_dict', {}).values())
        for path in pending:
            if path not in keep:
                _delete(path)
