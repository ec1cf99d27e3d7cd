#!/usr/bin/env python
"""Run a recipe over a dataset's whole protocol, then aggregate mean ± std.

For each fold (DFEW, MAFW: 1..5; FERV39k: its one official split), in
``<work-root>/fold<k>/`` (FERV39k: ``<work-root>/split/``):

1. **train** with ``tools/train.py CONFIG`` and the fold selected by
   ``--cfg-options {train,val,test}_dataloader.dataset.fold=<k>`` (and
   ``.data_root=<--data-root>``), so the base recipe serves every fold;
2. **test** the selected checkpoint (``best_*.pth``, the recipe's
   ``save_best``, e.g. best validation ``dfer/UAR``) and the last one with
   ``tools/test.py`` (once when they are the same epoch), writing
   ``best_test/test_confusion_matrix.json`` and
   ``last_test/test_confusion_matrix.json`` (``DFERMetric``);

then ``tools/analysis/aggregate_folds.py`` over all folds, written to
``<work-root>/folds.md``.

**Resumable per fold.** A fold whose results exist
(``run_folds_done.json``) is skipped; a fold whose training finished
(``run_folds_trained.json``) goes straight to testing; a fold with a
checkpoint but no finished training resumes with ``--resume`` (from its
``last_checkpoint``); otherwise it starts from scratch. Re-running the same
command after a crash or a preemption therefore continues where it stopped.

**Slurm.** ``--slurm`` prints (``--slurm-out FILE`` writes) an ``sbatch``
job-array script, one array task per fold, each running this tool for its
fold with ``--launcher slurm`` (training and tests under ``srun`` on
``--gpus`` GPUs); the aggregation is a second job depending on the array.

Example::

    python tools/run_folds.py \\
        configs/recognition/hdf/hdf_x3d-s-dam4_sam_8xb32-16x112-300e_dfew.py \\
        --data-root data/DFEW --folds 1 2 3 4 5 --amp
    python tools/run_folds.py CONFIG --dataset mafw --slurm --gpus 8 \\
        --slurm-out mafw.sbatch          # then: sbatch mafw.sbatch
"""
import argparse
import glob
import json
import os
import os.path as osp
import re
import shlex
import shutil
import subprocess
import sys
import time
from typing import Dict, List, Optional, Sequence

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))

#: dataset -> (dataset type in the config, folds of the protocol)
DATASETS: Dict[str, tuple] = {
    'dfew': ('DFEWDataset', (1, 2, 3, 4, 5)),
    'mafw': ('MAFWDataset', (1, 2, 3, 4, 5)),
    'ferv39k': ('FERV39kDataset', (None, )),
}
LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
DONE = 'run_folds_done.json'
TRAINED = 'run_folds_trained.json'
_CKPT = re.compile(r'(epoch|iter)_(\d+)\.pth$')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Command-line options.

    Args:
        argv (list[str], optional): Arguments (default ``sys.argv``).

    Returns:
        argparse.Namespace: The options.
    """
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('config', help='the recipe (any fold of it)')
    p.add_argument('--dataset', choices=sorted(DATASETS), default=None,
                   help="default: from the config's dataset type")
    p.add_argument('--data-root', default=None,
                   help="the dataset root (default: the config's)")
    p.add_argument('--folds', type=int, nargs='+', default=None,
                   help='folds to run (DFEW / MAFW, default 1 2 3 4 5; '
                   'FERV39k has one split: omit it)')
    p.add_argument('--work-root', default=None,
                   help='default work_dirs/<config name>')
    p.add_argument('--amp', action='store_true', help='train with --amp')
    p.add_argument('--seed', type=int, default=None)
    p.add_argument('--cfg-options', nargs='+', default=[],
                   help='key=value overrides for training and tests')
    p.add_argument('--launcher', choices=['none', 'pytorch', 'slurm'],
                   default='none')
    p.add_argument('--gpus', type=int, default=1,
                   help='processes per fold with --launcher pytorch/slurm')
    p.add_argument('--no-aggregate', action='store_true',
                   help='do not aggregate (e.g. one fold of a job array)')
    p.add_argument('--aggregate-only', action='store_true',
                   help='only aggregate the finished folds')
    p.add_argument('--dry-run', action='store_true',
                   help='print the commands, run nothing')
    p.add_argument('--slurm', action='store_true',
                   help='print an sbatch job-array script instead of running')
    p.add_argument('--slurm-out', default=None,
                   help='write the sbatch script here (implies --slurm)')
    p.add_argument('--partition', default=None, help='slurm partition')
    p.add_argument('--cpus-per-gpu', type=int, default=8)
    p.add_argument('--time', default='3-00:00:00', help='slurm time limit')
    p.add_argument('--python', default=sys.executable,
                   help='interpreter for the train / test tools')
    return p.parse_args(argv)


# --------------------------------------------------------------- protocol
def resolve(args: argparse.Namespace) -> argparse.Namespace:
    """Check the dataset against the config; fill folds and work root.

    Raises:
        SystemExit: A config / dataset / fold mismatch, naming the config.
    """
    from mmengine.config import Config
    if not osp.isfile(args.config):
        raise SystemExit(f'run_folds: config {args.config} does not exist')
    cfg = Config.fromfile(args.config)
    dtype = cfg.train_dataloader.dataset.get('type')
    if args.dataset is None:
        found = [k for k, (t, _) in DATASETS.items() if t == dtype]
        if not found:
            raise SystemExit(
                f'run_folds: {args.config}: dataset type {dtype!r} is not '
                f'one of {[t for t, _ in DATASETS.values()]}; pass --dataset')
        args.dataset = found[0]
    folds = DATASETS[args.dataset][1]
    if args.folds is None:
        args.folds = list(folds)
    elif folds == (None, ):
        raise SystemExit(f'run_folds: {args.dataset} has one official split;'
                         ' omit --folds')
    else:
        bad = [f for f in args.folds if f not in folds]
        if bad or len(set(args.folds)) != len(args.folds):
            raise SystemExit(f'run_folds: --folds {args.folds}: '
                             f'{args.dataset} folds are {list(folds)}, '
                             'each once')
    if args.work_root is None:
        args.work_root = osp.join(
            'work_dirs', osp.splitext(osp.basename(args.config))[0])
    args.work_root = osp.abspath(args.work_root)
    args.save_best = (cfg.get('default_hooks', {}).get('checkpoint', {})
                      or {}).get('save_best')
    if args.slurm_out:
        args.slurm = True
    return args


def fold_dir(args: argparse.Namespace, fold: Optional[int]) -> str:
    """Work dir of one fold (``fold<k>``, or ``split`` for FERV39k)."""
    return osp.join(args.work_root, 'split' if fold is None else
                    f'fold{fold}')


def fold_options(args: argparse.Namespace, fold: Optional[int]) -> List[str]:
    """``--cfg-options`` selecting the fold and the data root."""
    opts = []
    for loader in LOADERS:
        if fold is not None:
            opts.append(f'{loader}.dataset.fold={fold}')
        if args.data_root:
            opts.append(f'{loader}.dataset.data_root={args.data_root}')
    return opts + list(args.cfg_options)


def _launch(args: argparse.Namespace, tool: str) -> List[str]:
    """The command prefix running ``tool`` under ``args.launcher``."""
    path = osp.join(ROOT, 'tools', tool)
    if args.launcher == 'pytorch':
        return [args.python, '-m', 'torch.distributed.run',
                f'--nproc_per_node={args.gpus}', path]
    if args.launcher == 'slurm':
        return ['srun', f'--ntasks={args.gpus}',
                f'--ntasks-per-node={min(args.gpus, 8)}',
                '--kill-on-bad-exit=1', args.python, '-u', path]
    return [args.python, path]


def _launcher_flag(args: argparse.Namespace) -> List[str]:
    return [] if args.launcher == 'none' else ['--launcher', args.launcher]


def train_command(args: argparse.Namespace, fold: Optional[int],
                  resume: bool) -> List[str]:
    """``tools/train.py`` for one fold.

    Args:
        args (argparse.Namespace): Resolved options.
        fold (int | None): The fold (None: the single split).
        resume (bool): Add ``--resume`` (continue from the work dir's
            last checkpoint).

    Returns:
        list[str]: The command.
    """
    cmd = _launch(args, 'train.py') + [
        osp.abspath(args.config), '--work-dir', fold_dir(args, fold)]
    if resume:
        cmd.append('--resume')
    if args.amp:
        cmd.append('--amp')
    if args.seed is not None:
        cmd += ['--seed', str(args.seed)]
    return cmd + _launcher_flag(args) + ['--cfg-options'] + fold_options(
        args, fold)


def test_command(args: argparse.Namespace, fold: Optional[int],
                 checkpoint: str, name: str) -> List[str]:
    """``tools/test.py`` of one checkpoint; results in ``<fold>/<name>/``."""
    out = osp.join(fold_dir(args, fold), name)
    return _launch(args, 'test.py') + [
        osp.abspath(args.config), checkpoint, '--work-dir', out
    ] + _launcher_flag(args) + ['--cfg-options'] + fold_options(
        args, fold) + [f'test_evaluator.save_dir={out}']


def checkpoints(work_dir: str) -> Dict[str, Optional[str]]:
    """The selected (``best_*``) and last checkpoints of a finished run.

    Args:
        work_dir (str): The fold's work dir.

    Returns:
        dict: ``best`` (None without ``save_best``) and ``last`` paths.

    Raises:
        FileNotFoundError: No last checkpoint (naming the work dir).
    """
    last = None
    pointer = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(pointer):
        with open(pointer) as f:
            last = f.read().strip()
        if last and not osp.isabs(last):
            last = osp.join(work_dir, last)
    if not last or not osp.isfile(last):
        raise FileNotFoundError(f'{work_dir}: no last checkpoint '
                                f'(last_checkpoint -> {last!r})')
    best = sorted(glob.glob(osp.join(work_dir, 'best_*.pth')),
                  key=osp.getmtime)
    return dict(best=best[-1] if best else None, last=last)


def _same_epoch(a: str, b: str) -> bool:
    ma, mb = _CKPT.search(osp.basename(a)), _CKPT.search(osp.basename(b))
    return bool(ma and mb and ma.groups() == mb.groups())


def fold_state(work_dir: str) -> str:
    """``'done'``, ``'trained'``, ``'resume'`` (a checkpoint, training
    unfinished) or ``'new'``."""
    if osp.isfile(osp.join(work_dir, DONE)):
        return 'done'
    if osp.isfile(osp.join(work_dir, TRAINED)):
        return 'trained'
    if osp.isfile(osp.join(work_dir, 'last_checkpoint')):
        return 'resume'
    return 'new'


def _write_json(path: str, data: dict) -> None:
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(data, f, indent=1)
    os.replace(tmp, path)


def _run(cmd: List[str], args: argparse.Namespace, log: List[str]) -> None:
    line = ' '.join(shlex.quote(c) for c in cmd)
    log.append(line)
    print(f'run_folds: $ {line}', flush=True)
    if args.dry_run:
        return
    env = dict(os.environ)
    env['PYTHONPATH'] = ROOT + os.pathsep + env.get('PYTHONPATH', '')
    proc = subprocess.run(cmd, env=env)
    if proc.returncode != 0:
        raise SystemExit(f'run_folds: command failed with status '
                         f'{proc.returncode}: {line}')


def run_fold(args: argparse.Namespace, fold: Optional[int],
             log: List[str]) -> str:
    """Train and test one fold as far as it is not done.

    Returns:
        str: The fold's state before this call (see :func:`fold_state`).
    """
    work = fold_dir(args, fold)
    state = fold_state(work)
    name = 'split' if fold is None else f'fold {fold}'
    print(f'run_folds: {name}: {state} ({work})', flush=True)
    if state == 'done':
        return state
    os.makedirs(work, exist_ok=True)
    if state in ('new', 'resume'):
        _run(train_command(args, fold, resume=state == 'resume'), args, log)
        if args.dry_run:
            return state
        _write_json(osp.join(work, TRAINED),
                    dict(checkpoints(work), finished=time.time()))
    if args.dry_run:
        return state
    with open(osp.join(work, TRAINED)) as f:
        ckpts = json.load(f)
    selected = ckpts['best'] or ckpts['last']
    results = {}
    _run(test_command(args, fold, selected, 'best_test'), args, log)
    results['best'] = osp.join(work, 'best_test', 'test_confusion_matrix.json')
    last_json = osp.join(work, 'last_test', 'test_confusion_matrix.json')
    if _same_epoch(selected, ckpts['last']):
        # the selected checkpoint is the last epoch's: same weights
        os.makedirs(osp.dirname(last_json), exist_ok=True)
        shutil.copyfile(results['best'], last_json)
    else:
        _run(test_command(args, fold, ckpts['last'], 'last_test'), args, log)
    results['last'] = last_json
    for path in results.values():
        if not osp.isfile(path):
            raise SystemExit(f'run_folds: {name}: the test wrote no {path}')
    _write_json(osp.join(work, DONE), dict(
        fold=fold, selected=selected, last=ckpts['last'],
        selection='best' if ckpts['best'] else 'last', results=results))
    return state


def aggregate(args: argparse.Namespace) -> Optional[str]:
    """aggregate_folds.py over the finished folds -> ``folds.md``.

    Returns:
        str | None: The table's path, None if no fold has finished.
    """
    done = []
    for fold in args.folds:
        path = osp.join(fold_dir(args, fold), DONE)
        if osp.isfile(path):
            with open(path) as f:
                done.append(json.load(f))
    missing = len(args.folds) - len(done)
    if not done:
        print('run_folds: no finished fold to aggregate')
        return None
    if missing:
        print(f'run_folds: {missing} fold(s) not finished; aggregating '
              f'{len(done)}')
    sys.path.insert(0, osp.join(ROOT, 'tools', 'analysis'))
    import aggregate_folds
    selection = (f'best val {args.save_best} of each fold\'s run'
                 if all(d['selection'] == 'best' for d in done) else
                 'last epoch')
    out = osp.join(args.work_root, 'folds.md')
    argv = [d['results']['best'] for d in done]
    argv += ['--last'] + [d['results']['last'] for d in done]
    argv += ['--selection', selection, '--out', out]
    if args.seed is not None:
        argv += ['--seed', str(args.seed)]
    aggregate_folds.main(argv)
    return out


# ------------------------------------------------------------------ slurm
def slurm_script(args: argparse.Namespace, argv: Sequence[str]) -> str:
    """An sbatch job-array script: one task per fold, then aggregation.

    Args:
        args (argparse.Namespace): Resolved options.
        argv (list[str]): This tool's own arguments (re-used per fold,
            without the slurm / fold options).

    Returns:
        str: The script.
    """
    keep, skip = [], False
    drop_value = {'--folds', '--slurm-out', '--launcher', '--gpus',
                  '--partition', '--cpus-per-gpu', '--time'}
    for a in argv:
        if skip and a.startswith('--'):
            skip = False
        if skip:
            continue
        if a in drop_value:
            skip = True
            continue
        if a in ('--slurm', '--no-aggregate', '--aggregate-only',
                 '--dry-run'):
            continue
        keep.append(a)
    if '--work-root' not in keep:
        keep += ['--work-root', args.work_root]
    if args.dataset and '--dataset' not in keep:
        keep += ['--dataset', args.dataset]
    base = ' '.join(shlex.quote(a) for a in [
        args.python, osp.join(ROOT, 'tools', 'run_folds.py')] + keep)
    single = args.folds == [None]
    array = '0' if single else ','.join(str(f) for f in args.folds)
    name = f'{args.dataset}_{osp.splitext(osp.basename(args.config))[0]}'
    lines = [
        '#!/usr/bin/env bash',
        f'# {args.dataset} protocol of {args.config}: one array task per '
        'fold (resumable:',
        '# resubmitting skips finished folds and resumes unfinished ones).',
        f'#   jid=$(sbatch --parsable {args.slurm_out or "THIS_SCRIPT"})',
        '#   sbatch --dependency=afterany:$jid --wrap '
        f'"{base} --aggregate-only"',
        f'#SBATCH --job-name={name[:60]}',
        f'#SBATCH --array={array}',
        f'#SBATCH --ntasks={args.gpus}',
        f'#SBATCH --ntasks-per-node={min(args.gpus, 8)}',
        f'#SBATCH --gres=gpu:{min(args.gpus, 8)}',
        f'#SBATCH --cpus-per-task={args.cpus_per_gpu}',
        f'#SBATCH --time={args.time}',
        f'#SBATCH --output={args.work_root}/slurm-%A_%a.out',
    ]
    if args.partition:
        lines.append(f'#SBATCH --partition={args.partition}')
    lines += ['set -euo pipefail', f'cd {shlex.quote(ROOT)}',
              'case "$SLURM_ARRAY_TASK_ID" in']
    for fold in args.folds:
        task = 0 if fold is None else fold
        fold_arg = '' if fold is None else f' --folds {fold}'
        label = 'split' if fold is None else f'fold {fold}'
        lines.append(f'  {task}) # {label} -> {fold_dir(args, fold)}')
        lines.append(f'     {base}{fold_arg} --launcher slurm '
                     f'--gpus {args.gpus} --no-aggregate ;;')
    lines += ['  *) echo "no fold for task $SLURM_ARRAY_TASK_ID" >&2; '
              'exit 1 ;;', 'esac', '']
    return '\n'.join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point; returns the exit status."""
    raw = list(sys.argv[1:] if argv is None else argv)
    args = resolve(parse_args(raw))
    if args.slurm:
        text = slurm_script(args, raw)
        if args.slurm_out:
            os.makedirs(osp.dirname(osp.abspath(args.slurm_out)),
                        exist_ok=True)
            with open(args.slurm_out, 'w') as f:
                f.write(text)
            print(f'run_folds: wrote {args.slurm_out} '
                  f'({len(args.folds)} array task(s))')
        else:
            sys.stdout.write(text)
        return 0
    log: List[str] = []
    if not args.aggregate_only:
        os.makedirs(args.work_root, exist_ok=True)
        for fold in args.folds:
            run_fold(args, fold, log)
    if not args.no_aggregate and not args.dry_run:
        aggregate(args)
    return 0


if __name__ == '__main__':
    sys.exit(main())
