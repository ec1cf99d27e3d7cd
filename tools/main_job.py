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
    python tools/main_job.py --config configs/baseline/r3d18-w16_16x64_syndfer-h_cpu.py
"""
import argparse
import glob
import json
import os
import os.path as osp
import shutil
import sys
import time

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import mmhdf  # noqa: E402,F401
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from mmhdf.syndfer import generate_benchmark  # noqa: E402

DEFAULT_CONFIG = 'configs/hdf/hdf_r3d18-w16_sam_16x64_syndfer-h_cpu.py'
EVAL_SPLITS = ('test', 'test_shifted')


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


def set_data(cfg: Config, root: str) -> None:
    """Point every data loader of ``cfg`` at ``root``."""
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[name].dataset.data_root = root


def evaluate(cfg: Config, ckpt: str, split: str, tag: str,
             out_dir: str) -> dict:
    """Test ``ckpt`` on one split; return its metrics.

    Args:
        cfg (Config): The training config.
        ckpt (str): Checkpoint path.
        split (str): SynDFER-H split name.
        tag (str): Tag of the run (file names, experiment name).
        out_dir (str): Where the metric writes its confusion matrix.

    Returns:
        dict: The metrics (``dfer/WAR``, ``dfer/UAR``, ...).
    """
    tcfg = cfg.copy()
    tcfg.test_dataloader.dataset.split = split
    tcfg.test_evaluator = dict(tcfg.test_evaluator, tag=tag,
                               save_dir=out_dir)
    tcfg.load_from = ckpt
    tcfg.resume = False
    tcfg.work_dir = osp.join(cfg.work_dir, 'eval', tag)
    tcfg.experiment_name = f'eval_{tag}_{time.time_ns()}'
    return Runner.from_cfg(tcfg).test()


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

    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    set_data(cfg, args.data)
    cfg.work_dir = args.work_dir
    cfg.randomness = dict(cfg.get('randomness', {}), seed=args.seed)
    cfg.experiment_name = f'train_{time.time_ns()}'
    if osp.isdir(args.work_dir):
        shutil.rmtree(args.work_dir)
    t1 = time.time()
    Runner.from_cfg(cfg).train()
    t_train = time.time() - t1

    best = sorted(glob.glob(osp.join(args.work_dir, 'best_dfer_UAR_*.pth')))
    last_file = osp.join(args.work_dir, 'last_checkpoint')
    with open(last_file) as f:
        last = f.read().strip()
    if not best:
        raise RuntimeError(f'no best checkpoint in {args.work_dir}')
    best_epoch = int(best[-1].rsplit('_epoch_', 1)[1].split('.')[0])
    results_dir = osp.join(args.work_dir, 'results')
    os.makedirs(results_dir, exist_ok=True)
    t2 = time.time()
    rows = []
    for sel, ckpt in (('best_val_UAR', best[-1]), ('last_epoch', last)):
        for split in EVAL_SPLITS:
            tag = f'{split}_{sel}'
            m = evaluate(cfg, ckpt, split, tag, results_dir)
            rows.append(dict(
                checkpoint=sel, split=split, WAR=m['dfer/WAR'],
                UAR=m['dfer/UAR'],
                worst_domain_UAR=m.get('dfer/worst_group_UAR'),
                metrics={k: float(v) for k, v in m.items()}))
    t_eval = time.time() - t2

    with open(osp.join(args.data, 'syndfer_info.json')) as f:
        info = json.load(f)
    protocol = (
        f'SynDFER-H v{info.get("generator_version", "?")} (benchmark seed '
        f'{args.bench_seed}, preset {args.preset}; train/val/test/'
        f'test_shifted = {counts.get("train")}/{counts.get("val")}/'
        f'{counts.get("test")}/{counts.get("test_shifted")} clips), fold 1, '
        f'frames clip_224x224 (64 px), 16 frames at 64x64; recipe '
        f'{osp.basename(args.config)}; selection: best validation UAR '
        f'(epoch {best_epoch}) and last epoch, never the test splits; '
        f'training seed {args.seed}')
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
    table = '\n'.join(lines)
    print('\n' + table, flush=True)
    with open(osp.join(args.work_dir, 'results.md'), 'w') as f:
        f.write(table + '\n')
    with open(osp.join(args.work_dir, 'results.json'), 'w') as f:
        json.dump(dict(protocol=protocol, rows=rows, seconds=dict(
            generation=t_gen, training=t_train, evaluation=t_eval,
            total=total), benchmark=summary.get('counts')), f, indent=2)
    pngs = sorted(glob.glob(osp.join(results_dir, '*.png')))
    print(f'[main job] results: {args.work_dir}/results.md, results.json; '
          f'confusion matrices: {", ".join(osp.basename(p) for p in pngs)} '
          f'in {results_dir}')


if __name__ == '__main__':
    main()
