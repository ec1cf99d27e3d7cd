#!/usr/bin/env python
"""Aggregate per-fold DFER test results into a mean ± std markdown table.

Inputs are the ``<tag>_confusion_matrix.json`` files that ``DFERMetric``
writes into each run's log dir (one per fold, from evaluating the test split
once with the selected checkpoint). The first output line states the
protocol: dataset, folds, frame variant, checkpoint-selection rule, seed and
the std convention. Results of the last-epoch checkpoint can be given with
``--last`` and are tabulated separately, never mixed with the selected ones.

Example::

    python tools/analysis/aggregate_folds.py \
        work_dirs/dfew_fold*/best_test/*/test_confusion_matrix.json \
        --last work_dirs/dfew_fold*/last_test/*/test_confusion_matrix.json \
        --selection "best val dfer/UAR on a stratified 10% carve of each \
training fold" --seed 0 --out dfew_5fold.md
"""
import argparse
import json
import math
import sys
from typing import List, Optional, Sequence, Tuple

DATASET_TITLES = dict(dfew='DFEW', ferv39k='FERV39k', mafw='MAFW')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('results', nargs='+',
                   help='per-fold DFERMetric JSON files (selected ckpt)')
    p.add_argument('--last', nargs='*', default=None,
                   help='per-fold JSON files of the last-epoch checkpoint')
    p.add_argument('--selection', default=None,
                   help='checkpoint-selection rule, stated in the first '
                   'line (e.g. "best val dfer/UAR on a 10%% stratified '
                   'carve of the training fold")')
    p.add_argument('--seed', default=None, help='training seed(s)')
    p.add_argument('--frames-variant', default=None,
                   help='override the frame variant read from the files')
    p.add_argument('--no-per-class', action='store_true',
                   help='omit per-class recall columns')
    p.add_argument('--digits', type=int, default=2)
    p.add_argument('--out', default=None, help='also write the table here')
    return p.parse_args(argv)


def load(paths: Sequence[str]) -> List[dict]:
    """Load result files, ordered by fold; rejects duplicate folds."""
    runs = []
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        if 'metrics' not in data or 'WAR' not in data['metrics']:
            raise ValueError(f'{path}: not a DFERMetric result file')
        data['_path'] = path
        runs.append(data)
    folds = [r.get('dataset_meta', {}).get('fold') for r in runs]
    known = [f for f in folds if f is not None]
    if len(set(known)) != len(known):
        raise ValueError(f'duplicate folds in {list(paths)}: {folds}')
    runs.sort(key=lambda r: (r.get('dataset_meta', {}).get('fold') or 0))
    return runs


def mean_std(values: Sequence[float]) -> Tuple[float, float]:
    """Mean and sample standard deviation (ddof=1; 0 for one value)."""
    vals = [v for v in values if v is not None and not math.isnan(v)]
    if not vals:
        return float('nan'), float('nan')
    m = sum(vals) / len(vals)
    if len(vals) < 2:
        return m, 0.0
    var = sum((v - m)**2 for v in vals) / (len(vals) - 1)
    return m, math.sqrt(var)


def _common(runs: List[dict], key: str, override: Optional[str] = None):
    if override is not None:
        return override
    vals = {str(r.get('dataset_meta', {}).get(key)) for r in runs}
    if len(vals) > 1:
        raise ValueError(f'runs disagree on {key}: {sorted(vals)}')
    return vals.pop()


def protocol_line(runs: List[dict], args: argparse.Namespace) -> str:
    """First line of the table: what was measured and how."""
    dataset = _common(runs, 'dataset')
    title = DATASET_TITLES.get(dataset, dataset)
    variant = _common(runs, 'frames_variant', args.frames_variant)
    label_order = _common(runs, 'label_order')
    folds = [r.get('dataset_meta', {}).get('fold') for r in runs]
    split = _common(runs, 'split')
    if any(f is not None for f in folds):
        fold_txt = (f'{len(runs)} fold(s) '
                    f'({", ".join(str(f) for f in folds)})')
    else:
        fold_txt = f'{len(runs)} run(s) on the official split'
    selection = args.selection or 'NOT STATED (pass --selection)'
    seed = args.seed if args.seed is not None else 'not stated'
    return (f'**Protocol:** {title}, {fold_txt}, test split `{split}` '
            f'evaluated once per fold; frames `{variant}`; label order '
            f'`{label_order}`; checkpoint: {selection}; seed {seed}; '
            f'values in %, mean ± sample std (ddof=1) over folds.')


def table(runs: List[dict], args: argparse.Namespace, title: str) -> str:
    """One markdown table: a row per fold, then mean ± std."""
    d = args.digits
    names = runs[0]['class_names']
    for r in runs:
        if r['class_names'] != names:
            raise ValueError(f'{r["_path"]}: class names differ from '
                             f'{runs[0]["_path"]}')
    cols: List[Tuple[str, str]] = [('WAR', 'WAR'), ('UAR', 'UAR')]
    if all('worst_group_UAR' in r['metrics'] for r in runs):
        key = runs[0].get('group_key') or 'group'
        cols.append(('worst_group_UAR', f'worst-{key} UAR'))
    if not args.no_per_class:
        cols += [(f'recall/{n}', n) for n in names]
    lines = [f'*{title}*', '',
             '| fold | ' + ' | '.join(c[1] for c in cols) + ' |',
             '|---|' + '---|' * len(cols)]

    def val(r, k):
        v = r['metrics'].get(k)
        if v is None and k.startswith('recall/'):
            v = r['metrics'].get(k.replace(' ', '_'))
        return float('nan') if v is None else float(v)

    for r in runs:
        fold = r.get('dataset_meta', {}).get('fold')
        cells = [f'{val(r, k):.{d}f}' for k, _ in cols]
        lines.append(f'| {fold if fold is not None else "-"} | '
                     + ' | '.join(cells) + ' |')
    stats = [mean_std([val(r, k) for r in runs]) for k, _ in cols]
    lines.append('| **mean ± std** | ' + ' | '.join(
        f'{m:.{d}f} ± {s:.{d}f}' for m, s in stats) + ' |')
    return '\n'.join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    runs = load(args.results)
    out = [protocol_line(runs, args), '',
           table(runs, args, 'Selected checkpoint')]
    if args.last:
        last = load(args.last)
        if [r.get('dataset_meta', {}).get('fold') for r in last] != \
                [r.get('dataset_meta', {}).get('fold') for r in runs]:
            raise ValueError('--last must cover the same folds')
        _common(runs + last, 'frames_variant', args.frames_variant)
        out += ['', table(last, args, 'Last-epoch checkpoint')]
    text = '\n'.join(out) + '\n'
    sys.stdout.write(text)
    if args.out:
        with open(args.out, 'w') as f:
            f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
