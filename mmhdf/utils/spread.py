"""What one run of a recipe can support: the measured spread beside it.

A short CPU recipe is bit-deterministic on one machine only; another seed,
thread count or CPU moves its result. The main job therefore prints, next
to its single run, the spread measured for the same recipe by the
benchmarks (``benchmarks/ablation.py`` over training seeds,
``benchmarks/numerics.py`` over seeds and machine perturbations), read from
their committed JSON results.
"""
import json
import os.path as osp
from typing import List, Optional

import numpy as np

METRICS = (('in-domain UAR', 'test', 'UAR'),
           ('shifted UAR', 'test_shifted', 'UAR'))


def _fmt(vals: List[float]) -> str:
    vals = np.asarray(vals, dtype=float)
    return (f'min {vals.min():.2f} / median {np.median(vals):.2f} / max '
            f'{vals.max():.2f} (n = {vals.size})')


def ablation_spread(path: str, variant: str = 'hdf') -> Optional[str]:
    """Seed spread of one ablation variant (the main job's recipe is the
    ablation's ``'hdf'`` variant).

    Args:
        path (str): ``benchmarks/results/ablation/ablation.json``.
        variant (str): The variant key. Defaults to ``'hdf'``.

    Returns:
        str | None: One line, or None when the file is missing or has no
        run of ``variant``.
    """
    if not osp.isfile(path):
        return None
    with open(path, encoding='utf-8') as f:
        data = json.load(f)
    runs = data.get('runs', {}).get(variant) or []
    if not runs:
        return None
    seeds = sorted(r['seed'] for r in runs)
    parts = []
    for title, split, key in METRICS:
        vals = [row[key] for r in runs for row in r['rows']
                if row['checkpoint'] == 'best_val_UAR'
                and row['split'] == split]
        if vals:
            parts.append(f'{title} {_fmt(vals)}')
    return (f'spread over training seeds {seeds} (benchmarks/results/'
            f'ablation, best-val checkpoint): ' + '; '.join(parts))


def numerics_spread(path: str, recipe: str = 'v3') -> Optional[str]:
    """Spread over seeds and machine perturbations from the numerics check.

    Args:
        path (str): ``benchmarks/results/numerics/numerics.json``.
        recipe (str): Its recipe key. Defaults to ``'v3'`` (today's).

    Returns:
        str | None: One line, or None when not measured.
    """
    if not osp.isfile(path):
        return None
    with open(path, encoding='utf-8') as f:
        data = json.load(f)
    runs = data.get('runs', {}).get(recipe)
    if not runs:
        return None
    perts = sorted({r['perturbation'] for r in runs})
    parts = [f"{title} {_fmt([r['metrics'][title] for r in runs])}"
             for title, _, _ in METRICS]
    return (f'spread over seeds and machine perturbations {perts} '
            '(benchmarks/results/numerics): ' + '; '.join(parts))
