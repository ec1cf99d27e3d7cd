"""Report samples skipped for corrupt media at the end of every epoch."""
import logging
import os
import os.path as osp
from typing import Dict, List, Optional

from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmaction.registry import HOOKS

from mmhdf.datasets.bad_samples import SKIP_LOG_ENV, read_skip_log
from mmhdf.datasets.wrappers import leaf_datasets

SKIP_LOG_NAME = 'bad_samples.jsonl'


class BadSamplePolicyError(ValueError):
    """``on_corrupt='skip'`` was set on validation / test data."""


def skip_transforms(dataset) -> List[str]:
    """Names of the transforms of ``dataset``'s pipeline that skip samples.

    Unwraps dataset wrappers (``dataset`` / ``datasets`` attributes).
    """
    found = []
    if dataset is None:
        return found
    for ds in leaf_datasets(dataset):
        for t in getattr(getattr(ds, 'pipeline', None), 'transforms', []):
            if getattr(t, 'on_corrupt', None) == 'skip':
                found.append(type(t).__name__)
    return found


@HOOKS.register_module()
class BadSampleReportHook(Hook):
    """Count and report samples skipped under ``on_corrupt='skip'``.

    Before the run, points the decode transforms (in every process, data
    loader workers included) to a skip log ``<log_dir>/bad_samples.jsonl``
    (see :mod:`mmhdf.datasets.bad_samples`). After every train / val / test
    epoch it reads the records appended during that epoch and

    * logs ``Epoch(train) [e]: skipped N corrupt samples ...`` with every
      file and reason (WARNING when ``N > 0``),
    * updates the message hub scalars ``bad_samples/<mode>_epoch`` (this
      epoch) and ``bad_samples/<mode>_total`` (whole run) and writes them to
      the visualizer's scalars, and
    * for val / test, adds ``bad_samples/skipped`` to the metrics dict, so it
      is printed in the final metrics line next to WAR / UAR.

    Validation and test data must not skip: dropping a clip silently changes
    the evaluated set. The hook raises :class:`BadSamplePolicyError` before
    the run when a val / test pipeline uses ``on_corrupt='skip'``.

    Args:
        max_listed (int): At most this many files are named per report.
    """

    priority = 'NORMAL'

    def __init__(self, max_listed: int = 20) -> None:
        self.max_listed = max_listed
        self.log_path: Optional[str] = None
        self._offset = 0
        self._totals: Dict[str, int] = dict(train=0, val=0, test=0)

    # ------------------------------------------------------------ set-up
    def _check_eval_loaders(self, runner) -> None:
        for mode in ('val', 'test'):
            loop = getattr(runner, f'_{mode}_loop', None)
            loader = getattr(loop, 'dataloader', None)
            if loader is None:
                continue
            names = skip_transforms(loader.dataset)
            if names:
                raise BadSamplePolicyError(
                    f"{mode}_dataloader: on_corrupt='skip' is set on "
                    f'{", ".join(names)}, but {mode} data must not skip '
                    'samples: dropping a clip would silently change the '
                    'evaluated set. Keep on_corrupt=\'error\' there and fix '
                    'or remove the corrupt clips (the error names them).')

    def before_run(self, runner) -> None:
        """Set the skip log path and refuse skipping on eval data."""
        self._check_eval_loaders(runner)
        log_dir = getattr(runner, 'log_dir', None) or runner.work_dir
        os.makedirs(log_dir, exist_ok=True)
        self.log_path = osp.join(log_dir, SKIP_LOG_NAME)
        os.environ[SKIP_LOG_ENV] = self.log_path
        self._offset = (osp.getsize(self.log_path)
                        if osp.isfile(self.log_path) else 0)

    def after_run(self, runner) -> None:
        """Stop pointing transforms at this run's skip log."""
        if os.environ.get(SKIP_LOG_ENV) == self.log_path:
            os.environ.pop(SKIP_LOG_ENV, None)

    def before_train(self, runner) -> None:
        """Continue the run total of a resumed run (from the message hub)."""
        hub = runner.message_hub
        if 'bad_samples/train_total' in hub.log_scalars:
            self._totals['train'] = int(
                hub.get_scalar('bad_samples/train_total').current())

    # --------------------------------------------------------- per epoch
    def _start(self) -> None:
        if self.log_path and osp.isfile(self.log_path):
            self._offset = osp.getsize(self.log_path)

    def before_train_epoch(self, runner) -> None:
        """Mark where this epoch's skips start."""
        self._start()

    def before_val_epoch(self, runner) -> None:
        """Mark where this validation's skips start."""
        self._start()

    def before_test_epoch(self, runner) -> None:
        """Mark where this test's skips start."""
        self._start()

    def _report(self, runner, mode: str,
                metrics: Optional[dict] = None) -> int:
        records, self._offset = read_skip_log(self.log_path, self._offset)
        n = len(records)
        self._totals[mode] += n
        total = self._totals[mode]
        # runner.epoch builds the train loop (and its dataloader): never
        # touch it in a test-only run.
        epoch = 0 if mode == 'test' else runner.epoch
        label = {'train': f'Epoch(train) [{epoch + 1}]',
                 'val': f'Epoch(val) [{epoch}]',
                 'test': 'Epoch(test)'}[mode]
        hub = runner.message_hub
        hub.update_scalar(f'bad_samples/{mode}_epoch', n)
        hub.update_scalar(f'bad_samples/{mode}_total', total)
        try:
            runner.visualizer.add_scalars(
                {f'bad_samples/{mode}_epoch': n,
                 f'bad_samples/{mode}_total': total},
                step=epoch if mode != 'train' else epoch + 1)
        except Exception:  # a visualizer without scalar support
            pass
        if metrics is not None and n:
            metrics['bad_samples/skipped'] = n
        if n == 0:
            print_log(f'{label}: skipped 0 corrupt samples (run total '
                      f'{total}).', logger='current', level=logging.INFO)
            return n
        effect = ('replaced by other random samples, so the epoch length '
                  'is unchanged' if mode == 'train' else
                  'NOT in the metrics: the evaluated set is smaller')
        lines = [f"  {r['reason']}" for r in records[:self.max_listed]]
        if n > self.max_listed:
            lines.append(f'  ... and {n - self.max_listed} more (see '
                         f'{self.log_path})')
        print_log(
            f'{label}: skipped {n} corrupt samples (on_corrupt=\'skip\'; '
            f'run total {total}; {effect}; log {self.log_path}):\n' +
            '\n'.join(lines), logger='current', level=logging.WARNING)
        return n

    def after_train_epoch(self, runner) -> None:
        """Report this epoch's skips."""
        self._report(runner, 'train')

    def after_val_epoch(self, runner,
                        metrics: Optional[Dict[str, float]] = None) -> None:
        """Report skips during validation (none are expected)."""
        self._report(runner, 'val', metrics)

    def after_test_epoch(self, runner,
                         metrics: Optional[Dict[str, float]] = None) -> None:
        """Report skips during test (none are expected)."""
        self._report(runner, 'test', metrics)
