#!/usr/bin/env python
"""Corruption robustness of a DFER checkpoint: mPC / rPC over a grid.

Evaluates the clean test split and every corruption x severity (the
``DFERCorruption`` transform inserted right after the decode step of the
config's own test pipeline), with one Runner and one model load, and writes
``robustness.json``, ``robustness.md`` (corruption rows x severity columns,
UAR and WAR) and ``robustness.png`` (metric vs severity) to ``--out``.
See ``docs/robustness.md``.

Example::

    python tools/analysis/robustness.py \
        configs/recognition/hdf/hdf_r3d18-w16-dam4_1xb16-8x64-6e_syndfer-h-cpu.py \
        work_dirs/hdf_syndfer/best_dfer_UAR_epoch_4.pth \
        --corruptions all --severities 1-5 --out work_dirs/robustness/hdf
"""
import argparse
import os
import os.path as osp
import sys
from typing import List, Optional

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(
    __file__)))))

import mmhdf  # noqa: E402,F401  (compat fixes + registration first)
from mmengine.config import DictAction  # noqa: E402

from mmhdf.compat import UnsafeCheckpointError, trust_checkpoint  # noqa
from mmhdf.datasets.transforms.corruptions import CORRUPTIONS  # noqa: E402
from mmhdf.apis import evaluate_robustness  # noqa: E402
from mmhdf.evaluation.robustness import markdown_report  # noqa: E402


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line.

    Args:
        argv (list[str], optional): arguments (default ``sys.argv[1:]``).

    Returns:
        argparse.Namespace: the arguments.
    """
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('config', nargs='?', help='test config file')
    p.add_argument('checkpoint', nargs='?', help='checkpoint file')
    p.add_argument('--corruptions', default='all',
                   help="'all', comma-separated names and/or categories "
                   "(noise, blur, photometric, digital, occlusion, "
                   "temporal)")
    p.add_argument('--severities', default='1-5',
                   help="e.g. '1-5' or '1,3,5'")
    p.add_argument('--split', default=None,
                   help='test split override (e.g. test_shifted)')
    p.add_argument('--out', default=None,
                   help='output folder (default <work_dir>/robustness)')
    p.add_argument('--work-dir', default=None, help='Runner work dir')
    p.add_argument('--seed', type=int, default=0, help='corruption seed')
    p.add_argument('--list', action='store_true',
                   help='print the corruptions and their parameters, exit')
    p.add_argument('--trust-checkpoint', action='store_true',
                   help='allow full unpickling of CHECKPOINT (only for '
                   'legacy files you wrote yourself)')
    p.add_argument('--cfg-options', nargs='+', action=DictAction,
                   help='override settings in the config, key=value pairs')
    args = p.parse_args(argv)
    if not args.list and (args.config is None or args.checkpoint is None):
        p.error('config and checkpoint are required (or use --list)')
    return args


def corruption_table() -> str:
    """Markdown table of the corruptions and their severity parameters."""
    lines = ['| corruption | category | parameter | s1 | s2 | s3 | s4 | s5 |',
             '|---|---|---|---|---|---|---|---|']
    for name, spec in CORRUPTIONS.items():
        lines.append(f'| {name} | {spec.category} | {spec.param_name} | ' +
                     ' | '.join(f'{p:g}' for p in spec.params) + ' |')
    return '\n'.join(lines)


def main(argv: Optional[List[str]] = None) -> dict:
    """Entry point; returns the report dict (``{}`` with ``--list``)."""
    args = parse_args(argv)
    if args.list:
        print(corruption_table())
        return {}
    if not osp.isfile(args.checkpoint):
        sys.exit(f'error: checkpoint {args.checkpoint!r} does not exist')
    if args.trust_checkpoint:
        trust_checkpoint(args.checkpoint)
    opts = dict(args.cfg_options or {})
    if args.work_dir is not None:
        opts['work_dir'] = args.work_dir
    os.environ.setdefault('LOCAL_RANK', '0')
    try:
        report = evaluate_robustness(
            args.config, args.checkpoint, corruptions=args.corruptions,
            severities=args.severities, split=args.split, out_dir=args.out,
            seed=args.seed, cfg_options=opts or None)
    except UnsafeCheckpointError as err:
        sys.exit(f'error: {err}')
    print(markdown_report(report))
    for kind, path in report['files'].items():
        print(f'{kind} written to {path}')
    return report


if __name__ == '__main__':
    main()
