"""mPC / rPC of a corruption grid, markdown tables, JSON and plots.

Definitions (Hendrycks & Dietterich 2019; Michaelis et al. 2019), for a
metric ``A`` (UAR or WAR, in %), the set of corruptions ``C`` and severities
``S``:

* ``mPC = 1/|C| * sum_c 1/|S| * sum_s A(c, s)`` (mean performance under
  corruption; the flat mean of the grid when it is complete);
* ``rPC = mPC / A_clean`` (relative performance under corruption; ``NaN``
  when the clean metric is 0).
"""
import json
import math
import os
import os.path as osp
from typing import Any, Dict, List, Mapping, Optional, Sequence

import numpy as np

from mmhdf.utils.report import UAR_KEYS, WAR_KEYS

#: the two summary metrics, in report order
METRIC_NAMES = ('UAR', 'WAR')


def pick_war_uar(metrics: Mapping[str, Any]) -> Dict[str, float]:
    """Read UAR and WAR (%) from an evaluator's metric dict.

    Args:
        metrics (Mapping): e.g. ``{'dfer/WAR': 50.0, 'dfer/UAR': 40.0}`` or
            mmaction2's ``acc/top1`` / ``acc/mean1`` (fractions).

    Returns:
        dict: ``{'UAR': float, 'WAR': float}`` in %.

    Raises:
        KeyError: when a metric is missing.
    """
    out = {}
    for name, keys in (('UAR', UAR_KEYS), ('WAR', WAR_KEYS)):
        for key, scale in keys:
            if key in metrics:
                out[name] = float(metrics[key]) * scale
                break
        else:
            raise KeyError(f'no {name} in the metrics {sorted(metrics)}; '
                           'use DFERMetric or AccMetric')
    return out


def _mean(values: Sequence[float]) -> float:
    return float(np.mean(values)) if len(values) else float('nan')


def corruption_summary(grid: Mapping[str, Mapping[Any, float]],
                       clean: float,
                       categories: Optional[Mapping[str, str]] = None
                       ) -> Dict[str, Any]:
    """mPC and rPC of one metric over a corruption x severity grid.

    Args:
        grid (Mapping): corruption -> severity -> metric value.
        clean (float): the metric on clean data.
        categories (Mapping, optional): corruption -> category, for
            ``per_category`` (mean of the per-corruption means).

    Returns:
        dict: ``clean``, ``mPC``, ``rPC``, ``per_corruption`` (corruption ->
        mean over its severities), ``per_severity`` (severity -> mean over
        corruptions) and ``per_category``.
    """
    if not grid:
        raise ValueError('empty corruption grid')
    per_corruption = {c: _mean(list(v.values())) for c, v in grid.items()}
    mpc = _mean(list(per_corruption.values()))
    sevs = sorted({s for v in grid.values() for s in v}, key=int)
    per_severity = {
        str(s): _mean([v[s] for v in grid.values() if s in v])
        for s in sevs
    }
    per_category: Dict[str, float] = {}
    if categories:
        groups: Dict[str, List[float]] = {}
        for c, m in per_corruption.items():
            groups.setdefault(categories.get(c, 'other'), []).append(m)
        per_category = {g: _mean(v) for g, v in groups.items()}
    rpc = mpc / clean if clean else float('nan')
    return dict(
        clean=float(clean),
        mPC=mpc,
        rPC=rpc,
        per_corruption=per_corruption,
        per_severity=per_severity,
        per_category=per_category)


def summarize(clean: Mapping[str, float],
              results: Mapping[str, Mapping[Any, Mapping[str, float]]],
              categories: Optional[Mapping[str, str]] = None
              ) -> Dict[str, Dict[str, Any]]:
    """:func:`corruption_summary` for UAR and WAR.

    Args:
        clean (Mapping): ``{'UAR': x, 'WAR': y}``.
        results (Mapping): corruption -> severity -> ``{'UAR', 'WAR'}``.
        categories (Mapping, optional): corruption -> category.

    Returns:
        dict: ``{'UAR': summary, 'WAR': summary}``.
    """
    return {
        m: corruption_summary(
            {c: {s: r[m] for s, r in v.items()} for c, v in results.items()},
            clean[m], categories)
        for m in METRIC_NAMES
    }


def _fmt(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return 'n/a'
    return f'{float(x):.2f}'


def markdown_report(report: Mapping[str, Any]) -> str:
    """Markdown tables (corruption rows x severity columns) per metric.

    Args:
        report (Mapping): the dict returned by
            :func:`mmhdf.apis.evaluate_robustness`.

    Returns:
        str: markdown text.
    """
    sevs = [str(s) for s in report['severities']]
    lines = [f'# Corruption robustness: {osp.basename(report["config"])}',
             '']
    if report.get('protocol_line'):
        lines += [report['protocol_line'], '']
    lines += [
        f'checkpoint `{report["checkpoint"]}`, {report["num_samples"]} '
        f'clips, corruption seed {report["seed"]}.', ''
    ]
    for m in METRIC_NAMES:
        summ = report['summary'][m]
        lines += [
            f'## {m} (%)', '',
            f'clean {_fmt(summ["clean"])}, mPC {_fmt(summ["mPC"])}, '
            f'rPC {_fmt(summ["rPC"])}', '',
            '| corruption | ' + ' | '.join(f's{s}' for s in sevs) +
            ' | mean |',
            '|---|' + '---|' * (len(sevs) + 1)
        ]
        for c in report['corruptions']:
            row = report['results'][c]
            lines.append(f'| {c} | ' +
                         ' | '.join(_fmt(row[s][m]) for s in sevs) +
                         f' | {_fmt(summ["per_corruption"][c])} |')
        lines.append('| **mean** | ' + ' | '.join(
            _fmt(summ['per_severity'][s]) for s in sevs) +
                     f' | **{_fmt(summ["mPC"])}** |')
        if summ.get('per_category'):
            lines += [
                '', '| category | mean |', '|---|---|'
            ] + [f'| {g} | {_fmt(v)} |'
                 for g, v in summ['per_category'].items()]
        lines.append('')
    return '\n'.join(lines)


def plot_report(report: Mapping[str, Any], path: str) -> str:
    """Plot metric vs severity per corruption (one panel per metric).

    Severity 0 is the clean value; the dashed line is the clean metric.

    Args:
        report (Mapping): see :func:`markdown_report`.
        path (str): output PNG.

    Returns:
        str: ``path``.
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    sevs = [int(s) for s in report['severities']]
    fig = Figure(figsize=(12, 4.8))
    FigureCanvasAgg(fig)
    names = list(report['corruptions'])
    cmap = matplotlib.colormaps['tab20']
    styles = ['-', '--', '-.', ':']
    cats = sorted({report['parameters'].get(c, {}).get('category', 'other')
                   for c in names})
    for k, m in enumerate(METRIC_NAMES):
        ax = fig.add_subplot(1, 2, k + 1)
        clean = report['clean'][m]
        for i, c in enumerate(names):
            cat = report['parameters'].get(c, {}).get('category', 'other')
            ys = [clean] + [report['results'][c][str(s)][m] for s in sevs]
            ax.plot([0] + sevs, ys, marker='o', markersize=3,
                    color=cmap(i % 20),
                    linestyle=styles[cats.index(cat) % len(styles)],
                    label=c)
        ax.axhline(clean, color='k', linestyle='--', linewidth=0.8)
        ax.set_xticks([0] + sevs)
        ax.set_xticklabels(['clean'] + [str(s) for s in sevs])
        ax.set_xlabel('severity')
        ax.set_ylabel(f'{m} (%)')
        summ = report['summary'][m]
        ax.set_title(f'{m}: clean {_fmt(summ["clean"])}, mPC '
                     f'{_fmt(summ["mPC"])}, rPC {_fmt(summ["rPC"])}',
                     fontsize=9)
        ax.grid(alpha=0.3)
    fig.axes[-1].legend(fontsize=7, loc='center left',
                        bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=100)
    return path


def json_ready(obj: Any) -> Any:
    """Replace NaN by ``None`` and numpy scalars by Python ones."""
    if isinstance(obj, dict):
        return {str(k): json_ready(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_ready(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and math.isnan(obj):
        return None
    return obj


def write_report(report: Dict[str, Any], out_dir: str,
                 stem: str = 'robustness') -> Dict[str, str]:
    """Write ``<stem>.json``, ``<stem>.md`` and ``<stem>.png``.

    Args:
        report (dict): see :func:`markdown_report`; its ``files`` entry is
            filled in.
        out_dir (str): output folder (created).
        stem (str): file stem.

    Returns:
        dict: ``json``, ``markdown``, ``plot`` paths.
    """
    os.makedirs(out_dir, exist_ok=True)
    files = dict(
        json=osp.join(out_dir, f'{stem}.json'),
        markdown=osp.join(out_dir, f'{stem}.md'),
        plot=osp.join(out_dir, f'{stem}.png'))
    report['files'] = files
    with open(files['markdown'], 'w') as f:
        f.write(markdown_report(report))
    plot_report(report, files['plot'])
    with open(files['json'], 'w') as f:
        json.dump(json_ready(report), f, indent=1)
    return files
