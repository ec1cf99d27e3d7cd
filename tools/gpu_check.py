#!/usr/bin/env python
"""GPU check: the paper recipe at speed on one device, in one command.

1. generates a small SynDFER-H (DFEW layout) at ``--size`` (112 by
   default) with :func:`syndfer.generate_benchmark`;
2. **throughput run**: trains the paper recipe (X3D-S + 4 DAM + DSM + SAM,
   ``configs/recognition/hdf/hdf_x3d-s-dam4_sam_8xb32-16x112-300e_dfew.py``,
   its own train pipeline and data preprocessor) with ``--amp`` semantics
   (``AmpSAMOptimWrapper``) for ``--iters`` iterations on ``--device``, and
   measures clips/s, the data-loading share of the iteration time
   (``data_time / time``), peak GPU memory, the loss scale and skipped
   steps;
3. **loss trajectory check**: the first ``--compare-iters`` iterations again
   on the device (AMP) and on the CPU in fp32 (a subprocess with no GPU
   visible when the device is CUDA), same seed, same batches (no worker
   processes, head dropout off), and compares the losses step by step.

Prints a summary and writes every figure to ``<work-dir>/gpu_check.json``.
Exit status 0 when all losses are finite, the trajectories agree within
``--loss-rtol`` and the run took at most ``--budget-s`` seconds; 1
otherwise. ``tools/gpu_check.sh`` is the one-line wrapper; the defaults run
in well under 5 minutes on one recent GPU. The CPU path
(``--device cpu --tiny``) is part of the test suite
(``tests/tools/test_gpu_check.py``).

Example::

    bash tools/gpu_check.sh                       # CUDA, defaults
    python tools/gpu_check.py --device cpu --tiny --work-dir /tmp/gc
"""
import argparse
import json
import math
import os
import os.path as osp
import platform
import resource
import subprocess
import sys
import time
from typing import Any, List, Optional

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)

RECIPE = osp.join(ROOT, 'configs/recognition/hdf/'
                  'hdf_x3d-s-dam4_sam_8xb32-16x112-300e_dfew.py')
#: The recipe's clip length and side, replaced by --clip-len / --size.
RECIPE_CLIP_LEN, RECIPE_SIZE = 16, 112
#: --tiny: sizes of the CPU path (the test suite's run).
TINY = dict(size=32, clip_len=4, batch_size=2, iters=3, warmup=1,
            compare_iters=2, compare_batch=2, num_train=14, workers=0)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Command-line options.

    Args:
        argv (list[str], optional): Arguments (default: ``sys.argv``).

    Returns:
        argparse.Namespace: The options, ``--tiny`` defaults applied.
    """
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--device', default='cuda', choices=['cuda', 'cpu'])
    p.add_argument('--work-dir', default='work_dirs/gpu_check')
    p.add_argument('--tiny', action='store_true',
                   help='CPU-test sizes: ' + ', '.join(
                       f'{k}={v}' for k, v in TINY.items()))
    p.add_argument('--size', type=int, default=None,
                   help='frame side of the data and the clips (112)')
    p.add_argument('--clip-len', type=int, default=None,
                   help='frames per clip (16)')
    p.add_argument('--batch-size', type=int, default=None,
                   help='throughput batch (32, the recipe per GPU)')
    p.add_argument('--iters', type=int, default=None,
                   help='throughput iterations (120)')
    p.add_argument('--warmup', type=int, default=None,
                   help='first iterations left out of the rates (20)')
    p.add_argument('--workers', type=int, default=None,
                   help='data loader workers (min(8, CPUs))')
    p.add_argument('--num-train', type=int, default=None,
                   help='generated training clips (512)')
    p.add_argument('--compare-iters', type=int, default=None,
                   help='iterations of the device-vs-CPU loss check (3)')
    p.add_argument('--compare-batch', type=int, default=None,
                   help='batch of the loss check (4)')
    p.add_argument('--amp-dtype', default=None,
                   choices=['float16', 'bfloat16'],
                   help='autocast type (default float16 on CUDA, '
                   'bfloat16 on CPU)')
    p.add_argument('--loss-rtol', type=float, default=0.02,
                   help='max relative loss difference device vs CPU fp32')
    p.add_argument('--budget-s', type=float, default=300.0,
                   help='fail if the whole check takes longer')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--json', default=None,
                   help='output JSON (default <work-dir>/gpu_check.json)')
    # internal: the CPU reference run in a subprocess
    p.add_argument('--reference-only', default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    defaults = dict(size=RECIPE_SIZE, clip_len=RECIPE_CLIP_LEN,
                    batch_size=32, iters=120, warmup=20,
                    workers=min(8, os.cpu_count() or 1), num_train=512,
                    compare_iters=3, compare_batch=4)
    if args.tiny:
        defaults.update(TINY)
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.warmup >= args.iters:
        p.error(f'--warmup ({args.warmup}) must be < --iters ({args.iters})')
    return args


# ---------------------------------------------------------------- data
def generate_data(root: str, args: argparse.Namespace) -> dict:
    """A small SynDFER-H at ``args.size`` (reused when identical).

    Args:
        root (str): Output folder.
        args (argparse.Namespace): Sizes and seed.

    Returns:
        dict: ``clips``, ``seconds``, ``root``, ``cached``.
    """
    from syndfer import generate_benchmark
    workers = max(1, min(16, os.cpu_count() or 1))
    if args.tiny:
        workers = 1
    summary = generate_benchmark(
        root, seed=args.seed, preset='tiny', workers=workers,
        progress=False, size=args.size, num_train=args.num_train,
        num_val=7, num_test=7, num_shifted=7,
        frames_range=(max(11, args.clip_len), max(20, 2 * args.clip_len)),
        mean_frames=float(max(14, 2 * args.clip_len)))
    return dict(root=root, clips=summary['num_clips'],
                seconds=round(summary['seconds'], 2),
                cached=summary['cached'])


# -------------------------------------------------------------- config
def _resize(obj: Any, clip_len: int, size: int) -> Any:
    """Replace the recipe's clip length and 112-pixel sides everywhere in a
    pipeline / preprocessor config (returns a new object)."""
    if isinstance(obj, dict):
        out = {}
        for key, value in obj.items():
            if key in ('clip_len', 'num_frames') and value == RECIPE_CLIP_LEN:
                out[key] = clip_len
            elif value == RECIPE_SIZE and key in ('size', 'input_size',
                                                  'crop_size'):
                out[key] = size
            else:
                out[key] = _resize(value, clip_len, size)
        return out
    if isinstance(obj, (list, tuple)):
        if len(obj) == 2 and all(v == RECIPE_SIZE for v in obj):
            return type(obj)((size, size))
        return type(obj)(_resize(v, clip_len, size) for v in obj)
    return obj


def build_cfg(args: argparse.Namespace, data_root: str, work_dir: str, *,
              amp: bool, batch_size: int, iters: int, workers: int,
              deterministic_batches: bool):
    """The paper recipe, pointed at the generated data, for ``iters``
    iterations without validation or checkpoints.

    Args:
        args (argparse.Namespace): Sizes, seed, AMP type.
        data_root (str): The generated SynDFER-H.
        work_dir (str): This run's work dir.
        amp (bool): ``--amp`` semantics (AmpSAMOptimWrapper).
        batch_size (int): Clips per iteration.
        iters (int): Iterations.
        workers (int): Data loader worker processes.
        deterministic_batches (bool): Head dropout off (the loss check:
            CPU and CUDA draw different dropout masks).

    Returns:
        mmengine.config.Config: The config.
    """
    from mmengine.config import Config

    from mmhdf.engine.optimizers.amp_config import amp_optim_wrapper
    cfg = Config.fromfile(RECIPE)
    cl, size = args.clip_len, args.size
    train_pipeline = _resize(cfg.train_pipeline, cl, size)
    cfg.model = _resize(cfg.model.to_dict(), cl, size)
    cfg.model.backbone.num_frames = cl
    if deterministic_batches:
        cfg.model.cls_head.dropout_ratio = 0.0
    cfg.train_dataloader = dict(
        batch_size=batch_size, num_workers=workers,
        persistent_workers=workers > 0,
        sampler=dict(type='InfiniteSampler', shuffle=True),
        dataset=dict(type='DFEWDataset', data_root=data_root, fold=1,
                     split='train', frames_variant='clip_224x224',
                     pipeline=train_pipeline))
    for key in ('val_dataloader', 'val_evaluator', 'val_cfg',
                'test_dataloader', 'test_evaluator', 'test_cfg'):
        cfg[key] = None
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=iters)
    cfg.param_scheduler = []  # constant lr: timing and loss check only
    cfg.default_hooks.checkpoint = None
    cfg.default_hooks.logger = dict(type='LoggerHook', interval=10)
    cfg.work_dir = work_dir
    cfg.experiment_name = f'gpu_check_{osp.basename(work_dir)}'
    cfg.randomness = dict(seed=args.seed, deterministic=False)
    cfg.env_cfg.cudnn_benchmark = args.device == 'cuda' and not \
        deterministic_batches
    if amp:
        amp_optim_wrapper(cfg.optim_wrapper, RECIPE)
        if args.amp_dtype:
            cfg.optim_wrapper.dtype = args.amp_dtype
    return cfg


# ----------------------------------------------------------- recording
def _recorder():
    """A hook recording per-iteration wall, data time, loss, loss scale."""
    from mmengine.hooks import Hook

    class Recorder(Hook):
        priority = 'LOWEST'

        def __init__(self) -> None:
            self.rows: List[dict] = []
            self._last = None
            self._data_t = 0.0

        def before_train(self, runner) -> None:
            self._last = time.perf_counter()

        def before_train_iter(self, runner, batch_idx, data_batch=None):
            self._data_t = time.perf_counter() - self._last

        def after_train_iter(self, runner, batch_idx, data_batch=None,
                             outputs=None) -> None:
            import torch
            if torch.cuda.is_available():
                torch.cuda.synchronize()
            now = time.perf_counter()
            wrapper = runner.optim_wrapper
            scaler = getattr(wrapper, 'loss_scaler', None)
            g = runner.message_hub.log_scalars.get('train/dsm_grad_norm')
            self.rows.append(dict(
                loss=float(outputs['loss']),
                time=now - self._last, data_time=self._data_t,
                loss_scale=scaler.get_scale() if scaler is not None else None,
                skipped=getattr(wrapper, 'last_step_skipped', None),
                dsm_g=float(g.current()) if g is not None else None))
            self._last = now

    return Recorder()


def train(cfg) -> List[dict]:
    """Build the Runner, train, return the recorder's rows."""
    from mmengine.runner import Runner
    runner = Runner.from_cfg(cfg)
    recorder = _recorder()
    runner.register_hook(recorder)
    runner.train()
    return recorder.rows


def _device_name(device: str) -> str:
    import torch
    if device == 'cuda':
        return torch.cuda.get_device_name(0)
    return platform.processor() or platform.machine()


def throughput(rows: List[dict], warmup: int, batch: int) -> dict:
    """Rates over the iterations after ``warmup``.

    Args:
        rows (list[dict]): The recorder's rows.
        warmup (int): Iterations left out.
        batch (int): Clips per iteration.

    Returns:
        dict: ``clips_per_s``, ``iter_time_s`` and ``data_time_s`` (means),
        ``data_time_fraction``, ``measured_iters``.
    """
    timed = rows[warmup:]
    total = sum(r['time'] for r in timed)
    data = sum(r['data_time'] for r in timed)
    return dict(measured_iters=len(timed),
                clips_per_s=round(batch * len(timed) / total, 2),
                iter_time_s=round(total / len(timed), 4),
                data_time_s=round(data / len(timed), 4),
                data_time_fraction=round(data / total, 4))


def reference_losses(args: argparse.Namespace, data_root: str,
                     work_dir: str) -> List[float]:
    """The loss check's fp32 CPU run (in this process).

    Returns:
        list[float]: Per-iteration losses.
    """
    cfg = build_cfg(args, data_root, work_dir, amp=False,
                    batch_size=args.compare_batch, iters=args.compare_iters,
                    workers=0, deterministic_batches=True)
    return [r['loss'] for r in train(cfg)]


def cpu_reference(args: argparse.Namespace, data_root: str,
                  work_dir: str) -> List[float]:
    """fp32 CPU losses: in-process on a CPU run, else in a subprocess that
    sees no GPU (mmengine puts the model on CUDA whenever it can)."""
    if args.device == 'cpu':
        return reference_losses(args, data_root, work_dir)
    out = osp.join(work_dir, 'losses.json')
    cmd = [sys.executable, osp.abspath(__file__), '--device', 'cpu',
           '--reference-only', out, '--work-dir', work_dir,
           '--size', str(args.size), '--clip-len', str(args.clip_len),
           '--compare-iters', str(args.compare_iters),
           '--compare-batch', str(args.compare_batch),
           '--num-train', str(args.num_train), '--seed', str(args.seed)]
    env = dict(os.environ, CUDA_VISIBLE_DEVICES='')
    env['PYTHONPATH'] = ROOT + os.pathsep + env.get('PYTHONPATH', '')
    subprocess.run(cmd, check=True, env=env)
    with open(out) as f:
        return json.load(f)


def compare(device: List[float], cpu: List[float], rtol: float) -> dict:
    """Step-by-step relative difference of two loss trajectories.

    Returns:
        dict: both trajectories, ``max_rel_diff``, ``rtol``, ``ok``.
    """
    diffs = [abs(a - b) / max(abs(b), 1e-12) for a, b in zip(device, cpu)]
    finite = all(math.isfinite(v) for v in device + cpu)
    worst = max(diffs) if diffs else float('nan')
    return dict(device_losses=device, cpu_fp32_losses=cpu,
                rel_diffs=[round(d, 6) for d in diffs],
                max_rel_diff=round(worst, 6), rtol=rtol,
                ok=bool(finite and len(device) == len(cpu) and diffs
                        and worst <= rtol))


# ------------------------------------------------------------------ main
def run_check(args: argparse.Namespace) -> dict:
    """All three steps; returns the report (also written as JSON)."""
    import torch
    start = time.perf_counter()
    if args.device == 'cuda' and not torch.cuda.is_available():
        raise SystemExit('gpu_check: --device cuda but torch sees no CUDA '
                         'device (use --device cpu for the CPU path)')
    if args.device == 'cpu':
        torch.set_num_threads(int(os.environ.get('OMP_NUM_THREADS', '0'))
                              or torch.get_num_threads())
    work = osp.abspath(args.work_dir)
    os.makedirs(work, exist_ok=True)
    data = generate_data(osp.join(work, 'syndfer_h'), args)

    if args.device == 'cuda':
        torch.cuda.reset_peak_memory_stats()
    cfg = build_cfg(args, data['root'], osp.join(work, 'throughput'),
                    amp=True, batch_size=args.batch_size, iters=args.iters,
                    workers=args.workers, deterministic_batches=False)
    dtype = cfg.optim_wrapper.get('dtype') or (
        'float16' if args.device == 'cuda' else 'bfloat16')
    rows = train(cfg)
    speed = throughput(rows, args.warmup, args.batch_size)
    peak = (torch.cuda.max_memory_allocated() / 2**20
            if args.device == 'cuda' else None)

    cfg = build_cfg(args, data['root'], osp.join(work, 'compare_device'),
                    amp=True, batch_size=args.compare_batch,
                    iters=args.compare_iters, workers=0,
                    deterministic_batches=True)
    device_losses = [r['loss'] for r in train(cfg)]
    cpu_losses = cpu_reference(args, data['root'],
                               osp.join(work, 'compare_cpu'))
    check = compare(device_losses, cpu_losses, args.loss_rtol)

    losses = [r['loss'] for r in rows]
    seconds = time.perf_counter() - start
    report = dict(
        tool='tools/gpu_check.py', recipe=osp.relpath(RECIPE, ROOT),
        device=args.device, device_name=_device_name(args.device),
        torch=torch.__version__, amp_dtype=dtype,
        optim_wrapper=cfg.optim_wrapper.type,
        clip_len=args.clip_len, size=args.size, batch_size=args.batch_size,
        iters=args.iters, warmup=args.warmup, workers=args.workers,
        data=data, **speed,
        peak_gpu_mem_mb=None if peak is None else round(peak, 1),
        peak_rss_mb=round(resource.getrusage(
            resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        losses=[round(v, 5) for v in losses],
        iter_times_s=[round(r['time'], 5) for r in rows],
        data_times_s=[round(r['data_time'], 5) for r in rows],
        losses_finite=all(math.isfinite(v) for v in losses),
        skipped_steps=sum(1 for r in rows if r['skipped']),
        final_loss_scale=rows[-1]['loss_scale'],
        dsm_g_finite=all(r['dsm_g'] is None or math.isfinite(r['dsm_g'])
                         for r in rows),
        loss_check=check,
        total_seconds=round(seconds, 1), budget_s=args.budget_s)
    report['ok'] = bool(report['losses_finite'] and report['dsm_g_finite']
                        and check['ok'] and seconds <= args.budget_s)
    path = args.json or osp.join(work, 'gpu_check.json')
    with open(path, 'w') as f:
        json.dump(report, f, indent=1)
    report['json'] = path
    return report


def summary(report: dict) -> str:
    """Human-readable lines of the report."""
    mem = report['peak_gpu_mem_mb']
    check = report['loss_check']
    pairs = ', '.join(f'{a:.4f}/{b:.4f}' for a, b in zip(
        check['device_losses'], check['cpu_fp32_losses']))
    return '\n'.join([
        f"gpu_check: {report['recipe']} on {report['device']} "
        f"({report['device_name']}), AMP {report['amp_dtype']} "
        f"({report['optim_wrapper']}), {report['clip_len']}x"
        f"{report['size']}^2, batch {report['batch_size']}, "
        f"{report['workers']} workers",
        f"data: {report['data']['clips']} SynDFER-H clips in "
        f"{report['data']['seconds']} s"
        + (' (reused)' if report['data']['cached'] else ''),
        f"throughput: {report['clips_per_s']} clips/s over "
        f"{report['measured_iters']} iterations (after {report['warmup']} "
        f"warm-up); iteration {report['iter_time_s']} s, data_time "
        f"{report['data_time_s']} s ({100 * report['data_time_fraction']:.1f}"
        f" % of the iteration)",
        'peak GPU memory: ' + ('n/a (CPU)' if mem is None else
                               f'{mem:.0f} MiB')
        + f"; peak host RSS {report['peak_rss_mb']:.0f} MiB",
        f"loss: {report['losses'][0]:.4f} -> {report['losses'][-1]:.4f}; "
        f"skipped steps {report['skipped_steps']}, final loss scale "
        f"{report['final_loss_scale']}",
        f"loss check (device AMP / CPU fp32, first "
        f"{len(check['device_losses'])} iterations): {pairs}; max rel diff "
        f"{check['max_rel_diff']:.2e} (rtol {check['rtol']}) -> "
        + ('ok' if check['ok'] else 'MISMATCH'),
        f"total {report['total_seconds']} s (budget {report['budget_s']:.0f}"
        f" s) -> " + ('PASS' if report['ok'] else 'FAIL'),
        f"json: {report['json']}"])


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point; returns the exit status."""
    import mmhdf  # noqa: F401  (registration)
    from mmhdf.compat import apply as apply_compat
    apply_compat()
    args = parse_args(argv)
    if args.reference_only:
        work = osp.abspath(args.work_dir)
        losses = reference_losses(args, osp.join(osp.dirname(work),
                                                 'syndfer_h'), work)
        with open(args.reference_only, 'w') as f:
            json.dump(losses, f)
        return 0
    try:
        report = run_check(args)
    except Exception as err:  # a failed check still leaves its JSON
        path = args.json or osp.join(osp.abspath(args.work_dir),
                                     'gpu_check.json')
        os.makedirs(osp.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            json.dump(dict(ok=False, device=args.device,
                           error=f'{type(err).__name__}: {err}'), f,
                      indent=1)
        print(f'gpu_check: FAIL: {type(err).__name__}: {err} (json: {path})',
              file=sys.stderr)
        raise
    print(summary(report))
    return 0 if report['ok'] else 1


if __name__ == '__main__':
    sys.exit(main())
