#!/usr/bin/env python
"""Where does a training step's time go under each CPU kernel path?

The main job trained ~2.6x slower per iteration on a 2-core AMD EPYC with
AVX2 than on the AVX-512 machine the README was timed on. This benchmark
times one training step of the main job's model (forward + backward of the
HDF R3D-18 width-16 8x64² recipe, batch 8, without SAM's second pass: a
SAM step is two of these) under the kernel paths of
``benchmarks/numerics.py`` (``native``, ``avx2``, ``default``; 2 threads),
each in its own subprocess because the ISA variables must be set before
torch starts, and lists the operators whose self time grows the most.

    python benchmarks/profile_isa.py
    python benchmarks/profile_isa.py --paths native-2t avx2-2t --steps 6

Writes ``benchmarks/results/profile_isa/profile_isa.{json,md}``.
"""
import argparse
import json
import os
import os.path as osp
import subprocess
import sys
import time
from typing import Dict, List

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from benchmarks.numerics import CONFIG, PERTURBATIONS  # noqa: E402


def parse_args() -> argparse.Namespace:
    """Parse the command line."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--paths', nargs='+',
                   default=['native-2t', 'avx2-2t', 'default-2t'],
                   choices=list(PERTURBATIONS))
    p.add_argument('--config', default=CONFIG)
    p.add_argument('--batch-size', type=int, default=8)
    p.add_argument('--warmup', type=int, default=2)
    p.add_argument('--steps', type=int, default=5)
    p.add_argument('--top', type=int, default=12)
    p.add_argument('--out', default='benchmarks/results/profile_isa')
    p.add_argument('--child', action='store_true', help=argparse.SUPPRESS)
    return p.parse_args()


def child(args: argparse.Namespace) -> Dict:
    """Time and profile training steps in this process (one kernel path).

    Returns:
        dict: ``s_per_step`` (median wall seconds of one forward+backward),
        ``capability`` (what torch reports) and ``ops``
        (``{name: self CPU ms per step}``).
    """
    import torch
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    import mmhdf  # noqa: F401
    from mmaction.registry import MODELS
    from mmaction.structures import ActionDataSample

    torch.manual_seed(0)
    cfg = Config.fromfile(osp.join(ROOT, args.config))
    init_default_scope('mmaction')
    model = MODELS.build(cfg.model)
    model.train()
    clip_len = cfg.model.backbone.get('num_frames', 8)
    size = 64
    for t in cfg.train_pipeline:
        if t.get('type') == 'Resize' and isinstance(t.get('scale'), tuple):
            size = t['scale'][0]
    inputs = torch.randn(args.batch_size, 1, 3, clip_len, size, size)
    samples = []
    for i in range(args.batch_size):
        s = ActionDataSample()
        s.set_gt_label(i % 7)
        samples.append(s)
    params = [p for p in model.parameters() if p.requires_grad]

    def step() -> None:
        losses = model(inputs, samples, mode='loss')
        total = sum(v for k, v in losses.items()
                    if 'loss' in k and torch.is_tensor(v))
        model.zero_grad(set_to_none=True)
        total.backward()

    for _ in range(args.warmup):
        step()
    times: List[float] = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(2):
            step()
    ops = {}
    for ev in prof.key_averages():
        ops[ev.key] = ev.self_cpu_time_total / 1000.0 / 2
    times.sort()
    return dict(s_per_step=times[len(times) // 2],
                capability=torch.backends.cpu.get_cpu_capability(),
                threads=torch.get_num_threads(),
                n_params=sum(p.numel() for p in params), ops=ops)


def main() -> None:
    """Run one child per kernel path, print the comparison, write JSON."""
    args = parse_args()
    if args.child:
        print('@@RESULT@@' + json.dumps(child(args)))
        return
    results = {}
    for path in args.paths:
        env = dict(os.environ)
        env.update(PERTURBATIONS[path])
        cmd = [sys.executable, osp.abspath(__file__), '--child',
               '--config', args.config, '--batch-size', str(args.batch_size),
               '--warmup', str(args.warmup), '--steps', str(args.steps)]
        print(f'[profile_isa] {path}: {" ".join(cmd[1:])}', flush=True)
        out = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True,
                             text=True)
        line = [ln for ln in out.stdout.splitlines()
                if ln.startswith('@@RESULT@@')]
        if out.returncode != 0 or not line:
            sys.exit(f'[profile_isa] {path} failed (rc {out.returncode}):\n'
                     + out.stderr[-3000:])
        results[path] = json.loads(line[0][len('@@RESULT@@'):])
        print(f'  {results[path]["s_per_step"]:.3f} s/step '
              f'({results[path]["capability"]})', flush=True)
    ref = args.paths[0]
    ref_ops = results[ref]['ops']
    lines = [f'Training step of `{args.config}` (forward + backward, batch '
             f'{args.batch_size}, no SAM second pass), median of '
             f'{args.steps} steps; self CPU ms per step from torch.profiler.',
             '', '| kernel path | torch capability | s / step | x ' + ref + ' |',
             '|---|---|---|---|']
    for path, r in results.items():
        lines.append(f'| {path} | {r["capability"]} | {r["s_per_step"]:.3f} '
                     f'| {r["s_per_step"] / results[ref]["s_per_step"]:.2f} |')
    for path in args.paths[1:]:
        ops = results[path]['ops']
        grow = sorted(ops, key=lambda k: ops[k] - ref_ops.get(k, 0.0),
                      reverse=True)[:args.top]
        lines += ['', f'Operators whose self time grows most, {ref} -> '
                  f'{path} (ms / step):', '',
                  f'| operator | {ref} | {path} | x |', '|---|---|---|---|']
        for k in grow:
            a, b = ref_ops.get(k, 0.0), ops[k]
            ratio = f'{b / a:.1f}' if a > 0 else '–'
            lines.append(f'| `{k}` | {a:.1f} | {b:.1f} | {ratio} |')
    table = '\n'.join(lines)
    from mmhdf.utils.machine import describe_machine
    from mmhdf.utils.report import write_report
    write_report(args.out, 'profile_isa', table,
                 dict(config=args.config, batch_size=args.batch_size,
                      steps=args.steps, machine=describe_machine(),
                      results=results))


if __name__ == '__main__':
    main()
