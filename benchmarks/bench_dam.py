#!/usr/bin/env python
"""Benchmark HDF's DAM: overhead on X3D-S, speed-up, parameters, MACs.

Measured in one run (ratios only compare timings taken side by side):

1. **Overhead** of 4 DAMs on X3D-S, forward + backward at
   ``batch x 3 x 16 x 112 x 112``: plain ``X3D`` vs ``X3DDAM`` with the same
   backbone weights (and ``X3DDAM`` with the straightforward reference DAMs
   swapped in). The variants are interleaved repeat by repeat; the overhead
   is ``(t_dam - t_plain) / t_plain`` from the per-variant minimum (the
   least-disturbed run on a shared CPU) and, for reference, the median.
   Because the end-to-end difference is small next to timing noise, the DAM
   modules are also timed alone at the four stage shapes
   (``component`` overhead = sum of DAM times / plain backbone time).
2. **Speed-up** of the efficient DAM over the straightforward formulation
   (``mmhdf/testing/reference_dam.py``: per-channel repeated DCT bank,
   permute + ``AdaptiveAvg/MaxPool3d``, explicit ``X_t`` / ``X_f``) at the
   same four stage shapes, forward + backward and forward-only.
3. **CPU recipe**: the same overhead for R3D-18 at width 16 with 4 DAMs
   (``r3d18_dam.py`` + ``base_channels=16``), ``8 x 3 x 16 x 64 x 64``.
4. **Parameters and MACs added**: parameters counted exactly; MACs counted
   analytically per DAM, plus what mmengine's FLOP counter sees (it counts
   the matmuls but not the elementwise ops).

Writes ``benchmarks/results/dam.json`` and prints a markdown table.

Example::

    python benchmarks/bench_dam.py --repeats 5 --threads 1
"""
import argparse
import datetime
import json
import os
import os.path as osp
import platform
import statistics
import sys
import time
from typing import Callable, Dict, List

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)

import mmhdf  # noqa: E402,F401  (compat fixes + registration first)
import torch  # noqa: E402
from mmaction.models.backbones import X3D  # noqa: E402

from mmhdf.models.backbones import X3DDAM  # noqa: E402
from mmhdf.models.dam import DAM  # noqa: E402
from mmhdf.testing.reference_dam import ReferenceDAM  # noqa: E402

X3D_S = dict(gamma_w=1, gamma_b=2.25, gamma_d=2.2)


def parse_args() -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description='Benchmark DAM')
    parser.add_argument('--batch', type=int, default=2)
    parser.add_argument('--frames', type=int, default=16)
    parser.add_argument('--size', type=int, default=112)
    parser.add_argument(
        '--repeats', type=int, default=5, help='timed model repeats')
    parser.add_argument(
        '--module-repeats', type=int, default=20, help='timed DAM repeats')
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument(
        '--out', default=osp.join(ROOT, 'benchmarks', 'results', 'dam.json'))
    parser.add_argument(
        '--skip-flops', action='store_true', help='skip mmengine counter')
    parser.add_argument(
        '--skip-cpu-recipe',
        action='store_true',
        help='skip the R3D-18 width-16 (CPU recipe) overhead')
    return parser.parse_args()


def fwd_bwd(module: torch.nn.Module, x: torch.Tensor) -> Callable[[], None]:
    """A closure running forward + backward once."""

    def run():
        module.zero_grad(set_to_none=True)
        if x.grad is not None:
            x.grad = None
        module(x).float().pow(2).mean().backward()

    return run


def fwd_only(module: torch.nn.Module, x: torch.Tensor) -> Callable[[], None]:
    """A closure running a no-grad forward once."""

    def run():
        with torch.no_grad():
            module(x)

    return run


def interleaved(fns: Dict[str, Callable[[], None]],
                repeats: int,
                warmup: int = 1) -> Dict[str, List[float]]:
    """Time each closure ``repeats`` times, interleaved, rotating the order.

    Returns:
        dict[str, list[float]]: Seconds per run.
    """
    names = list(fns)
    for _ in range(warmup):
        for name in names:
            fns[name]()
    times = {name: [] for name in names}
    for r in range(repeats):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            start = time.perf_counter()
            fns[name]()
            times[name].append(time.perf_counter() - start)
    return times


def summary(ts: List[float]) -> dict:
    return dict(
        min_ms=1e3 * min(ts),
        median_ms=1e3 * statistics.median(ts),
        runs=len(ts))


def stage_shapes(model: X3DDAM, batch: int, frames: int,
                 size: int) -> List[tuple]:
    """Input shape of every DAM of ``model`` (hooks on one forward)."""
    shapes = []
    hooks = [
        dam.register_forward_hook(
            lambda m, args, out: shapes.append(tuple(args[0].shape)))
        for dam in model.dams.values()
    ]
    with torch.no_grad():
        model(torch.randn(batch, 3, frames, size, size))
    for h in hooks:
        h.remove()
    return shapes


def cpu_recipe_overhead(repeats: int) -> dict:
    """Overhead of 4 DAMs on R3D-18 width 16, 8 x 3 x 16 x 64 x 64.

    The model of mmhdf's CPU recipe (``r3d18_dam.py`` with
    ``base_channels=16``); forward + backward, interleaved like section 1.
    """
    from mmaction.models.backbones import ResNet3d

    from mmhdf.models.backbones import ResNet3dDAM
    kwargs = dict(
        depth=18,
        base_channels=16,
        pretrained=None,
        pretrained2d=False,
        inflate=(1, 1, 1, 1),
        conv1_kernel=(3, 7, 7),
        with_pool1=False,
        with_pool2=False,
        spatial_strides=(1, 2, 2, 2),
        temporal_strides=(1, 2, 2, 2),
        zero_init_residual=False)
    plain = ResNet3d(**kwargs)
    ours = ResNet3dDAM(num_frames=16, **kwargs)
    ours.load_state_dict(plain.state_dict(), strict=False)
    plain.train()
    ours.train()
    x = torch.randn(8, 3, 16, 64, 64)
    times = interleaved(
        {
            'r3d18_w16': fwd_bwd(plain, x),
            'r3d18_w16+4xDAM': fwd_bwd(ours, x)
        }, repeats)
    stats = {k: summary(v) for k, v in times.items()}
    base = stats['r3d18_w16']
    return dict(
        input=[8, 3, 16, 64, 64],
        stage_frames=ours.stage_frames,
        times=stats,
        overhead_pct_min=100 *
        (stats['r3d18_w16+4xDAM']['min_ms'] - base['min_ms']) /
        base['min_ms'],
        overhead_pct_median=100 *
        (stats['r3d18_w16+4xDAM']['median_ms'] - base['median_ms']) /
        base['median_ms'],
        params_added=sum(p.numel() for p in ours.dams.parameters()))


def analytic_macs(dam: DAM, shape: tuple, straightforward: bool) -> dict:
    """Multiply-accumulates of one DAM on one clip (batch 1).

    Counts the linear maps (convolutions, Linear, attention matmuls). The
    reductions and the final broadcast multiply are listed separately as
    elementwise operations (one per input element each).
    """
    _, c, t, h, w = shape
    k = dam.temporal.num_bins
    f = dam.frequency.num_freqs
    s2 = dam.frequency.filter_size**2
    a2 = dam.frequency.attn_conv.weight[0, 0].numel()
    dct = f * s2 * h * w * (c if straightforward else 1)
    attn = f * a2 * h * w
    temporal = t * t * k + 3 * t * k * k + 2 * t * t * k
    # efficient: spatial sum, spatial max, (C, T) sum, output multiply;
    # straightforward: permute copy, avg + max pool, time mean, X_t and X_f
    # (2 mul + 2 add each), fusion (2 mul + 1 add), inverse permute copy
    elementwise = c * t * h * w * (4 if not straightforward else 12)
    return dict(
        dct_conv=dct,
        attn_conv=attn,
        temporal=temporal,
        total_macs=dct + attn + temporal,
        elementwise_ops=elementwise)


def counter_flops(model: torch.nn.Module, x: torch.Tensor) -> int:
    """What mmengine's FLOP counter reports (it counts 1 MAC as 1 FLOP)."""
    from mmengine.analysis import FlopAnalyzer
    analyzer = FlopAnalyzer(model, (x, ))
    analyzer.unsupported_ops_warnings(False)
    analyzer.uncalled_modules_warnings(False)
    return int(analyzer.total())


def main() -> dict:
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    n, t, s = args.batch, args.frames, args.size

    plain = X3D(**X3D_S)
    ours = X3DDAM(num_frames=t, **X3D_S)
    ours.load_state_dict(plain.state_dict(), strict=False)
    ref = X3DDAM(num_frames=t, **X3D_S)
    ref.load_state_dict(ours.state_dict())
    for name, dam in ours.dams.items():
        r = ReferenceDAM(t)
        r.load_state_dict(dam.state_dict())
        ref.dams[name] = r
    for m in (plain, ours, ref):
        m.train()
    shapes = stage_shapes(ours, n, t, s)

    # 1. end-to-end, interleaved
    x = torch.randn(n, 3, t, s, s)
    model_times = interleaved(
        {
            'x3d_s': fwd_bwd(plain, x),
            'x3d_s+4xDAM': fwd_bwd(ours, x),
            'x3d_s+4xDAM(reference)': fwd_bwd(ref, x)
        }, args.repeats)
    model_stats = {k: summary(v) for k, v in model_times.items()}

    def overhead(name, stat):
        base = model_stats['x3d_s'][stat]
        return 100 * (model_stats[name][stat] - base) / base

    # 2. the DAMs alone at the stage shapes, efficient vs reference
    fns_fb, fns_f = {}, {}
    for i, shape in enumerate(shapes):
        dam = ours.dams[f'dam{i + 1}']
        r = ref.dams[f'dam{i + 1}']
        xi = torch.randn(shape, requires_grad=True)
        fns_fb[f'eff{i}'] = fwd_bwd(dam, xi)
        fns_fb[f'ref{i}'] = fwd_bwd(r, xi)
        fns_f[f'eff{i}'] = fwd_only(dam, xi)
        fns_f[f'ref{i}'] = fwd_only(r, xi)
    fb = interleaved(fns_fb, args.module_repeats, warmup=2)
    fo = interleaved(fns_f, args.module_repeats, warmup=2)
    per_stage = []
    tot = dict(eff_fb=0.0, ref_fb=0.0, eff_f=0.0, ref_f=0.0)
    for i, shape in enumerate(shapes):
        row = dict(
            shape=list(shape),
            efficient_fwd_bwd_ms=1e3 * min(fb[f'eff{i}']),
            reference_fwd_bwd_ms=1e3 * min(fb[f'ref{i}']),
            efficient_fwd_ms=1e3 * min(fo[f'eff{i}']),
            reference_fwd_ms=1e3 * min(fo[f'ref{i}']))
        row['speedup_fwd_bwd'] = (
            row['reference_fwd_bwd_ms'] / row['efficient_fwd_bwd_ms'])
        per_stage.append(row)
        tot['eff_fb'] += row['efficient_fwd_bwd_ms']
        tot['ref_fb'] += row['reference_fwd_bwd_ms']
        tot['eff_f'] += row['efficient_fwd_ms']
        tot['ref_f'] += row['reference_fwd_ms']
    plain_min = model_stats['x3d_s']['min_ms']

    # 3. the CPU recipe's model: R3D-18 width 16, 16x64x64, batch 8
    recipe = None
    if not args.skip_cpu_recipe:
        recipe = cpu_recipe_overhead(args.repeats)

    # 4. parameters and MACs
    p_plain = sum(p.numel() for p in plain.parameters())
    p_ours = sum(p.numel() for p in ours.parameters())
    macs_eff = [
        analytic_macs(ours.dams[f'dam{i + 1}'], (1, ) + sh[1:], False)
        for i, sh in enumerate(shapes)
    ]
    macs_ref = [
        analytic_macs(ours.dams[f'dam{i + 1}'], (1, ) + sh[1:], True)
        for i, sh in enumerate(shapes)
    ]
    flops = None
    if not args.skip_flops:
        x1 = torch.randn(1, 3, t, s, s)
        plain.eval()
        ours.eval()
        ref.eval()
        flops = dict(
            x3d_s=counter_flops(plain, x1),
            x3d_s_4xdam=counter_flops(ours, x1),
            x3d_s_4xdam_reference=counter_flops(ref, x1))

    result = dict(
        date=datetime.datetime.now(
            datetime.timezone.utc).isoformat(timespec='seconds'),
        env=dict(
            torch=torch.__version__,
            python=platform.python_version(),
            machine=platform.machine(),
            cpu_count=os.cpu_count(),
            threads=args.threads,
            note='shared, busy CPU; ratios are from interleaved runs'),
        setting=dict(
            input=[n, 3, t, s, s],
            mode='train, forward + backward of mean(out^2)',
            repeats=args.repeats,
            module_repeats=args.module_repeats),
        backbone=dict(
            times=model_stats,
            overhead_pct_min=overhead('x3d_s+4xDAM', 'min_ms'),
            overhead_pct_median=overhead('x3d_s+4xDAM', 'median_ms'),
            reference_overhead_pct_min=overhead('x3d_s+4xDAM(reference)',
                                                'min_ms'),
            component_overhead_pct=100 * tot['eff_fb'] / plain_min,
            reference_component_overhead_pct=100 * tot['ref_fb'] / plain_min),
        speedup=dict(
            per_stage=per_stage,
            fwd_bwd=tot['ref_fb'] / tot['eff_fb'],
            fwd=tot['ref_f'] / tot['eff_f'],
            efficient_fwd_bwd_ms=tot['eff_fb'],
            reference_fwd_bwd_ms=tot['ref_fb']),
        params=dict(
            x3d_s=p_plain,
            x3d_s_4xdam=p_ours,
            added=p_ours - p_plain,
            per_dam=[
                sum(p.numel() for p in d.parameters())
                for d in ours.dams.values()
            ]),
        macs_per_clip=dict(
            efficient=dict(
                per_dam=macs_eff,
                total=sum(m['total_macs'] for m in macs_eff)),
            straightforward=dict(
                per_dam=macs_ref,
                total=sum(m['total_macs'] for m in macs_ref)),
            mmengine_counter=flops),
        cpu_recipe=recipe)

    os.makedirs(osp.dirname(args.out), exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump(result, f, indent=2)
    print_table(result)
    print(f'\nwrote {args.out}')
    return result


def print_table(r: dict) -> None:
    """Print the headline numbers as a markdown table."""
    b, sp, p, m = r['backbone'], r['speedup'], r['params'], r['macs_per_clip']
    times = b['times']
    inp = 'x'.join(str(v) for v in r['setting']['input'])
    rows = [
        ('input (N x C x T x H x W)', inp),
        ('threads', r['env']['threads']),
        ('X3D-S fwd+bwd, min / median (ms)',
         f"{times['x3d_s']['min_ms']:.0f} / {times['x3d_s']['median_ms']:.0f}"
         ),
        ('X3D-S + 4xDAM fwd+bwd, min / median (ms)',
         f"{times['x3d_s+4xDAM']['min_ms']:.0f} / "
         f"{times['x3d_s+4xDAM']['median_ms']:.0f}"),
        ('overhead of 4xDAM, end-to-end, min / median (goal <= 3 %)',
         f"{b['overhead_pct_min']:.2f} % / {b['overhead_pct_median']:.2f} %"),
        ('overhead of 4xDAM, DAMs timed alone',
         f"{b['component_overhead_pct']:.2f} %"),
        ('overhead of 4xDAM (straightforward), end-to-end / alone',
         f"{b['reference_overhead_pct_min']:.2f} % / "
         f"{b['reference_component_overhead_pct']:.2f} %"),
        ('speed-up vs straightforward, fwd+bwd (goal >= 3x)',
         f"{sp['fwd_bwd']:.2f}x ({sp['reference_fwd_bwd_ms']:.1f} -> "
         f"{sp['efficient_fwd_bwd_ms']:.1f} ms)"),
        ('speed-up vs straightforward, fwd only', f"{sp['fwd']:.2f}x"),
        ('params added (4 DAMs)', f"{p['added']:,} (per DAM "
         f"{p['per_dam'][0]:,}; X3D-S {p['x3d_s']:,})"),
        ('MACs added per clip, efficient',
         f"{m['efficient']['total'] / 1e6:.2f} M"),
        ('MACs added per clip, straightforward',
         f"{m['straightforward']['total'] / 1e6:.2f} M"),
    ]
    if r.get('cpu_recipe'):
        c = r['cpu_recipe']
        rows.append(('CPU recipe R3D-18 w16, 8x3x16x64x64: +4xDAM overhead, '
                     'min / median',
                     f"{c['overhead_pct_min']:.1f} % / "
                     f"{c['overhead_pct_median']:.1f} % "
                     f"({c['times']['r3d18_w16']['min_ms']:.0f} ms base)"))
    if m['mmengine_counter']:
        c = m['mmengine_counter']
        rows.append(('mmengine counter: X3D-S / +4xDAM (GFLOPs=GMACs)',
                     f"{c['x3d_s'] / 1e9:.4f} / {c['x3d_s_4xdam'] / 1e9:.4f}"))
    print('| metric | value |\n|---|---|')
    for k, v in rows:
        print(f'| {k} | {v} |')


if __name__ == '__main__':
    main()
