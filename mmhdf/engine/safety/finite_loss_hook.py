"""Stop training at the first non-finite loss, naming iteration and samples."""
import math
from typing import Any, List, Optional, Sequence

from mmengine.hooks import Hook
from mmaction.registry import HOOKS

# Metainfo keys that identify a sample, in order of preference.
_ID_KEYS = ('filename', 'frame_dir', 'video_id', 'clip_id', 'sample_idx')


class NonFiniteLossError(FloatingPointError):
    """Raised when a training loss is NaN or infinite."""


def sample_ids(data_batch: Optional[dict]) -> List[str]:
    """Identify the samples of a batch from their metainfo.

    Args:
        data_batch (dict, optional): The batch given to ``train_step``.

    Returns:
        list[str]: One id per sample (``'?'`` where none is known).
    """
    samples: Sequence[Any] = (data_batch or {}).get('data_samples') or []
    ids = []
    for s in samples:
        meta = getattr(s, 'metainfo', {}) or {}
        ids.append(next((str(meta[k]) for k in _ID_KEYS if k in meta), '?'))
    return ids


@HOOKS.register_module()
class FiniteLossHook(Hook):
    """Raise :class:`NonFiniteLossError` when a logged loss is not finite.

    The message names the epoch, the iteration, every non-finite loss key and
    the batch's sample ids (file names / frame folders), so the offending
    clips can be inspected. Runs right after the iteration, before any later
    checkpoint is written.
    """

    priority = 'VERY_HIGH'

    def after_train_iter(self, runner, batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        """Check every loss value of the iteration.

        Args:
            runner: The mmengine runner.
            batch_idx (int): Index of the batch in the epoch.
            data_batch (dict, optional): The batch.
            outputs (dict, optional): Logged values of the iteration.
        """
        bad = {}
        for key, value in (outputs or {}).items():
            if 'loss' not in key:
                continue
            v = float(value.detach() if hasattr(value, 'detach') else value)
            if not math.isfinite(v):
                bad[key] = v
        if bad:
            raise NonFiniteLossError(
                f'non-finite loss at epoch {runner.epoch + 1}, iteration '
                f'{runner.iter + 1} (batch {batch_idx} of the epoch): '
                f'{bad}; samples in the batch: {sample_ids(data_batch)}')
