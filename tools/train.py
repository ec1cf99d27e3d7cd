#!/usr/bin/env python
"""Train an mmhdf / mmaction2 recognizer (mmaction2's train CLI + mmhdf).

Same arguments as mmaction2's ``tools/train.py``; ``import mmhdf`` comes first
so mmhdf's modules are registered, and :func:`mmhdf.compat.apply` installs
the weights-only checkpoint loaders and the CPU distributed launch for any
config this tool runs. Extra flags:
``--trust-checkpoint`` opts in to full unpickling of the ``--resume`` /
``load_from`` file (legacy checkpoints only; mmhdf checkpoints never need it);
``--allow-partial`` lets ``load_from`` load a checkpoint whose parameter names
or shapes do not all match the model (refused otherwise). ``--amp`` also works
with SAM (``SAMOptimWrapper`` -> ``AmpSAMOptimWrapper``, see
:func:`mmhdf.engine.optimizers.amp_config.amp_optim_wrapper`).

Refusals (unsafe, truncated or mismatching checkpoint, work dir in use) end
the run with ``error: <Kind>: <message>`` and exit status 1.
"""
import argparse
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import mmhdf  # noqa: E402,F401  (drn fix + registration first)
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from mmhdf.compat import apply as apply_compat  # noqa: E402
from mmhdf.compat import trust_checkpoint  # noqa: E402
from mmhdf.compat.dist_cpu import finish_distributed  # noqa: E402
from mmhdf.engine.optimizers.amp_config import amp_optim_wrapper  # noqa: E402
from mmhdf.utils.cfg_option_types import check_cfg_options  # noqa: E402
from mmhdf.utils.config_checks import check_config  # noqa: E402
from mmhdf.utils.run_errors import REFUSALS, set_allow_partial  # noqa: E402


def parse_args() -> argparse.Namespace:
    """Parse the command line.

    Returns:
        argparse.Namespace: The arguments.
    """
    parser = argparse.ArgumentParser(description='Train a recognizer')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from the latest checkpoint in the work_dir '
        'automatically, or from a given checkpoint path')
    parser.add_argument(
        '--amp', action='store_true',
        help='automatic mixed precision: SAMOptimWrapper (HDF recipes) -> '
        'AmpSAMOptimWrapper (fp16 + loss scaler on CUDA, bf16 on CPU), '
        'OptimWrapper / GradNormOptimWrapper -> AmpOptimWrapper (CUDA only)')
    parser.add_argument(
        '--no-validate', action='store_true',
        help='do not evaluate checkpoints during training')
    parser.add_argument(
        '--auto-scale-lr', action='store_true',
        help='scale the learning rate by the actual batch size')
    parser.add_argument('--seed', type=int, default=None, help='random seed')
    parser.add_argument(
        '--diff-rank-seed', action='store_true',
        help='use a different seed on each rank')
    parser.add_argument(
        '--deterministic', action='store_true',
        help='set deterministic options for the CUDNN backend')
    parser.add_argument(
        '--trust-checkpoint', action='store_true',
        help='allow full unpickling of the --resume / load_from file '
        '(only for legacy checkpoints you wrote yourself)')
    parser.add_argument(
        '--allow-partial', action='store_true',
        help='let load_from load a checkpoint whose parameter names or '
        'shapes do not all match the model (refused by default)')
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


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Apply the command-line arguments to the config.

    Args:
        cfg (Config): The loaded config.
        args (argparse.Namespace): Parsed arguments.

    Returns:
        Config: The updated config.
    """
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.amp:
        amp_optim_wrapper(cfg.optim_wrapper, args.config)
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr = dict(
            enable=True, base_batch_size=cfg.get('auto_scale_lr', {}).get(
                'base_batch_size', 8))
    randomness = cfg.get('randomness', dict())
    if args.seed is not None:
        randomness['seed'] = args.seed
    if args.deterministic:
        randomness['deterministic'] = True
    if args.diff_rank_seed:
        randomness['diff_rank_seed'] = True
    cfg.randomness = randomness
    return cfg


def main() -> None:
    """Entry point."""
    # mmhdf's tool: weights-only checkpoints and the CPU launch for every
    # config, mmhdf's or not (mmhdf configs select them anyway).
    apply_compat()
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        check_cfg_options(cfg, args.cfg_options, args.config)
        cfg.merge_from_dict(args.cfg_options)
    cfg = merge_args(cfg, args)
    set_allow_partial(cfg, args.allow_partial)
    check_config(cfg, args.config)
    if args.trust_checkpoint and cfg.get('load_from'):
        trust_checkpoint(cfg.load_from)
    runner = Runner.from_cfg(cfg)
    try:
        runner.train()
    except REFUSALS as err:
        sys.exit(f'error: {type(err).__name__}: {err}')
    finish_distributed()


if __name__ == '__main__':
    main()
