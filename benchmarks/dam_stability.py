#!/usr/bin/env python
"""Why does "+DAM" alone stall on SynDFER-H? A small study.

In the ablation (``benchmarks/ablation.py``) the +DAM variant stayed at the
class prior for training seeds 0 and 2 and trained well for seed 1. This
script retrains +DAM (``configs/ablation/r3d18-w16-dam4_1xb16-8x64-6e_syndfer-h-cpu.py``)
on stalled seeds with one change at a time and records the validation UAR
of every epoch (the selection metric; the test splits are evaluated once, on
the best-validation checkpoint, as in the ablation):

* ``epochs12``: twice the epochs (is it only a late start?);
* ``lr1e-3``: half the peak learning rate (step size?);
* ``clip1``: gradient-norm clipping at 1.0 (rare large steps?);
* ``baseline_clip1``: control, the baseline (no DAM) with the same clipping.

    python benchmarks/dam_stability.py                       # all, seed 2
    python benchmarks/dam_stability.py --studies lr1e-3 --seeds 0 2

Finished runs are reused and every finished run is listed. Writes ``benchmarks/results/ablation/v1/
dam_stability.{json,md}``.
"""
import argparse
import glob
import json
import os
import os.path as osp
import sys

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)

import mmhdf  # noqa: E402,F401
from mmhdf.apis.experiment import train_and_evaluate  # noqa: E402
from syndfer import generate_benchmark  # noqa: E402

CONFIG = 'configs/ablation/r3d18-w16-dam4_1xb16-8x64-6e_syndfer-h-cpu.py'
BASELINE = ('configs/recognition/baselines/'
            'r3d18-w16_1xb16-8x64-6e_syndfer-h-cpu.py')


def _schedule(epochs: int) -> list:
    """The CPU schedule (1 warm-up epoch, cosine) stretched to ``epochs``."""
    return [
        dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0,
             end=1, convert_to_iter_based=True),
        dict(type='CosineAnnealingLR', eta_min=1e-5, by_epoch=True, begin=1,
             end=epochs, convert_to_iter_based=True)
    ]


STUDIES = {
    'reference': {},
    'epochs12': dict(train_cfg=dict(max_epochs=12),
                     param_scheduler=_schedule(12)),
    'lr1e-3': {'optim_wrapper.optimizer.lr': 1e-3},
    'clip1': {'optim_wrapper.clip_grad': dict(max_norm=1.0)},
    # control: the baseline (no DAM) with the same clipping
    'baseline_clip1': {'optim_wrapper.clip_grad': dict(max_norm=1.0)},
}
# studies that train another config than +DAM
STUDY_CONFIGS = {'baseline_clip1': BASELINE}


def run_study(name: str, seed: int, data: str, work_root: str) -> dict:
    """Train one (study, seed) or reuse its finished record."""
    work = osp.join(work_root, name, f'seed{seed}')
    done = osp.join(work, 'study.json')
    if osp.isfile(done):
        with open(done) as f:
            out = json.load(f)
        out.setdefault('options', STUDIES[name])
        out.setdefault('config', STUDY_CONFIGS.get(name, CONFIG))
        return out
    res = train_and_evaluate(STUDY_CONFIGS.get(name, CONFIG), data, work,
                             seed=seed,
                             cfg_options=STUDIES[name])
    scalars = sorted(glob.glob(osp.join(work, '*', 'vis_data',
                                        'scalars.json')))[0]
    with open(scalars) as f:
        val = [json.loads(line)['dfer/UAR'] for line in f
               if 'dfer/UAR' in line]
    out = dict(study=name, seed=seed,
               config=STUDY_CONFIGS.get(name, CONFIG), options=STUDIES[name],
               val_UAR_per_epoch=val,
               rows=[{k: r[k] for k in ('checkpoint', 'split', 'WAR', 'UAR')}
                     for r in res['rows']],
               seconds=res['seconds'])
    with open(done, 'w') as f:
        json.dump(out, f, indent=1, default=float)
    return out


def main() -> None:
    """Entry point."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--studies', nargs='+', default=list(STUDIES)[1:],
                   choices=list(STUDIES))
    p.add_argument('--seeds', nargs='+', type=int, default=[2])
    p.add_argument('--data', default='data/syndfer_h')
    p.add_argument('--work-root', default='work_dirs/dam_study')
    p.add_argument('--out', default='benchmarks/results/ablation/v1')
    args = p.parse_args()
    generate_benchmark(args.data, seed=0, preset='default')
    for n in args.studies:
        for s in args.seeds:
            run_study(n, s, args.data, args.work_root)
    # the table lists every finished run under work_root, in study order
    records = [
        run_study(n, seed, args.data, args.work_root) for n in STUDIES
        for seed in sorted(
            int(osp.basename(osp.dirname(f))[len('seed'):])
            for f in glob.glob(osp.join(args.work_root, n, 'seed*',
                                        'study.json')))]
    lines = [
        'protocol: SynDFER-H (benchmark seed 0, preset default); +DAM '
        f'config {osp.basename(CONFIG)} (baseline_clip1: '
        f'{osp.basename(BASELINE)}) with one change per study; '
        'val UAR per epoch (selection metric); test rows = best-validation '
        'checkpoint', '',
        '| study | seed | val UAR per epoch (%) | test UAR (%) | '
        'test_shifted UAR (%) |', '|---|---|---|---|---|'
    ]
    for r in records:
        best = {row['split']: row['UAR'] for row in r['rows']
                if row['checkpoint'] == 'best_val_UAR'}
        lines.append(
            f"| {r['study']} | {r['seed']} | "
            + ' '.join(f'{v:.1f}' for v in r['val_UAR_per_epoch'])
            + f" | {best['test']:.2f} | {best['test_shifted']:.2f} |")
    table = '\n'.join(lines)
    print(table)
    os.makedirs(args.out, exist_ok=True)
    with open(osp.join(args.out, 'dam_stability.md'), 'w') as f:
        f.write(table + '\n')
    with open(osp.join(args.out, 'dam_stability.json'), 'w') as f:
        json.dump(records, f, indent=1, default=float)


if __name__ == '__main__':
    main()
