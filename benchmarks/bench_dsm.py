"""Per-iteration cost of DSM + DSMScalingHook and of SAM, as ratios.

One process times, on the same fixed batch and from the same initial
weights, full training iterations (``model.train_step``: preprocessing,
forward, losses, backward, optimizer step) of four set-ups:

* ``ce``      — I3DHead + CE, mmengine ``OptimWrapper`` (AdamW): reference;
* ``dsm``     — HDFHead + DSMLoss, ``GradNormOptimWrapper`` (AdamW), with
  :class:`DSMScalingHook`'s per-iteration calls (goal: ≤ 2 % over ``ce``);
* ``sam``     — I3DHead + CE, ``SAMOptimWrapper`` (AdamW) (≈ 2× ``ce``);
* ``dsm_sam`` — the full HDF objective: HDFHead + DSM + hook + SAM.

The set-ups run interleaved (round-robin, ``--iters`` iterations each per
round, ``--rounds`` rounds) after a warm-up, so drifting machine load hits
all of them alike. The ratio of a set-up to ``ce`` is computed per round
from adjacent measurements; the median over rounds is reported. Writes
``benchmarks/results/dsm.json`` and prints a markdown table.

Usage::

    python benchmarks/bench_dsm.py [--rounds 8] [--iters 4] [--threads 2]
"""
import argparse
import copy
import json
import os
import platform
import statistics
import time
from types import SimpleNamespace

import torch

import mmhdf  # noqa: F401  (compat fixes, registration)
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper
from mmaction.registry import HOOKS, MODELS
from mmaction.structures import ActionDataSample
from mmaction.utils import register_all_modules
from mmhdf.engine.optimizers import GradNormOptimWrapper, SAMOptimWrapper

HERE = os.path.dirname(os.path.abspath(__file__))


def model_cfg(head: dict, width: int) -> dict:
    """R3D-18 (mmaction2 ResNet3d) at ``width`` base channels."""
    return dict(
        type='Recognizer3D',
        backbone=dict(
            type='ResNet3d', depth=18, base_channels=width, pretrained=None,
            pretrained2d=False, inflate=(1, 1, 1, 1),
            conv1_kernel=(3, 7, 7), conv1_stride_t=1, pool1_stride_t=1,
            with_pool1=False, with_pool2=False,
            spatial_strides=(1, 2, 2, 2), temporal_strides=(1, 2, 2, 2),
            norm_cfg=dict(type='BN3d', requires_grad=True)),
        cls_head=dict(
            in_channels=8 * width, num_classes=7, dropout_ratio=0.5,
            average_clips='prob', label_smooth_eps=0.1, **head),
        data_preprocessor=dict(
            type='ActionDataPreprocessor', mean=[114.75] * 3,
            std=[57.38] * 3, format_shape='NCTHW'))


def adamw(model):
    return torch.optim.AdamW(
        model.parameters(), lr=5e-4, eps=1e-8, weight_decay=0.05)


class Setup:
    """A model, its optim wrapper and (optionally) the scaling hook."""

    def __init__(self, name, head, wrapper_cls, with_hook, state, width):
        self.name = name
        self.model = MODELS.build(model_cfg(head, width))
        self.model.load_state_dict(state, strict=False)
        self.model.train()
        self.wrapper = wrapper_cls(adamw(self.model))
        self.hook = None
        if with_hook:
            self.hook = HOOKS.build(dict(type='DSMScalingHook'))
            self.runner = SimpleNamespace(
                model=self.model, optim_wrapper=self.wrapper,
                message_hub=MessageHub.get_current_instance())
            self.hook.before_train(self.runner)
        self.times = []

    def iteration(self, data, i):
        if self.hook is not None:
            self.hook.before_train_iter(self.runner, i)
        out = self.model.train_step(data, self.wrapper)
        if self.hook is not None:
            self.hook.after_train_iter(self.runner, i, outputs=out)
        return out

    def timed(self, data, iters):
        start = time.perf_counter()
        for i in range(iters):
            self.iteration(data, i)
        return (time.perf_counter() - start) / iters


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--rounds', type=int, default=8)
    parser.add_argument('--iters', type=int, default=4)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--batch', type=int, default=8)
    parser.add_argument('--frames', type=int, default=16)
    parser.add_argument('--size', type=int, default=64)
    parser.add_argument('--width', type=int, default=16)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument(
        '--out', default=os.path.join(HERE, 'results', 'dsm.json'))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    register_all_modules(init_default_scope=True)

    reference = MODELS.build(
        model_cfg(dict(type='I3DHead'), args.width)).state_dict()
    dsm_head = dict(type='HDFHead', loss_dsm=dict(type='DSMLoss'))
    setups = [
        Setup('ce', dict(type='I3DHead'), OptimWrapper, False, reference,
              args.width),
        Setup('dsm', dsm_head, GradNormOptimWrapper, True, reference,
              args.width),
        Setup('sam', dict(type='I3DHead'), SAMOptimWrapper, False,
              reference, args.width),
        Setup('dsm_sam', dsm_head, SAMOptimWrapper, True, reference,
              args.width),
    ]
    gen = torch.Generator().manual_seed(0)
    shape = (1, 3, args.frames, args.size, args.size)
    data = dict(
        inputs=[torch.randint(0, 256, shape, generator=gen).float()
                for _ in range(args.batch)],
        data_samples=[ActionDataSample().set_gt_label(i % 7)
                      for i in range(args.batch)])

    for s in setups:  # warm-up (allocator, lazy inits)
        s.timed(copy.deepcopy(data), args.warmup)
    ratios = {s.name: [] for s in setups[1:]}
    for r in range(args.rounds):
        order = setups if r % 2 == 0 else setups[::-1]
        per_iter = {s.name: s.timed(data, args.iters) for s in order}
        for s in setups:
            s.times.append(per_iter[s.name])
        for name in ratios:
            ratios[name].append(per_iter[name] / per_iter['ce'])

    n_params = sum(p.numel() for p in setups[0].model.parameters())
    result = dict(
        setting=dict(
            model=f'R3D-18 (ResNet3d depth 18, base_channels={args.width})',
            params=n_params, batch=args.batch,
            input=f'{args.frames}x{args.size}x{args.size}',
            rounds=args.rounds, iters_per_round=args.iters,
            threads=args.threads, torch=torch.__version__,
            machine=platform.machine(), cpus=os.cpu_count()),
        seconds_per_iter={
            s.name: dict(median=statistics.median(s.times),
                         min=min(s.times), all=s.times)
            for s in setups
        },
        ratio_to_ce={
            name: dict(median=statistics.median(v), min=min(v), max=max(v),
                       all=v)
            for name, v in ratios.items()
        },
    )
    result['dsm_overhead_percent'] = 100 * (
        result['ratio_to_ce']['dsm']['median'] - 1)
    result['dsm_overhead_goal_met'] = result['dsm_overhead_percent'] <= 2.0
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump(result, f, indent=2)

    st = result['setting']
    print(f"\n{st['model']}, {n_params / 1e6:.2f}M params, batch "
          f"{args.batch}, {st['input']}, {args.threads} threads; "
          f'{args.rounds} interleaved rounds x {args.iters} iterations\n')
    print('| set-up | s/iter (median) | ratio to CE (median of rounds) '
          '| ratio range |')
    print('|---|---|---|---|')
    labels = dict(ce='CE, AdamW (reference)',
                  dsm='CE + DSM + scaling hook, AdamW',
                  sam='CE, SAM(AdamW)',
                  dsm_sam='CE + DSM + hook, SAM(AdamW)')
    for s in setups:
        rat = result['ratio_to_ce'].get(s.name)
        ratio = f"{rat['median']:.3f}" if rat else '1'
        span = f"{rat['min']:.3f}–{rat['max']:.3f}" if rat else '—'
        print(f"| {labels[s.name]} | {statistics.median(s.times):.3f} | "
              f'{ratio} | {span} |')
    print(f"\nDSM + hook overhead: {result['dsm_overhead_percent']:+.2f} % "
          f"(goal ≤ 2 %: {'met' if result['dsm_overhead_goal_met'] else 'NOT met'})"
          f"\nwrote {args.out}")


if __name__ == '__main__':
    main()
