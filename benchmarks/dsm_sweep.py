#!/usr/bin/env python
"""Choose DSM's scaling constants on the SynDFER-H **validation** split.

The paper publishes neither α, β nor how ``g`` is formed. AdamW and SAM are
invariant to a common factor on the loss, so only the ratio
``λ_SC / λ_CE = β / (α·g)`` changes training; this sweep fixes α = 10 (the
released code's CE weight) and varies β, with ``g`` from the hook's default
``grad_source='deweighted'`` (no feedback loop). Each setting trains the
"+DSM" recipe (R3D-18 width 16, CE + DSM, AdamW, no SAM, no DAM: DSM alone,
so nothing else can take the credit) for several seeds; the baseline (CE
only) is trained with the same seeds as the reference. Only validation
metrics are read — the test splits are never evaluated here.

Reports per setting: best and last-epoch validation UAR (mean over seeds,
per-seed values), the median ``λ_SC``, ``g`` and DSM update share
(``‖λ_SC ∇L_DSM‖ / ‖λ_CE ∇L_CE‖`` on the last stage + head) over the
logged iterations.

    python benchmarks/dsm_sweep.py                            # β 0.1 1 10, seeds 0 1
    python benchmarks/dsm_sweep.py --betas 1 3 --seeds 0 1 2

Finished runs are reused. Writes ``benchmarks/results/dsm_sweep/
dsm_sweep.{json,md}``.
"""
import argparse
import glob
import json
import os
import os.path as osp
import shutil
import sys
import time
from typing import Dict, List, Optional

import numpy as np

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)

import mmhdf  # noqa: E402,F401
from mmengine.runner import Runner  # noqa: E402

from mmhdf.apis.experiment import build_run_config  # noqa: E402
from mmhdf.utils.machine import machine_line  # noqa: E402
from mmhdf.utils.report import write_report  # noqa: E402
from syndfer import generate_benchmark  # noqa: E402

DSM = 'configs/ablation/r3d18-w16_dsm_1xb16-8x64-6e_syndfer-h-cpu.py'
BASELINE = ('configs/recognition/baselines/'
            'r3d18-w16_1xb16-8x64-6e_syndfer-h-cpu.py')
ALPHA = 10.0


def parse_args() -> argparse.Namespace:
    """Parse the command line."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--betas', nargs='+', type=float, default=[0.1, 1.0, 10.])
    p.add_argument('--seeds', nargs='+', type=int, default=[0, 1])
    p.add_argument('--grad-source', default='deweighted')
    p.add_argument('--no-baseline', action='store_true')
    p.add_argument('--no-train', action='store_true',
                   help='only summarise the runs that have finished')
    p.add_argument('--data', default='data/syndfer_h')
    p.add_argument('--bench-seed', type=int, default=0)
    p.add_argument('--out', default='benchmarks/results/dsm_sweep')
    p.add_argument('--work-root', default='work_dirs/dsm_sweep')
    return p.parse_args()


def _median(rows: List[dict], key: str) -> Optional[float]:
    vals = [r[key] for r in rows if key in r]
    return float(np.median(vals)) if vals else None


def read_run(work: str) -> dict:
    """Validation UAR per epoch and training-scalar medians of one run.

    Args:
        work (str): The run's work dir (one timestamped log folder).

    Returns:
        dict: ``val_UAR`` / ``val_WAR`` (per epoch), ``best_val_UAR``,
        ``last_val_UAR`` and medians of ``lambda_ce``, ``lambda_sc``,
        ``dsm_grad_norm``, ``dsm_share`` over the logged training steps.
    """
    path = sorted(glob.glob(osp.join(work, '*', 'vis_data',
                                     'scalars.json')))[-1]
    with open(path) as f:
        rows = [json.loads(line) for line in f]
    val = [r for r in rows if 'dfer/UAR' in r]
    train = [r for r in rows if 'loss' in r]
    out = dict(val_UAR=[r['dfer/UAR'] for r in val],
               val_WAR=[r['dfer/WAR'] for r in val])
    out['best_val_UAR'] = max(out['val_UAR'])
    out['last_val_UAR'] = out['val_UAR'][-1]
    for key in ('lambda_ce', 'lambda_sc', 'dsm_grad_norm', 'dsm_share'):
        out[f'median_{key}'] = _median(train, key)
    return out


def run_one(config: str, options: dict, data: str, work: str,
            seed: int) -> dict:
    """Train one setting (or reuse it) and read its validation record."""
    done = osp.join(work, 'sweep_run.json')
    if osp.isfile(done):
        with open(done) as f:
            return json.load(f)
    if osp.isdir(work):
        shutil.rmtree(work)
    cfg = build_run_config(config, data, work, seed, options)
    cfg.experiment_name = f'sweep_{time.time_ns()}'
    # the sweep needs validation only: no checkpoint files
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=-1,
                                        save_last=False)
    t0 = time.time()
    Runner.from_cfg(cfg).train()
    out = dict(read_run(work), seed=seed, options=options, config=config,
               seconds=time.time() - t0)
    with open(done, 'w') as f:
        json.dump(out, f, indent=2)
    return out


def summarise(runs: Dict[str, List[dict]]) -> Dict[str, dict]:
    """Mean over seeds of best / last validation UAR, medians of the rest.

    Args:
        runs (dict): setting name -> runs (one per seed).

    Returns:
        dict: setting -> ``best_val_UAR`` / ``last_val_UAR`` (mean and
        per-seed ``values``) and the medians over seeds.
    """
    out = {}
    for name, rs in runs.items():
        row = {}
        for key in ('best_val_UAR', 'last_val_UAR'):
            vals = [r[key] for r in rs]
            row[key] = dict(mean=float(np.mean(vals)), values=vals)
        for key in ('median_lambda_sc', 'median_dsm_grad_norm',
                    'median_dsm_share'):
            vals = [r[key] for r in rs if r.get(key) is not None]
            row[key] = float(np.median(vals)) if vals else None
        out[name] = row
    return out


def to_markdown(summary: Dict[str, dict], protocol: str) -> str:
    """The sweep table, protocol first."""

    def num(v, fmt='.3g'):
        return 'n/a' if v is None else format(v, fmt)

    lines = [f'protocol: {protocol}', '',
             '| setting | best val UAR (%) | per seed | last val UAR (%) | '
             'λ_SC | g | DSM update share |', '|---|---|---|---|---|---|---|']
    for name, r in summary.items():
        best, last = r['best_val_UAR'], r['last_val_UAR']
        seeds = ' / '.join(f'{v:.1f}' for v in best['values'])
        lines.append(
            f"| {name} | {best['mean']:.2f} | {seeds} | {last['mean']:.2f} "
            f"| {num(r['median_lambda_sc'])} | "
            f"{num(r['median_dsm_grad_norm'])} | "
            f"{num(r['median_dsm_share'])} |")
    return '\n'.join(lines)


def main() -> None:
    """Entry point."""
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    generate_benchmark(args.data, seed=args.bench_seed)
    runs: Dict[str, List[dict]] = {}
    settings = [] if args.no_baseline else [('baseline (CE only)', BASELINE,
                                             {}, 'baseline')]
    for beta in args.betas:
        opts = {'custom_hooks.0.alpha': ALPHA, 'custom_hooks.0.beta': beta,
                'custom_hooks.0.grad_source': args.grad_source}
        settings.append((f'+DSM α={ALPHA:g} β={beta:g} g={args.grad_source}',
                         DSM, opts, f'{args.grad_source}_beta{beta:g}'))
    for name, config, opts, tag in settings:
        for seed in args.seeds:
            work = osp.join(args.work_root, tag, f'seed{seed}')
            if args.no_train and not osp.isfile(
                    osp.join(work, 'sweep_run.json')):
                continue
            print(f'[dsm_sweep] {name} seed {seed}', flush=True)
            runs.setdefault(name, []).append(
                run_one(config, opts, args.data, work, seed))
    seeds = {name: [r['seed'] for r in rs] for name, rs in runs.items()}
    protocol = (f'SynDFER-H (benchmark seed {args.bench_seed}), split val '
                '(selection only; test splits not evaluated); R3D-18 width '
                '16, 8x64^2, 6 epochs, batch 16, AdamW lr 2e-3, no SAM, no '
                f'DAM; seeds per setting {seeds}; best = max over epochs of '
                'val UAR, '
                'mean over seeds; λ_SC, g, share = medians over logged '
                f'iterations and seeds; {machine_line()}')
    summary = summarise(runs)
    write_report(args.out, 'dsm_sweep', to_markdown(summary, protocol),
                 dict(protocol=protocol, summary=summary, runs=runs))


if __name__ == '__main__':
    main()
