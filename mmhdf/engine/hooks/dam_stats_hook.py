"""DAMStatsHook: log DAM's fusion weights and gate statistics in training."""
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmaction.registry import HOOKS
from mmengine.hooks import Hook, LoggerHook
from mmengine.model import is_model_wrapper

from mmhdf.models.dam import DAM

DATA_BATCH = Optional[dict]

#: statistic name -> what it is (per DAM)
DAM_STATS = {
    'w_t': 'temporal fusion weight w_t (DAM.temporal_weight)',
    'w_f': 'frequency fusion weight w_f (DAM.frequency_weight)',
    'gate_t_mean': 'mean of the temporal gate g [N, T]',
    'gate_t_std': 'std of the temporal gate g [N, T] (population)',
    'gate_f_mean': 'mean of the frequency attention sigmoid(m) [N, H, W]',
    'gate_f_std': 'std of the frequency attention sigmoid(m) [N, H, W] '
    '(population)',
}


@HOOKS.register_module()
class DAMStatsHook(Hook):
    """Log every DAM's fusion weights and gate statistics.

    At the iterations where the :class:`~mmengine.hooks.LoggerHook` writes a
    training log line (every ``interval`` iterations and, unless
    ``ignore_last``, at the end of an epoch), the hook puts into the message
    hub, for every :class:`~mmhdf.models.dam.DAM` of the model (found by
    type, e.g. ``backbone.dams.dam1`` or ``neck.dams.0``)::

        train/dam/<module path>/w_t           fusion weight of X_t
        train/dam/<module path>/w_f           fusion weight of X_f
        train/dam/<module path>/gate_t_mean   temporal gate g, mean
        train/dam/<module path>/gate_t_std    ... std
        train/dam/<module path>/gate_f_mean   frequency attention, mean
        train/dam/<module path>/gate_f_std    ... std

    The LoggerHook (lower priority, so it runs after this hook in the same
    ``after_train_iter``) then writes them into the text log and every
    visualizer backend: ``vis_data/scalars.json`` as ``dam/<path>/<stat>``,
    TensorBoard grouped by ``dam/<path>``. Gate statistics are over batch
    and time (``g``, ``[N, T]``) or batch and space (``sigmoid(m)``,
    ``[N, H, W]``) of the last forward pass of the iteration (SAM's second
    pass); the std is the population std (0 for a single value).

    The maps are taken from :attr:`DAM.last_maps`: only in the iterations
    that are logged, the hook switches ``keep_maps`` on before the forward
    pass and restores it afterwards, so the other iterations cost nothing.

    Args:
        interval (int, optional): Log every this many iterations (plus the
            end of every epoch). Defaults to None: the LoggerHook's
            ``interval`` and ``ignore_last``.
        stats (Sequence[str]): Statistics to log, a subset of
            :data:`DAM_STATS`. Defaults to all.
    """

    priority = 'NORMAL'  # before LoggerHook (BELOW_NORMAL)

    def __init__(self,
                 interval: Optional[int] = None,
                 stats: Sequence[str] = tuple(DAM_STATS)) -> None:
        if interval is not None and int(interval) < 1:
            raise ValueError(f'interval must be >= 1, got {interval}')
        unknown = [s for s in stats if s not in DAM_STATS]
        if unknown:
            raise ValueError(f'unknown DAM statistics {unknown}; choose from '
                             f'{list(DAM_STATS)}')
        self.interval = None if interval is None else int(interval)
        self.stats = tuple(stats)
        self._dams: List[Tuple[str, DAM]] = []
        self._keep_maps: Dict[str, bool] = {}
        self._ignore_last = False

    def before_train(self, runner) -> None:
        """Find the DAMs and the logging interval."""
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        self._dams = [(name, m) for name, m in model.named_modules()
                      if isinstance(m, DAM)]
        if not self._dams:
            runner.logger.warning(
                'DAMStatsHook: the model has no DAM; nothing will be logged')
        logger = next((h for h in runner.hooks if isinstance(h, LoggerHook)),
                      None)
        if self.interval is None:
            self.interval = logger.interval if logger is not None else 10
            self._ignore_last = bool(getattr(logger, 'ignore_last', False))

    def _logged_iter(self, runner, batch_idx: int) -> bool:
        """Whether LoggerHook writes a training line after this iteration."""
        if self.every_n_inner_iters(batch_idx, self.interval):
            return True
        return (self.end_of_epoch(runner.train_dataloader, batch_idx)
                and (not self._ignore_last
                     or len(runner.train_dataloader) <= self.interval))

    def before_train_iter(self,
                          runner,
                          batch_idx: int,
                          data_batch: DATA_BATCH = None) -> None:
        """Make the DAMs keep their maps in a logged iteration."""
        if not self._dams or not self._logged_iter(runner, batch_idx):
            return
        for name, dam in self._dams:
            self._keep_maps[name] = dam.keep_maps
            dam.keep_maps = True
            dam.last_maps = None

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch: DATA_BATCH = None,
                         outputs: Optional[dict] = None) -> None:
        """Put the statistics into the message hub; restore ``keep_maps``."""
        if not self._keep_maps:
            return
        hub = runner.message_hub
        for name, dam in self._dams:
            for stat, value in self.dam_stats(dam).items():
                hub.update_scalar(f'train/dam/{name}/{stat}', value)
            dam.keep_maps = self._keep_maps[name]
        self._keep_maps = {}

    def dam_stats(self, dam: DAM) -> Dict[str, float]:
        """The selected statistics of one DAM.

        Args:
            dam (DAM): A DAM after a forward pass with ``keep_maps=True``
                (without maps only ``w_t`` / ``w_f`` are returned).

        Returns:
            dict[str, float]: ``{stat: value}``.
        """
        values = dict(
            w_t=lambda: dam.temporal_weight,
            w_f=lambda: dam.frequency_weight)
        maps = dam.last_maps
        if maps is not None:
            gate_t = maps['temporal_gate'].float()
            gate_f = maps['freq_attn'].float()
            values.update(
                gate_t_mean=gate_t.mean,
                gate_t_std=lambda: gate_t.std(unbiased=False),
                gate_f_mean=gate_f.mean,
                gate_f_std=lambda: gate_f.std(unbiased=False))
        with torch.no_grad():
            return {
                stat: float(values[stat]())
                for stat in self.stats if stat in values
            }
