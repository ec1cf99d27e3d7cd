#!/usr/bin/env python
"""Cross-dataset test: a checkpoint from one DFER dataset on another's test.

The target test set is read with its own classes and its labels are mapped
**by name** onto the source model's class order (from the checkpoint's
``meta.dataset_meta.classes``, else the config, else ``--source-classes``);
target clips of classes the model does not have (e.g. MAFW's contempt,
anxiety, helplessness, disappointment for a 7-class model) are dropped,
counted and reported.  The source config's test pipeline and evaluator are
used.  Prints WAR / UAR with the protocol line and writes
``cross_dataset.json`` into the work dir.  See ``docs/robustness.md``.

Example::

    python tools/analysis/cross_dataset.py \
        configs/recognition/hdf/hdf_r3d18-w16-dam4_1xb16-8x64-6e_syndfer-h-cpu.py CKPT \
        --target-dataset MAFWDataset --target-root data/MAFW --fold 1
"""
import argparse
import json
import os
import os.path as osp
import sys
from typing import List, Optional

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(
    __file__)))))

import mmhdf  # noqa: E402,F401  (compat fixes + registration first)
from mmengine.config import DictAction  # noqa: E402

from mmhdf.compat import UnsafeCheckpointError, trust_checkpoint  # noqa
from mmhdf.apis import evaluate_cross_dataset  # noqa: E402
from mmhdf.evaluation.robustness.summary import json_ready  # noqa: E402

TARGETS = ('DFEWDataset', 'FERV39kDataset', 'MAFWDataset')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line.

    Args:
        argv (list[str], optional): arguments (default ``sys.argv[1:]``).

    Returns:
        argparse.Namespace: the arguments.
    """
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('config', help='source config file')
    p.add_argument('checkpoint', help='source checkpoint')
    p.add_argument('--target-dataset', required=True, choices=TARGETS)
    p.add_argument('--target-root', required=True,
                   help='data_root of the target release')
    p.add_argument('--split', default='test', help='target split')
    p.add_argument('--fold', type=int, default=None,
                   help='target fold (DFEW / MAFW; dataset default 1)')
    p.add_argument('--frames-variant', default=None,
                   help='target frame folder (dataset default otherwise)')
    p.add_argument('--source-classes', default=None,
                   help='comma-separated source class names in id order '
                   '(overrides checkpoint meta and config)')
    p.add_argument('--target-options', nargs='+', action=DictAction,
                   help='further target dataset arguments, key=value')
    p.add_argument('--group-key', default=None,
                   help='DFERMetric group key on the target (e.g. scene)')
    p.add_argument('--work-dir', default=None, help='Runner work dir')
    p.add_argument('--trust-checkpoint', action='store_true',
                   help='allow full unpickling of CHECKPOINT (only for '
                   'legacy files you wrote yourself)')
    p.add_argument('--cfg-options', nargs='+', action=DictAction,
                   help='overrides of the source config, key=value pairs')
    return p.parse_args(argv)


def format_result(res: dict) -> str:
    """Protocol line and a WAR / UAR table (markdown)."""
    lines = [res['protocol'], '', '| metric | value |', '|---|---|',
             f'| WAR (%) | {res["WAR"]:.2f} |',
             f'| UAR (%) | {res["UAR"]:.2f} |',
             f'| clips | {res["num_samples"]} |']
    for k, v in res['metrics'].items():
        if isinstance(v, (int, float)) and '/recall/' in k:
            val = 'n/a (no clips)' if v != v else f'{float(v):.2f}'
            lines.append(f'| {k} | {val} |')
    return '\n'.join(lines)


def main(argv: Optional[List[str]] = None) -> dict:
    """Entry point; returns the result dict."""
    args = parse_args(argv)
    if not osp.isfile(args.checkpoint):
        sys.exit(f'error: checkpoint {args.checkpoint!r} does not exist')
    if args.trust_checkpoint:
        trust_checkpoint(args.checkpoint)
    os.environ.setdefault('LOCAL_RANK', '0')
    classes = ([c.strip() for c in args.source_classes.split(',')
                if c.strip()] if args.source_classes else None)
    try:
        res = evaluate_cross_dataset(
            args.config, args.checkpoint, args.target_dataset,
            args.target_root, split=args.split, fold=args.fold,
            frames_variant=args.frames_variant, source_classes=classes,
            target_options=args.target_options, group_key=args.group_key,
            work_dir=args.work_dir, cfg_options=args.cfg_options)
    except UnsafeCheckpointError as err:
        sys.exit(f'error: {err}')
    print(format_result(res))
    out = osp.join(res['work_dir'], 'cross_dataset.json')
    os.makedirs(res['work_dir'], exist_ok=True)
    with open(out, 'w') as f:
        json.dump(json_ready(res), f, indent=1)
    print(f'result written to {out}')
    res['file'] = out
    return res


if __name__ == '__main__':
    main()
