#!/usr/bin/env python
"""Ablation on SynDFER-H: baseline, +SAM, +DAM, +DSM, +DAM+DSM, full HDF.

Every variant trains with the same data, epochs, batch size and learning-rate
schedule (``configs/_base_/schedules/syndfer_cpu*.py``; SAM doubles the
compute per step), and every part has the same settings in every variant
that contains it (SAM ρ = 0.01; DAM with gain-free fusion and the 10 lowest
DCT frequencies; DSM with α, β, ``g`` of ``configs/_base_/hdf_dsm.py``),
for several seeds. Each part is compared with its reference **paired by
seed** (same data order and initialisation seed): mean difference with a
95 % t-interval over seeds, for the best-validation and the last-epoch
checkpoint. The checkpoint is
selected by validation UAR; in-domain (``test``) and shifted
(``test_shifted``: unseen capture styles and subjects) splits are evaluated
once with it, and optionally the corruption suite gives mPC on the in-domain
split. Prints a markdown table (mean ± std over seeds), writes JSON, the
table and a plot. Finished runs are reused, so an interrupted ablation
resumes where it stopped.

    python benchmarks/ablation.py                        # 6 variants x 5 seeds
    python benchmarks/ablation.py --seeds 0 --variants baseline hdf
"""
import argparse
import json
import os
import os.path as osp
import sys
import time
from typing import Dict, List

import numpy as np

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)

import mmhdf  # noqa: E402,F401
from mmhdf.apis.experiment import (build_run_config,  # noqa: E402
                                    find_checkpoints, train_and_evaluate)
from mmhdf.utils.machine import machine_line  # noqa: E402
from mmhdf.utils.report import write_report  # noqa: E402
from syndfer import generate_benchmark  # noqa: E402

VARIANTS = {
    'baseline': ('configs/recognition/baselines/'
                 'r3d18-w16_1xb16-8x64-6e_syndfer-h-cpu.py'),
    'sam': 'configs/ablation/r3d18-w16_sam_1xb16-8x64-6e_syndfer-h-cpu.py',
    'dam': 'configs/ablation/r3d18-w16-dam4_1xb16-8x64-6e_syndfer-h-cpu.py',
    'dsm': 'configs/ablation/r3d18-w16_dsm_1xb16-8x64-6e_syndfer-h-cpu.py',
    'dam_dsm': ('configs/ablation/'
                'r3d18-w16-dam4_dsm_1xb16-8x64-6e_syndfer-h-cpu.py'),
    'hdf': ('configs/recognition/hdf/'
            'hdf_r3d18-w16-dam4_sam_1xb16-8x64-6e_syndfer-h-cpu.py'),
}
LABELS = {'baseline': 'baseline (CE, AdamW)', 'sam': '+SAM', 'dam': '+DAM',
          'dsm': '+DSM', 'dam_dsm': '+DAM+DSM',
          'hdf': 'HDF (DAM + DSM + SAM)'}
# (what is measured, variant, its reference): paired by seed
COMPARISONS = [
    ('SAM', 'sam', 'baseline'),
    ('DAM', 'dam', 'baseline'),
    ('DSM', 'dsm', 'baseline'),
    ('DAM+DSM', 'dam_dsm', 'baseline'),
    ('HDF', 'hdf', 'baseline'),
    ('DSM on top of DAM', 'dam_dsm', 'dam'),
    ('DAM on top of DSM', 'dam_dsm', 'dsm'),
    ('SAM on top of DAM+DSM', 'hdf', 'dam_dsm'),
    ('DAM+DSM on top of SAM', 'hdf', 'sam'),
]
CHECKPOINTS = ('best_val_UAR', 'last_epoch')
# (column title, split, key) of the summary table; best-val checkpoint.
COLUMNS = [('in-domain WAR', 'test', 'WAR'), ('in-domain UAR', 'test', 'UAR'),
           ('shifted WAR', 'test_shifted', 'WAR'),
           ('shifted UAR', 'test_shifted', 'UAR'),
           ('shifted worst-domain UAR', 'test_shifted', 'worst_domain_UAR')]


def parse_args() -> argparse.Namespace:
    """Parse the command line."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--variants', nargs='+', default=list(VARIANTS),
                   choices=list(VARIANTS))
    p.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2, 3, 4])
    p.add_argument('--data', default='data/syndfer_h')
    p.add_argument('--preset', default='default')
    p.add_argument('--bench-seed', type=int, default=0)
    p.add_argument('--out', default='benchmarks/results/ablation')
    p.add_argument('--work-root', default='work_dirs/ablation')
    p.add_argument('--robustness-seeds', nargs='*', type=int, default=None,
                   help='seeds whose runs also get the corruption suite '
                   '(mPC on the in-domain test split); default: none')
    p.add_argument('--robustness-split', default='test',
                   help='split the corruption suite runs on (default: the '
                   'in-domain test split, so mPC measures corruption alone)')
    p.add_argument('--corruptions', default='all')
    p.add_argument('--severities', default='1-5')
    p.add_argument('--cfg-options', nargs='+', default=None,
                   help='key=value overrides applied to every variant')
    return p.parse_args()


def _parse_options(items) -> dict:
    if not items:
        return {}
    from mmengine.config import DictAction
    ns = argparse.Namespace()
    DictAction(option_strings=[], dest='o')(None, ns, items)
    return ns.o


def _robustness_wanted(args, seed: int, result: dict) -> bool:
    """Whether ``result`` lacks the requested corruption evaluation."""
    if seed not in (args.robustness_seeds or []):
        return False
    from mmhdf.apis import parse_corruptions, parse_severities
    rob = result.get('robustness')
    return (rob is None
            or rob.get('split') != args.robustness_split
            or list(rob['corruptions']) != parse_corruptions(args.corruptions)
            or [int(s) for s in rob['severities']]
            != parse_severities(args.severities))


def run_one(args, variant: str, seed: int) -> dict:
    """Train + evaluate one (variant, seed); reuse a finished result.

    A finished run whose corruption evaluation is missing or used other
    corruptions / severities than requested is not retrained: only the
    corruption suite runs again, on its saved best-validation checkpoint.
    """
    work = osp.join(args.work_root, variant, f'seed{seed}')
    done = osp.join(work, 'ablation_result.json')
    record = run_record_path(args.out, variant, seed)
    cfg_options = _parse_options(args.cfg_options)
    t0 = time.time()
    if not osp.isfile(done) and osp.isfile(record):
        # finished in an earlier session whose work dir is gone
        with open(record) as f:
            out = json.load(f)
        if not _robustness_wanted(args, seed, out):
            return out
        print(f'[ablation] {variant} seed {seed}: corruption suite wanted '
              f'but {work} is gone; retraining', flush=True)
    if osp.isfile(done):
        with open(done) as f:
            out = json.load(f)
        if not _robustness_wanted(args, seed, out):
            _save_record(out, record)
            return out
        cfg = build_run_config(VARIANTS[variant], args.data, work, seed,
                               cfg_options)
        best = find_checkpoints(work)['best_val_UAR']
    else:
        res = train_and_evaluate(VARIANTS[variant], args.data, work,
                                 seed=seed, cfg_options=cfg_options)
        out = dict(variant=variant, seed=seed, rows=res['rows'],
                   best_epoch=res['checkpoints']['best_epoch'],
                   seconds=res['seconds'])
        cfg, best = res['cfg'], res['checkpoints']['best_val_UAR']
        # keep the training even if the corruption suite is interrupted
        out['seconds']['total'] = time.time() - t0
        t0 = time.time()
        with open(done, 'w') as f:
            json.dump(out, f, indent=2, default=float)
    if _robustness_wanted(args, seed, out):
        from mmhdf.apis import evaluate_robustness
        t1 = time.time()
        rob = evaluate_robustness(
            cfg, best, corruptions=args.corruptions,
            severities=args.severities, split=args.robustness_split,
            out_dir=osp.join(work, 'robustness'), progress=False)
        out['robustness'] = dict(
            split=args.robustness_split, mPC=rob['mPC'], rPC=rob['rPC'],
            clean={k: rob['clean'][k] for k in ('UAR', 'WAR')},
            corruptions=rob['corruptions'], severities=rob['severities'],
            results={c: {s: {k: r[k] for k in ('UAR', 'WAR')}
                         for s, r in by_sev.items()}
                     for c, by_sev in rob['results'].items()})
        out['seconds']['robustness'] = time.time() - t1
    out['seconds']['total'] = out['seconds'].get('total', 0.0) + (
        time.time() - t0)
    with open(done, 'w') as f:
        json.dump(out, f, indent=2, default=float)
    _save_record(out, record)
    return out


def run_record_path(out_dir: str, variant: str, seed: int) -> str:
    """Where the finished run's record is kept beside the results (small,
    committed), so the ablation resumes in a later session even when its
    work dirs are gone."""
    return osp.join(out_dir, 'runs', f'{variant}_seed{seed}.json')


def _save_record(out: dict, path: str) -> None:
    """Write a run record atomically (the whole result, a few kB)."""
    os.makedirs(osp.dirname(path), exist_ok=True)
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(out, f, indent=2, default=float)
    os.replace(tmp, path)


def _value(result: dict, split: str, key: str,
           checkpoint: str = 'best_val_UAR') -> float:
    if split == 'robustness':  # corruption mPC of the best-val checkpoint
        rob = result.get('robustness')
        if rob is None or checkpoint != 'best_val_UAR':
            return float('nan')
        return float(rob['mPC'][key])
    for r in result['rows']:
        if r['checkpoint'] == checkpoint and r['split'] == split:
            return float('nan') if r[key] is None else float(r[key])
    return float('nan')


def paired_interval(diffs, level: float = 0.95) -> dict:
    """Mean of paired differences with a Student-t interval.

    Args:
        diffs (Sequence[float]): One difference per seed (NaNs dropped).
        level (float): Confidence level. Defaults to 0.95.

    Returns:
        dict: ``mean``, ``low``, ``high`` (NaN bounds for fewer than two
        values), ``n`` and the ``values``.
    """
    from scipy import stats
    vals = np.asarray(diffs, dtype=float)
    vals = vals[np.isfinite(vals)]
    n = int(vals.size)
    if n == 0:
        return dict(mean=float('nan'), low=float('nan'), high=float('nan'),
                    n=0, values=[])
    mean = float(vals.mean())
    if n < 2:
        low = high = float('nan')
    else:
        half = float(stats.t.ppf(0.5 + level / 2, n - 1) *
                     vals.std(ddof=1) / np.sqrt(n))
        low, high = mean - half, mean + half
    return dict(mean=mean, low=low, high=high, n=n, values=vals.tolist())


def paired_summary(results: Dict[str, List[dict]]) -> dict:
    """Paired (same seed) differences of every comparison in
    :data:`COMPARISONS` whose two variants ran, per checkpoint and column.

    Returns:
        dict: comparison name -> checkpoint -> column title -> the
        :func:`paired_interval` of ``variant - reference`` and the seeds.
    """
    out = {}
    for name, variant, ref in COMPARISONS:
        if variant not in results or ref not in results:
            continue
        by_seed = {r['seed']: r for r in results[ref]}
        pairs = [(r, by_seed[r['seed']]) for r in results[variant]
                 if r['seed'] in by_seed]
        comp = dict(variant=variant, reference=ref,
                    seeds=[a['seed'] for a, _ in pairs])
        for ckpt in CHECKPOINTS:
            cols = {}
            for title, split, key in _columns(ckpt):
                cols[title] = paired_interval(
                    [_value(a, split, key, ckpt) - _value(b, split, key, ckpt)
                     for a, b in pairs])
            comp[ckpt] = cols
        out[name] = comp
    return out


def _columns(checkpoint: str) -> list:
    """The table columns, plus corruption mPC for the best-val checkpoint."""
    cols = list(COLUMNS)
    if checkpoint == 'best_val_UAR':
        cols += [('corruption mPC UAR', 'robustness', 'UAR')]
    return cols


def _interval_cell(d: dict) -> str:
    if d['n'] == 0:
        return 'n/a'
    if d['n'] < 2:
        return f"{d['mean']:+.2f}"
    mark = ' *' if d['low'] > 0 or d['high'] < 0 else ''
    return f"{d['mean']:+.2f} [{d['low']:+.2f}, {d['high']:+.2f}]{mark}"


def paired_markdown(paired: dict, protocol: str) -> str:
    """One table per checkpoint: comparison x column, ``mean [95 % CI]``;
    ``*`` marks an interval that excludes 0."""
    lines = [f'protocol: {protocol}',
             '', 'Paired differences (variant − reference, same seed), '
             'percentage points: mean [95 % t-interval]; * = the interval '
             'excludes 0.']
    for ckpt in CHECKPOINTS:
        titles = [t for t, _, _ in _columns(ckpt)]
        rows = []
        for name, comp in paired.items():
            cells = [comp[ckpt][t] for t in titles]
            if all(c['n'] == 0 for c in cells):
                continue
            rows.append(f"| {name} ({LABELS[comp['variant']]} − "
                        f"{LABELS[comp['reference']]}) | n = {cells[0]['n']} "
                        '| ' + ' | '.join(_interval_cell(c) for c in cells)
                        + ' |')
        if not rows:
            continue
        lines += ['', f'checkpoint: `{ckpt}`', '',
                  '| part | seeds | ' + ' | '.join(titles) + ' |',
                  '|---|---|' + '---|' * len(titles)] + rows
    return '\n'.join(lines)


def _std(vals: np.ndarray) -> float:
    """Sample standard deviation (ddof = 1) of the finite values; 0 for
    fewer than two."""
    vals = np.asarray(vals, dtype=float)
    vals = vals[np.isfinite(vals)]
    return float(vals.std(ddof=1)) if vals.size > 1 else 0.0


def _stats(vals) -> dict:
    """``mean`` (of the finite values; NaN if none), sample ``std`` and the
    ``values`` over seeds."""
    vals = np.asarray(vals, dtype=float)
    finite = vals[np.isfinite(vals)]
    return dict(mean=float(finite.mean()) if finite.size else float('nan'),
                std=_std(vals), values=vals.tolist())


def _cell(stats: dict) -> str:
    """A table cell: ``mean ± std``; a single seed has no spread, so it
    prints the value, not '± 0.00'."""
    if len(stats['values']) < 2:
        return f"{stats['mean']:.2f}"
    return f"{stats['mean']:.2f} ± {stats['std']:.2f}"


def _pyplot():
    """matplotlib.pyplot on the non-interactive Agg backend."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    return plt


def _save_figure(fig, ax, title: str, path: str) -> None:
    """Title, legend, layout; write ``path`` and close the figure."""
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    _pyplot().close(fig)


def summarise(results: Dict[str, List[dict]]) -> dict:
    """Mean and sample std (ddof = 1) over seeds of every table column, per
    variant."""
    summary = {}
    for variant, runs in results.items():
        cols = {}
        for title, split, key in COLUMNS:
            cols[title] = _stats([_value(r, split, key) for r in runs])
        for title, split, key in COLUMNS:
            if split == 'test_shifted' and key == 'UAR':
                cols[f'{title} (last epoch)'] = _stats(
                    [_value(r, split, key, 'last_epoch') for r in runs])
        rob = [r['robustness'] for r in runs if 'robustness' in r]
        if rob:
            for key in ('UAR', 'WAR'):
                cols[f'corruption mPC {key}'] = _stats(
                    [x['mPC'][key] for x in rob])
        summary[variant] = cols
    return summary


def to_markdown(summary: dict, protocol: str) -> str:
    """Render the summary as a markdown table whose first line is the
    protocol."""
    titles = list(next(iter(summary.values())).keys())
    lines = [f'protocol: {protocol}', '',
             '| variant | ' + ' | '.join(f'{t} (%)' for t in titles) + ' |',
             '|---|' + '---|' * len(titles)]
    for variant, cols in summary.items():
        cells = [_cell(cols[t]) for t in titles]
        lines.append(f'| {LABELS[variant]} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def plot(summary: dict, path: str) -> None:
    """Grouped bar chart with std error bars."""
    plt = _pyplot()
    titles = list(next(iter(summary.values())).keys())
    x = np.arange(len(titles))
    width = 0.8 / len(summary)
    fig, ax = plt.subplots(figsize=(2 + 1.6 * len(titles), 4))
    for i, (variant, cols) in enumerate(summary.items()):
        ax.bar(x + i * width, [cols[t]['mean'] for t in titles], width,
               yerr=[cols[t]['std'] for t in titles], label=LABELS[variant],
               capsize=3, alpha=0.75)
        for j, t in enumerate(titles):  # one dot per seed
            vals = [v for v in cols[t]['values'] if np.isfinite(v)]
            ax.scatter([x[j] + i * width] * len(vals), vals, s=9,
                       color='black', zorder=3, linewidths=0)
    ax.set_xticks(x + width * (len(summary) - 1) / 2)
    ax.set_xticklabels(titles, rotation=15, fontsize=8)
    ax.set_ylabel('%')
    _save_figure(fig, ax,
                 'SynDFER-H ablation (bars: mean ± std; dots: seeds)', path)


def seeds_markdown(results: Dict[str, List[dict]], protocol: str) -> str:
    """Per-seed values (best-validation checkpoint): variant x seed, for
    in-domain and shifted UAR and the epoch the checkpoint came from."""
    seeds = sorted({r['seed'] for runs in results.values() for r in runs})
    lines = [f'protocol: {protocol}', '',
             '| variant | metric | ' + ' | '.join(
                 f'seed {s}' for s in seeds) + ' |',
             '|---|---|' + '---|' * len(seeds)]
    for variant, runs in results.items():
        by_seed = {r['seed']: r for r in runs}
        for title, split, key in (('in-domain UAR', 'test', 'UAR'),
                                  ('shifted UAR', 'test_shifted', 'UAR')):
            cells = [f'{_value(by_seed[s], split, key):.2f}'
                     if s in by_seed else '' for s in seeds]
            lines.append(f'| {LABELS[variant]} | {title} | '
                         + ' | '.join(cells) + ' |')
        cells = [str(by_seed[s].get('best_epoch', '')) if s in by_seed else ''
                 for s in seeds]
        lines.append(f'| {LABELS[variant]} | best epoch | '
                     + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def domain_summary(results: Dict[str, List[dict]]) -> dict:
    """UAR per capture style (DFERMetric's ``domain`` groups) of the
    best-validation checkpoint, mean ± std over seeds.

    Returns:
        dict: split -> variant -> domain -> ``mean``/``std``/``values``.
    """
    out: dict = {}
    prefix = 'dfer/domain_UAR/'
    for variant, runs in results.items():
        for split in ('test', 'test_shifted'):
            per_dom: Dict[str, list] = {}
            for r in runs:
                for row in r['rows']:
                    if (row['checkpoint'] != 'best_val_UAR'
                            or row['split'] != split):
                        continue
                    for k, v in row.get('metrics', {}).items():
                        if k.startswith(prefix):
                            per_dom.setdefault(k[len(prefix):], []).append(v)
            out.setdefault(split, {})[variant] = {
                d: _stats(v) for d, v in sorted(per_dom.items())}
    return out


def domain_markdown(dsum: dict, protocol: str) -> str:
    """One table per split: capture style x variant, UAR mean ± std."""
    lines = [f'protocol: {protocol}']
    for split, by_var in dsum.items():
        variants = [v for v in by_var if by_var[v]]
        if not variants:
            continue
        domains = sorted({d for v in variants for d in by_var[v]})
        lines += ['', f'split `{split}`: UAR (%) per capture style', '',
                  '| capture style | ' + ' | '.join(
                      LABELS[v] for v in variants) + ' |',
                  '|---|' + '---|' * len(variants)]
        for d in domains:
            cells = [_cell(by_var[v][d]) if d in by_var[v] else 'n/a'
                     for v in variants]
            lines.append(f'| {d} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def robustness_summary(results: Dict[str, List[dict]]) -> dict:
    """Per-corruption and per-severity UAR, mean ± std over the seeds that
    ran the corruption suite.

    Returns:
        dict: variant -> ``corruptions`` (name -> mean/std/values of the UAR
        averaged over severities), ``severities`` (severity -> mean/std of
        the UAR averaged over corruptions; ``'0'`` is the clean UAR) and
        ``seeds``.
    """
    out = {}
    for variant, runs in results.items():
        runs = [r for r in runs if 'results' in r.get('robustness', {})]
        if not runs:
            continue
        robs = [r['robustness'] for r in runs]
        names = robs[0]['corruptions']
        sevs = [str(s) for s in robs[0]['severities']]
        per_corr = {c: _stats([np.mean([r['results'][c][s]['UAR']
                                       for s in sevs]) for r in robs])
                    for c in names}
        per_sev = {'0': _stats([r['clean']['UAR'] for r in robs])}
        per_sev.update({s: _stats([np.mean([r['results'][c][s]['UAR']
                                           for c in names]) for r in robs])
                        for s in sevs})
        out[variant] = dict(corruptions=per_corr, severities=per_sev,
                            seeds=[r['seed'] for r in runs])
    return out


def robustness_markdown(rsum: dict, protocol: str) -> str:
    """Corruption x variant table of UAR (mean over severities)."""
    variants = list(rsum)
    names = list(next(iter(rsum.values()))['corruptions'])
    lines = [f'protocol: {protocol}', '',
             '| corruption | ' + ' | '.join(
                 f'{LABELS[v]} UAR (%)' for v in variants) + ' |',
             '|---|' + '---|' * len(variants)]
    lines.append('| clean | ' + ' | '.join(
        _cell(rsum[v]['severities']['0']) for v in variants) + ' |')
    for c in names:
        lines.append(f'| {c} | ' + ' | '.join(
            _cell(rsum[v]['corruptions'][c]) for v in variants) + ' |')
    return '\n'.join(lines)


def plot_severity(rsum: dict, path: str) -> None:
    """UAR against corruption severity (0 = clean), one line per variant."""
    fig, ax = _pyplot().subplots(figsize=(5.5, 3.8))
    for variant, d in rsum.items():
        sevs = sorted(d['severities'], key=int)
        ax.errorbar([int(s) for s in sevs],
                    [d['severities'][s]['mean'] for s in sevs],
                    yerr=[d['severities'][s]['std'] for s in sevs],
                    marker='o', capsize=3, label=LABELS[variant])
    ax.set_xlabel('severity (0 = clean)')
    ax.set_ylabel('UAR (%), mean over corruptions')
    _save_figure(fig, ax,
                 'SynDFER-H corruption robustness (mean ± std over seeds)',
                 path)


def main() -> None:
    """Entry point."""
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    summary_gen = generate_benchmark(args.data, seed=args.bench_seed,
                                     preset=args.preset)
    counts = {s: sum(c.values()) for s, c in summary_gen['counts'].items()}
    results: Dict[str, List[dict]] = {v: [] for v in args.variants}
    # seed-major: an interrupted ablation leaves complete, paired seeds
    for seed in args.seeds:
        for variant in args.variants:
            print(f'[ablation] {variant} seed {seed}', flush=True)
            results[variant].append(run_one(args, variant, seed))
    from mmengine.config import Config
    epochs = Config.fromfile(VARIANTS[args.variants[0]]).train_cfg.max_epochs
    protocol = (
        f'SynDFER-H (benchmark seed {args.bench_seed}, preset '
        f'{args.preset}; train/val/test/test_shifted = {counts["train"]}/'
        f'{counts["val"]}/{counts["test"]}/{counts["test_shifted"]} clips); '
        f'R3D-18 width 16, 8x64^2, {epochs} epochs each, batch 16, same '
        f'schedule and the same settings of every part in every variant; '
        f'checkpoint = best validation UAR (and last epoch where marked); '
        f'training seeds '
        f'{args.seeds}; '
        + ('mean ± sample std (ddof 1) over seeds' if len(args.seeds) > 1 else
           'single seed: no spread')
        + (f'; corruption mPC (split {args.robustness_split}, corruptions '
           f'{args.corruptions}, severities {args.severities}, corruption '
           f'seed 0, model seeds {args.robustness_seeds})'
           if args.robustness_seeds else '')
        + f'; {machine_line()}')
    summary = summarise(results)
    paired = paired_summary(results)
    rsum = robustness_summary(results)
    dsum = domain_summary(results)
    write_report(args.out, 'ablation', to_markdown(summary, protocol),
                 dict(protocol=protocol, summary=summary, paired=paired,
                      robustness=rsum, domains=dsum, runs=results))
    plot(summary, osp.join(args.out, 'ablation.png'))
    ptable = paired_markdown(paired, protocol)
    print('\n' + ptable)
    with open(osp.join(args.out, 'ablation_paired.md'), 'w') as f:
        f.write(ptable + '\n')
    with open(osp.join(args.out, 'ablation_seeds.md'), 'w') as f:
        f.write(seeds_markdown(results, protocol) + '\n')
    dtable = domain_markdown(dsum, protocol)
    print('\n' + dtable)
    with open(osp.join(args.out, 'ablation_domains.md'), 'w') as f:
        f.write(dtable + '\n')
    if rsum:
        rtable = robustness_markdown(rsum, protocol)
        print('\n' + rtable)
        with open(osp.join(args.out, 'ablation_robustness.md'), 'w') as f:
            f.write(rtable + '\n')
        plot_severity(rsum, osp.join(args.out, 'ablation_robustness.png'))
    print(f'[ablation] wrote {args.out}/ablation.{{md,json,png}}'
          + ', ablation_paired.md, ablation_seeds.md, ablation_domains.md'
          + (' and ablation_robustness.{md,png}' if rsum else ''))


if __name__ == '__main__':
    main()
