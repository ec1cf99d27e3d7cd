#!/usr/bin/env python
"""The main job: SynDFER-H → train the HDF CPU recipe → evaluate → report.

1. generates the embedded benchmark SynDFER-H if it is missing (cached);
2. trains the recipe (default: full HDF — DAM ×4 + DSM + SAM — on R3D-18
   width 16 at 16×64², sized for 2 CPU cores), selecting the checkpoint by
   validation UAR;
3. evaluates the selected and the last checkpoint on the in-domain test split
   and on the shifted test split (unseen capture styles and subjects);
4. prints WAR / UAR / worst-domain UAR with the protocol, writes
   ``results.json`` and the confusion-matrix PNGs into the work dir.

    python tools/main_job.py                       # defaults
    python tools/main_job.py --config configs/recognition/baselines/r3d18-w16_1xb16-8x64-6e_syndfer-h-cpu.py
"""
import argparse
import glob
import json
import os.path as osp
import sys
import time

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import mmhdf  # noqa: E402,F401
from mmengine.config import DictAction  # noqa: E402

from mmhdf.apis.experiment import train_and_evaluate  # noqa: E402
from mmhdf.utils.machine import describe_machine, machine_line  # noqa: E402
from mmhdf.utils.spread import ablation_spread, numerics_spread  # noqa: E402
from syndfer import generate_benchmark  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))

DEFAULT_CONFIG = ('configs/recognition/hdf/'
                  'hdf_r3d18-w16-dam4_1xb16-8x64-6e_syndfer-h-cpu.py')


def parse_args() -> argparse.Namespace:
    """Parse the command line.

    Returns:
        argparse.Namespace: The arguments.
    """
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--config', default=DEFAULT_CONFIG, help='recipe config')
    p.add_argument('--data', default='data/syndfer_h',
                   help='SynDFER-H folder (generated if missing)')
    p.add_argument('--preset', default='default',
                   help='SynDFER-H preset (default | tiny)')
    p.add_argument('--bench-seed', type=int, default=0,
                   help='seed of the generated benchmark')
    p.add_argument('--seed', type=int, default=0, help='training seed')
    p.add_argument('--work-dir', default='work_dirs/main_job')
    p.add_argument('--workers', type=int, default=None,
                   help='generator processes (default: all CPUs)')
    p.add_argument('--cfg-options', nargs='+', action=DictAction,
                   help='override config settings, key=value pairs')
    return p.parse_args()


def spread_lines(config: str) -> list:
    """What one run can support: the spread measured for this recipe.

    Args:
        config (str): The recipe the job trained.

    Returns:
        list[str]: Markdown lines (empty for other recipes or when nothing
        was measured).
    """
    if osp.normpath(config) != osp.normpath(DEFAULT_CONFIG):
        return []
    found = [line for line in (
        numerics_spread(osp.join(ROOT, 'benchmarks/results/numerics/'
                                 'numerics.json'), recipe='v3'),
        # the main job's recipe is the ablation's "+DAM+DSM" variant
        ablation_spread(osp.join(ROOT, 'benchmarks/results/ablation/'
                                 'ablation.json'), variant='dam_dsm'))
        if line]
    if not found:
        return []
    return ['', 'This is one run (one seed, one machine). Measured for the '
            'same recipe:'] + [f'- {line}' for line in found]


def main() -> None:
    """Entry point."""
    args = parse_args()
    t0 = time.time()
    print(f'[main job] SynDFER-H (seed {args.bench_seed}, preset '
          f'{args.preset}) at {args.data}', flush=True)
    summary = generate_benchmark(args.data, seed=args.bench_seed,
                                 preset=args.preset, workers=args.workers)
    t_gen = time.time() - t0
    counts = {s: sum(c.values()) for s, c in summary['counts'].items()}
    how = 'reused' if summary.get('cached') else (
        f"generated in {summary['seconds']:.1f} s "
        f"({summary['clips_per_s']:.1f} clips/s)")
    print(f'[main job] benchmark {how}: {counts}', flush=True)

    run = train_and_evaluate(args.config, args.data, args.work_dir,
                             seed=args.seed, cfg_options=args.cfg_options)
    rows, best_epoch = run['rows'], run['checkpoints']['best_epoch']
    t_train, t_eval = run['seconds']['training'], run['seconds']['evaluation']
    results_dir = osp.join(args.work_dir, 'results')

    with open(osp.join(args.data, 'syndfer_info.json')) as f:
        info = json.load(f)
    cfg = run['cfg']
    input_desc = (f"{cfg.get('clip_len', '?')} frames at "
                  f"{cfg.get('input_size', '?')}x{cfg.get('input_size', '?')}")
    protocol = (
        f'SynDFER-H v{info.get("generator_version", "?")} (benchmark seed '
        f'{args.bench_seed}, preset {args.preset}; train/val/test/'
        f'test_shifted = {counts.get("train")}/{counts.get("val")}/'
        f'{counts.get("test")}/{counts.get("test_shifted")} clips), fold 1, '
        f'frames clip_224x224 ({info["config"]["size"]} px, '
        f'{info["config"]["frames_range"][0]}-'
        f'{info["config"]["frames_range"][1]} frames per clip), '
        f'model input {input_desc}; recipe '
        f'{osp.basename(args.config)}; selection: best validation UAR '
        f'(epoch {best_epoch}) and last epoch, never the test splits; '
        f'training seed {args.seed}; {machine_line()}')
    lines = [f'protocol: {protocol}', '',
             '| checkpoint | split | WAR (%) | UAR (%) | worst-domain UAR (%) |',
             '|---|---|---|---|---|']
    for r in rows:
        worst = ('n/a' if r['worst_domain_UAR'] is None
                 else f"{r['worst_domain_UAR']:.2f}")
        lines.append(f"| {r['checkpoint']} | {r['split']} | {r['WAR']:.2f} "
                     f"| {r['UAR']:.2f} | {worst} |")
    total = time.time() - t0
    lines += ['', f'time: generation {t_gen:.0f} s, training {t_train:.0f} s, '
              f'evaluation {t_eval:.0f} s, total {total:.0f} s']
    lines += spread_lines(args.config)
    table = '\n'.join(lines)
    print('\n' + table, flush=True)
    with open(osp.join(args.work_dir, 'results.md'), 'w') as f:
        f.write(table + '\n')
    with open(osp.join(args.work_dir, 'results.json'), 'w') as f:
        json.dump(dict(protocol=protocol, rows=rows, seconds=dict(
            generation=t_gen, training=t_train, evaluation=t_eval,
            total=total), benchmark=summary.get('counts'),
            machine=describe_machine()), f, indent=2)
    pngs = sorted(glob.glob(osp.join(results_dir, '*.png')))
    print(f'[main job] results: {args.work_dir}/results.md, results.json; '
          f'confusion matrices: {", ".join(osp.basename(p) for p in pngs)} '
          f'in {results_dir}')


if __name__ == '__main__':
    main()
