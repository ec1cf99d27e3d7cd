#!/usr/bin/env python
"""Plot training curves from mmengine's ``vis_data/scalars.json``.

mmengine's ``LocalVisBackend`` writes one JSON object per line: training
lines every logging interval (``loss``, ``lr``, ..., ``epoch``, ``iter``,
``step`` = iteration) and validation lines once per evaluation (``dfer/UAR``,
..., ``step`` = epoch for epoch-based loops, iteration for iteration-based
ones). mmaction2's ``analyze_logs.py plot_curve`` expects the old
``*.log.json`` format and fails on it; this tool reads it directly.

One subplot per key, the runs overlaid; the x axis is the training
iteration (``--x iter``, default; a validation line of an epoch-based run is
placed at the last logged iteration of its epoch) or the epoch (``--x
epoch``; training lines at fractional epochs).

Example::

    python tools/analysis/plot_curves.py \
        work_dirs/hdf_seed0 work_dirs/baseline_seed0/20261201_101010 \
        --keys loss lr dfer/UAR --labels HDF baseline --out curves.png

A run is a ``scalars.json`` file, a log dir (``<timestamp>/``) or a work dir
(its newest ``<timestamp>/vis_data/scalars.json``).
"""
import argparse
import glob
import json
import os
import os.path as osp
import sys
from typing import Dict, List, Optional, Sequence, Tuple

X_AXES = ('iter', 'epoch')


class ScalarsError(ValueError):
    """A scalars.json that cannot be read (names file and line)."""


def find_scalars(run: str) -> str:
    """Path of the ``scalars.json`` of a run.

    Args:
        run (str): A ``scalars.json`` file, a log dir or a work dir.

    Returns:
        str: The file (for a work dir: of its newest log dir).
    """
    if osp.isfile(run):
        return run
    for candidate in (osp.join(run, 'scalars.json'),
                      osp.join(run, 'vis_data', 'scalars.json')):
        if osp.isfile(candidate):
            return candidate
    found = sorted(glob.glob(osp.join(run, '*', 'vis_data', 'scalars.json')))
    if not found:
        raise FileNotFoundError(
            f'{run}: no scalars.json (looked for {run}/vis_data/scalars.json'
            f' and {run}/*/vis_data/scalars.json)')
    return found[-1]  # timestamped log dirs sort by time


def load_scalars(path: str) -> List[dict]:
    """Read a ``scalars.json``: one JSON object per line.

    Args:
        path (str): The file.

    Returns:
        list[dict]: The lines, in order (blank lines skipped).

    Raises:
        ScalarsError: A line that is not a JSON object with a ``step``,
            naming ``path:line``.
    """
    rows = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise ScalarsError(
                    f'{path}:{lineno}: malformed JSON ({err.msg} at column '
                    f'{err.colno}): {line.strip()[:80]!r}') from None
            if not isinstance(row, dict) or 'step' not in row:
                raise ScalarsError(
                    f'{path}:{lineno}: expected a JSON object with a "step" '
                    f'(mmengine scalars.json line), got {line.strip()[:80]!r}')
            rows.append(row)
    if not rows:
        raise ScalarsError(f'{path}: empty file')
    return rows


def _epoch_ends(rows: Sequence[dict]) -> Dict[int, int]:
    """Last logged training iteration of every epoch (epoch-based runs)."""
    ends: Dict[int, int] = {}
    for row in rows:
        if 'iter' in row and 'epoch' in row:
            e = int(row['epoch'])
            ends[e] = max(ends.get(e, 0), int(row['iter']))
    return ends


def series(rows: Sequence[dict],
           key: str,
           x: str = 'iter',
           source: str = '') -> Tuple[List[float], List[float]]:
    """The ``(x, value)`` points of one key.

    Args:
        rows (Sequence[dict]): Lines of a ``scalars.json``.
        key (str): Scalar name (``loss``, ``lr``, ``dfer/UAR``, ...).
        x (str): ``'iter'`` or ``'epoch'``.
        source (str): File name, for error messages.

    Returns:
        tuple[list[float], list[float]]: x values and key values, in file
        order (empty if the key never occurs).
    """
    if x not in X_AXES:
        raise ValueError(f'x must be one of {X_AXES}, got {x!r}')
    ends = _epoch_ends(rows)
    by_epoch = bool(ends)
    if x == 'epoch' and not by_epoch:
        raise ScalarsError(
            f'{source or "scalars.json"}: iteration-based run (its training '
            "lines have no 'epoch'); use --x iter")
    per_epoch = None
    if by_epoch:
        first = min(ends)
        per_epoch = ends[first] / first
    xs, ys = [], []
    for row in rows:
        if key not in row:
            continue
        train = 'iter' in row
        if x == 'iter':
            if train or not by_epoch:
                pos = float(row.get('iter', row['step']))
            else:  # validation of epoch `step`: at the end of that epoch
                e = int(row['step'])
                pos = float(ends.get(e, e * per_epoch))
        elif train:  # fractional epoch of a training line
            e = int(row['epoch'])
            start = ends.get(e - 1, (e - 1) * per_epoch)
            length = max(ends.get(e, e * per_epoch) - start, 1)
            pos = e - 1 + (int(row['iter']) - start) / length
        else:
            pos = float(row['step'])
        xs.append(pos)
        ys.append(float(row[key]))
    return xs, ys


def plot_runs(runs: Sequence[Tuple[str, List[dict], str]],
              keys: Sequence[str],
              x: str = 'iter',
              out: str = 'curves.png',
              title: Optional[str] = None,
              dpi: int = 100):
    """Plot ``keys`` of several runs into one PNG.

    Args:
        runs (Sequence[tuple]): ``(label, rows, source path)`` per run.
        keys (Sequence[str]): One subplot per key.
        x (str): ``'iter'`` or ``'epoch'``.
        out (str): Output image (PNG).
        title (str, optional): Figure title.
        dpi (int): Resolution.

    Returns:
        matplotlib.figure.Figure: The figure (already saved).
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    missing = [
        k for k in keys if not any(k in row for _, rows, _ in runs
                                   for row in rows)
    ]
    if missing:
        available = sorted({k for _, rows, _ in runs for row in rows
                            for k in row} - {'step', 'iter', 'epoch'})
        raise KeyError(f'keys {missing} occur in no run; available: '
                       f'{available}')
    fig, axes = plt.subplots(
        len(keys), 1, figsize=(8, 2.8 * len(keys)), squeeze=False,
        sharex=True)
    for ax, key in zip(axes[:, 0], keys):
        for label, rows, source in runs:
            xs, ys = series(rows, key, x, source)
            if not xs:
                print(f'warning: {source} has no {key!r}', file=sys.stderr)
                continue
            ax.plot(xs, ys, marker='.' if len(xs) < 30 else None,
                    label=label)
        ax.set_ylabel(key)
        ax.set_title(key)
        ax.grid(True, alpha=0.3)
        if len(runs) > 1:
            ax.legend()
    axes[-1, 0].set_xlabel('iteration' if x == 'iter' else 'epoch')
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    out_dir = osp.dirname(osp.abspath(out))
    os.makedirs(out_dir, exist_ok=True)
    fig.savefig(out, dpi=dpi)
    plt.close(fig)
    return fig


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('runs', nargs='+',
                   help='scalars.json files, log dirs or work dirs')
    p.add_argument('--keys', nargs='+', default=['loss'],
                   help='scalars to plot, one subplot each '
                   '(default: loss)')
    p.add_argument('--x', choices=X_AXES, default='iter',
                   help='x axis (default: iter)')
    p.add_argument('--labels', nargs='+', default=None,
                   help='legend label per run (default: the run path)')
    p.add_argument('--title', default=None)
    p.add_argument('--out', default='curves.png', help='output PNG')
    p.add_argument('--dpi', type=int, default=100)
    return p.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    if args.labels is not None and len(args.labels) != len(args.runs):
        print(f'error: {len(args.labels)} labels for {len(args.runs)} runs',
              file=sys.stderr)
        return 2
    try:
        runs = []
        for i, run in enumerate(args.runs):
            path = find_scalars(run)
            label = args.labels[i] if args.labels else run
            runs.append((label, load_scalars(path), path))
        plot_runs(runs, args.keys, args.x, args.out, args.title, args.dpi)
    except (ScalarsError, KeyError, FileNotFoundError) as err:
        msg = err.args[0] if isinstance(err, KeyError) else err
        print(f'error: {msg}', file=sys.stderr)
        return 2
    print(f'saved {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
