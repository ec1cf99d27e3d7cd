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
all of them alike. By default the clock is the process CPU time
(``--clock cpu``, one thread), which other processes on a shared machine
barely disturb; ``--clock wall`` times wall-clock. The ratio of a set-up to
``ce`` is computed per round from adjacent measurements; the median over
rounds is reported. The costs DSM + hook add are also timed alone
(loss forward/backward, global grad norm, hook calls). Writes
``benchmarks/results/dsm.json`` and prints a markdown table.

Usage::

    python benchmarks/bench_dsm.py [--rounds 10] [--iters 2] [--threads 1]
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
from mmhdf.engine.optimizers import (GradNormOptimWrapper, SAMOptimWrapper,
                                     global_grad_norm)

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

    def timed(self, data, iters, clock):
        start = clock()
        for i in range(iters):
            self.iteration(data, i)
        return (clock() - start) / iters


def component_costs(width, batch, clock, repeats=200):
    """Seconds per call of what DSM + hook add to an iteration, alone."""
    ds = [ActionDataSample().set_gt_label(i % 7) for i in range(batch)]
    feats = torch.randn(batch, 8 * width, 2, 4, 4, requires_grad=True)
    heads = dict(
        ce=MODELS.build(dict(type='I3DHead', num_classes=7,
                             in_channels=8 * width, label_smooth_eps=0.1)),
        dsm=MODELS.build(dict(type='HDFHead', num_classes=7,
                              in_channels=8 * width, label_smooth_eps=0.1,
                              loss_dsm=dict(type='DSMLoss'))))
    out = {}
    for name, head in heads.items():
        for rep in (20, repeats):  # warm-up, then timed
            start = clock()
            for _ in range(rep):
                losses = head.loss(feats, ds)
                sum(v for k, v in losses.items() if 'loss' in k).backward()
        out[f'head_{name}_fwd_bwd'] = (clock() - start) / repeats
    model = MODELS.build(model_cfg(dict(type='I3DHead'), width))
    for p in model.parameters():
        p.grad = torch.randn_like(p)
    wrapper = GradNormOptimWrapper(adamw(model))
    start = clock()
    for _ in range(repeats):
        wrapper.last_grad_norm = global_grad_norm(wrapper.optimizer)
    out['global_grad_norm'] = (clock() - start) / repeats
    hook = HOOKS.build(dict(type='DSMScalingHook'))
    runner = SimpleNamespace(
        model=MODELS.build(model_cfg(dict(type='HDFHead'), width)),
        optim_wrapper=wrapper, message_hub=MessageHub.get_current_instance())
    hook.before_train(runner)
    start = clock()
    for i in range(repeats):
        hook.before_train_iter(runner, i)
        wrapper.last_grad_norm = torch.tensor(1.5)
        hook.after_train_iter(runner, i)
    out['hook_calls'] = (clock() - start) / repeats
    out['dsm_added_total'] = (out['head_dsm_fwd_bwd'] -
                              out['head_ce_fwd_bwd'] +
                              out['global_grad_norm'] + out['hook_calls'])
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--rounds', type=int, default=10)
    parser.add_argument('--iters', type=int, default=2)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--batch', type=int, default=8)
    parser.add_argument('--frames', type=int, default=16)
    parser.add_argument('--size', type=int, default=64)
    parser.add_argument('--width', type=int, default=16)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument(
        '--clock', choices=('cpu', 'wall'), default='cpu',
        help='cpu: process CPU time (robust on a shared machine); wall')
    parser.add_argument(
        '--out', default=os.path.join(HERE, 'results', 'dsm.json'))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    register_all_modules(init_default_scope=True)
    clock = time.process_time if args.clock == 'cpu' else time.perf_counter

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
        s.timed(copy.deepcopy(data), args.warmup, clock)
    ratios = {s.name: [] for s in setups[1:]}
    for r in range(args.rounds):
        order = setups if r % 2 == 0 else setups[::-1]
        per_iter = {s.name: s.timed(data, args.iters, clock) for s in order}
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
            threads=args.threads, clock=args.clock, torch=torch.__version__,
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
    comp = component_costs(args.width, args.batch, clock)
    result['components_seconds_per_call'] = comp
    result['dsm_overhead_percent_from_components'] = 100 * (
        comp['dsm_added_total'] / result['seconds_per_iter']['ce']['median'])
    result['sam_ratio'] = result['ratio_to_ce']['sam']['median']
    result['dsm_overhead_goal_met'] = result['dsm_overhead_percent'] <= 2.0
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump(result, f, indent=2)

    st = result['setting']
    print(f"\n{st['model']}, {n_params / 1e6:.2f}M params, batch "
          f"{args.batch}, {st['input']}, {args.threads} threads; "
          f'{args.rounds} interleaved rounds x {args.iters} iterations\n')
    print(f'| set-up | {args.clock} s/iter (median) '
          '| ratio to CE (median of rounds) | ratio range |')
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
    print('\n| component alone (per iteration) | ms |\n|---|---|')
    names = dict(head_ce_fwd_bwd='I3DHead CE loss fwd+bwd',
                 head_dsm_fwd_bwd='HDFHead CE+DSM loss fwd+bwd',
                 global_grad_norm='global grad norm (GradNormOptimWrapper)',
                 hook_calls='DSMScalingHook before+after_train_iter',
                 dsm_added_total='added by DSM + hook (sum)')
    for key, label in names.items():
        print(f'| {label} | {1e3 * comp[key]:.3f} |')
    goal = 'met' if result['dsm_overhead_goal_met'] else 'NOT met'
    print(f"\nDSM + hook overhead: {result['dsm_overhead_percent']:+.2f} % "
          f'measured end to end (goal <= 2 %: {goal}); '
          f"{result['dsm_overhead_percent_from_components']:.2f} % from the "
          f"components. SAM: {result['sam_ratio']:.2f}x a plain step."
          f'\nwrote {args.out}')


if __name__ == '__main__':
    main()
