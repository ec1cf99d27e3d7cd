"""Which metric keys an evaluator config will produce, before it runs.

``default_hooks.checkpoint.save_best`` must name a key the validation
evaluator produces; mmengine finds out only after the first validation
(``KeyError`` after a whole epoch). :func:`produced_keys` answers from the
config alone for the metrics whose keys are known: mmhdf's ``DFERMetric``
and mmaction2's ``AccMetric``.
"""
from typing import Any, List, Optional, Sequence, Set, Tuple

#: (exact keys, key prefixes) of one metric, prefix included.
Keys = Tuple[Set[str], Tuple[str, ...]]


def _prefixed(prefix: Optional[str], names: Sequence[str]) -> List[str]:
    return [f'{prefix}/{n}' if prefix else n for n in names]


def _dfer_keys(cfg: Any, prefix: Optional[str]) -> Keys:
    exact = ['WAR', 'UAR']
    patterns = ['recall/']
    group = cfg.get('group_key')
    if group is not None:
        safe = str(group).replace('/', '_').replace(' ', '_')
        exact += ['worst_group_UAR', 'mean_group_UAR']
        patterns += [f'{safe}_UAR/', f'{safe}_WAR/']
    return set(_prefixed(prefix, exact)), tuple(_prefixed(prefix, patterns))


def _acc_keys(cfg: Any, prefix: Optional[str]) -> Keys:
    metric_list = cfg.get('metric_list',
                          ('top_k_accuracy', 'mean_class_accuracy'))
    if isinstance(metric_list, str):
        metric_list = (metric_list, )
    options = cfg.get('metric_options') or {}
    topk = (options.get('top_k_accuracy') or {}).get('topk', (1, 5))
    if isinstance(topk, int):
        topk = (topk, )
    names = []
    for metric in metric_list:
        if metric == 'top_k_accuracy':
            names += [f'top{k}' for k in topk]
        elif metric == 'mean_class_accuracy':
            names.append('mean1')
        else:
            names.append(metric)
    return set(_prefixed(prefix, names)), ()


def produced_keys(cfg: Any, cls: type) -> Optional[Keys]:
    """The keys a metric built from ``cfg`` reports, if they are known.

    Args:
        cfg: The metric's config dict.
        cls (type): Its registered class.

    Returns:
        tuple or None: ``(exact keys, key prefixes)`` with the metric prefix
        (e.g. ``{'dfer/WAR', 'dfer/UAR'}``, ``('dfer/recall/',)``), or None
        for a metric whose keys are not known here.
    """
    from mmaction.evaluation import AccMetric

    from mmhdf.evaluation.metrics.dfer_metric import DFERMetric
    prefix = cfg.get('prefix') or getattr(cls, 'default_prefix', None)
    if issubclass(cls, DFERMetric):
        return _dfer_keys(cfg, prefix)
    if issubclass(cls, AccMetric):
        return _acc_keys(cfg, prefix)
    return None
