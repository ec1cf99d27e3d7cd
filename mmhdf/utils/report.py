"""Format metrics together with the protocol they were measured under.

Every number mmhdf prints names its protocol: dataset, fold / split file,
frame variant, test views (clips x crops), clip length, input size,
checkpoint-selection rule, seed and, when known, whether the checkpoint
loaded strictly or partially.
"""
import os.path as osp
from typing import Any, Dict, Mapping, Optional

from mmhdf.datasets.wrappers import leaf_datasets
from .eval_views import describe_views

# Metric keys that mean WAR / UAR, in order of preference, with the factor
# that turns them into % (DFERMetric reports %, mmaction2's AccMetric
# fractions).
WAR_KEYS = (('dfer/WAR', 1.0), ('acc/top1', 100.0))
UAR_KEYS = (('dfer/UAR', 1.0), ('acc/mean1', 100.0))


def _pick(metrics: Mapping[str, Any], keys) -> Optional[float]:
    for k, scale in keys:
        if k in metrics:
            return float(metrics[k]) * scale
    return None


def selection_rule(checkpoint: Optional[str]) -> str:
    """Describe how a checkpoint was selected, from its file name.

    Args:
        checkpoint (str, optional): Checkpoint path.

    Returns:
        str: e.g. ``'best val acc/mean1 (UAR)'`` or ``'last epoch'``.
    """
    if not checkpoint:
        return 'none (random init)'
    name = osp.basename(checkpoint)
    if name.startswith('best_'):
        key = name[len('best_'):].rsplit('_epoch', 1)[0].replace('_', '/', 1)
        epoch = name.rsplit('_epoch_', 1)[-1].split('.')[0]
        return f'best validation {key} (epoch {epoch})'
    return f'given checkpoint {name}'


def describe_protocol(cfg: Any, split: str = 'test',
                      load: Optional[Any] = None) -> Dict[str, str]:
    """Collect the protocol fields of an evaluation from its config.

    Args:
        cfg: The mmengine config used for the evaluation.
        split (str): ``'test'`` or ``'val'``.
        load (LoadReport, optional): How the checkpoint matched the model
            (:class:`mmhdf.compat.strict_load.LoadReport`); adds a
            ``loading`` field (``strict`` / ``PARTIAL (allowed: ...)``).

    Returns:
        dict: ``dataset``, ``split``, ``frames_variant``, ``views``,
        ``clip_len``, ``input``, ``selection``, ``seed`` (and ``loading``).
    """
    loader = cfg.get(f'{split}_dataloader') or {}
    ds = loader.get('dataset') if hasattr(loader, 'get') else None
    # the first leaf, through dataset wrappers
    ds = next(leaf_datasets(ds), None)
    ds = ds if hasattr(ds, 'get') else {}
    name = ds.get('type', '?')
    fold = ds.get('fold')
    split_name = ds.get('split') or ds.get('ann_file') or split
    randomness = cfg.get('randomness') or {}
    proto = {
        'dataset': f'{name}' + (f' fold {fold}' if fold is not None else ''),
        'split': str(split_name),
        'frames_variant': str(ds.get('frames_variant', 'n/a')),
        **describe_views(ds.get('pipeline')),
        'selection': selection_rule(cfg.get('load_from')),
        'seed': str(randomness.get('seed', 'unset')),
    }
    if load is not None:
        proto['loading'] = load.describe()
    return proto


def format_metrics(metrics: Mapping[str, Any], cfg: Any,
                   split: str = 'test', load: Optional[Any] = None) -> str:
    """Render WAR / UAR (and every other metric) with the protocol.

    Args:
        metrics (Mapping): Metric name → value, as returned by the Runner.
        cfg: The config used.
        split (str): The evaluated split (``'test'`` / ``'val'``).
        load (LoadReport, optional): How the checkpoint matched the model.

    Returns:
        str: A markdown block: a protocol line and a metric table.
    """
    proto = describe_protocol(cfg, split, load)
    head = ('protocol: ' + '; '.join(f'{k}={v}' for k, v in proto.items()))
    war, uar = _pick(metrics, WAR_KEYS), _pick(metrics, UAR_KEYS)
    lines = [head, '', '| metric | value |', '|---|---|']
    if war is not None:
        lines.append(f'| WAR (%) | {war:.2f} |')
    if uar is not None:
        lines.append(f'| UAR (%) | {uar:.2f} |')
    for k, v in metrics.items():
        if isinstance(v, (int, float)):
            lines.append(f'| {k} | {float(v):.4f} |')
    return '\n'.join(lines)


def write_report(out_dir: str, stem: str, table: str, data: dict) -> None:
    """Print a markdown result table and write it with its data.

    Writes ``{out_dir}/{stem}.md`` (the table) and ``{out_dir}/{stem}.json``
    (``data``; non-JSON numbers such as numpy floats as ``float``), the
    layout every benchmark of ``benchmarks/`` uses.

    Args:
        out_dir (str): Output folder (created if missing).
        stem (str): File name without extension.
        table (str): The markdown table, protocol line first.
        data (dict): What the table was made from.
    """
    import json
    import os
    os.makedirs(out_dir, exist_ok=True)
    print('\n' + table, flush=True)
    with open(osp.join(out_dir, f'{stem}.md'), 'w', encoding='utf-8') as f:
        f.write(table + '\n')
    with open(osp.join(out_dir, f'{stem}.json'), 'w', encoding='utf-8') as f:
        json.dump(data, f, indent=2, default=float)
