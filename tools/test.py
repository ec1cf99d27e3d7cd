#!/usr/bin/env python
"""Test an mmhdf / mmaction2 recognizer (mmaction2's test CLI + mmhdf).

The checkpoint (a path or a URL) is loaded with
``torch.load(weights_only=True)`` (:func:`mmhdf.compat.apply`, called first): a file that carries a pickle payload is
refused and its payload never runs. A checkpoint whose parameter names or
shapes do not match the model is refused, listing the first mismatches,
unless ``--allow-partial`` is given (the protocol line then says so). Prints
the metrics (WAR = ``acc/top1`` / ``dfer/WAR``, UAR = ``acc/mean1`` /
``dfer/UAR``) with the protocol they were measured under.
"""
import argparse
import json
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import mmhdf  # noqa: E402,F401  (drn fix + registration first)
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.dist import is_main_process  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from mmhdf.compat import apply as apply_compat  # noqa: E402
from mmhdf.compat import trust_checkpoint  # noqa: E402
from mmhdf.compat.dist_cpu import finish_distributed  # noqa: E402
from mmhdf.utils.cfg_option_types import check_cfg_options  # noqa: E402
from mmhdf.utils.config_checks import check_config  # noqa: E402
from mmhdf.utils.report import format_metrics  # noqa: E402
from mmhdf.utils.run_errors import (REFUSALS, load_report,  # noqa: E402
                                    set_allow_partial)


def parse_args() -> argparse.Namespace:
    """Parse the command line.

    Returns:
        argparse.Namespace: The arguments.
    """
    parser = argparse.ArgumentParser(description='Test a recognizer')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file or URL')
    parser.add_argument('--work-dir', help='the dir to save metrics/logs')
    parser.add_argument('--dump', type=str,
                        help='dump predictions to a pickle file (.pkl)')
    parser.add_argument('--show-dir', help='directory to save visualizations')
    parser.add_argument(
        '--trust-checkpoint', action='store_true',
        help='allow full unpickling of CHECKPOINT (only for legacy files you '
        'wrote yourself; never for files from elsewhere)')
    parser.add_argument(
        '--allow-partial', action='store_true',
        help='test even if the checkpoint\'s parameter names or shapes do '
        'not all match the model (refused by default); the protocol line '
        'then reports the partial load')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings in the config, key=value pairs')
    parser.add_argument(
        '--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def main() -> None:
    """Entry point."""
    # mmhdf's tool: weights-only checkpoints and the CPU launch for every
    # config, mmhdf's or not (mmhdf configs select them anyway).
    apply_compat()
    args = parse_args()
    if '://' not in args.checkpoint and not osp.isfile(args.checkpoint):
        sys.exit(f'error: checkpoint {args.checkpoint!r} does not exist')
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        check_cfg_options(cfg, args.cfg_options, args.config)
        cfg.merge_from_dict(args.cfg_options)
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    cfg.load_from = args.checkpoint
    cfg.resume = False
    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            sys.exit('error: --dump must end with .pkl or .pickle')
        dump = dict(type='DumpResults', out_file_path=args.dump)
        evaluator = cfg.test_evaluator
        if isinstance(evaluator, (list, tuple)):
            cfg.test_evaluator = [*evaluator, dump]
        else:
            cfg.test_evaluator = [evaluator, dump]
    if args.show_dir is not None:
        vis = cfg.default_hooks.setdefault(
            'visualization', dict(type='VisualizationHook'))
        vis.update(enable=True, out_dir=args.show_dir)
    set_allow_partial(cfg, args.allow_partial)
    check_config(cfg, args.config, phase='test')
    if args.trust_checkpoint:
        trust_checkpoint(args.checkpoint)
    runner = Runner.from_cfg(cfg)
    try:
        metrics = runner.test()
    except REFUSALS as err:
        sys.exit(f'error: {type(err).__name__}: {err}')
    if not is_main_process():
        finish_distributed()
        return
    print(format_metrics(metrics, cfg, split='test',
                         load=load_report(runner)))
    out = osp.join(cfg.work_dir, 'test_metrics.json')
    with open(out, 'w') as f:
        json.dump({k: float(v) if isinstance(v, (int, float)) else v
                   for k, v in metrics.items()}, f, indent=2)
    print(f'metrics written to {out}')
    finish_distributed()


if __name__ == '__main__':
    main()
