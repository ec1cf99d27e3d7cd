"""Hook / evaluator arguments and ``save_best`` are checked before the first
iteration (mmengine fails only when it first saves: after a whole epoch)."""
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmhdf.utils.config_checks import ConfigError, check_hooks_and_evaluators

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
HDF_CFG = osp.join(
    ROOT, 'configs/recognition/hdf/'
    'hdf_r3d18-w16-dam4_sam_1xb16-8x64-6e_syndfer-h-cpu.py')
X3D_CFG = osp.join(ROOT, ('configs/recognition/baselines/'
                          'x3d_s_8xb8-16x112-30e_video.py'))


@pytest.fixture
def cfg():
    init_default_scope('mmaction')
    return Config.fromfile(HDF_CFG)


def test_paper_and_baseline_configs_pass(cfg):
    check_hooks_and_evaluators(cfg, 'hdf.py')
    check_hooks_and_evaluators(cfg, 'hdf.py', phase='test')
    check_hooks_and_evaluators(Config.fromfile(X3D_CFG), 'x3d.py')


def test_unknown_checkpoint_hook_argument(cfg):
    cfg.default_hooks.checkpoint.save_bset = 'dfer/UAR'
    with pytest.raises(ConfigError) as err:
        check_hooks_and_evaluators(cfg, 'hdf.py')
    assert ("hdf.py: default_hooks.checkpoint (type=SafeCheckpointHook): "
            "SafeCheckpointHook has no argument 'save_bset' (did you mean "
            "'save_best'") in str(err.value)


def test_unknown_hook_type_and_custom_hook_argument(cfg):
    # EMAHook forwards **kwargs to its EMA model: momentum is accepted
    cfg.custom_hooks = [dict(type='EMAHook', momentum=0.1)]
    check_hooks_and_evaluators(cfg, 'hdf.py')
    cfg.custom_hooks = [dict(type='EMAHook', momentm=0.1)]
    with pytest.raises(ConfigError, match=r"custom_hooks\[0\] \(type=EMAHook"
                       r"\): EMAHook has no argument 'momentm' \(did you "
                       r"mean 'momentum'"):
        check_hooks_and_evaluators(cfg, 'hdf.py')
    cfg.custom_hooks = []
    cfg.default_hooks.logger.type = 'LogerHook'
    with pytest.raises(ConfigError, match="unknown hook type 'LogerHook' "
                       r"\(did you mean 'LoggerHook'"):
        check_hooks_and_evaluators(cfg, 'hdf.py')


def test_save_best_must_be_a_produced_metric(cfg):
    cfg.default_hooks.checkpoint.save_best = 'dfer/UARR'
    with pytest.raises(ConfigError) as err:
        check_hooks_and_evaluators(cfg, 'hdf.py')
    msg = str(err.value)
    assert ("default_hooks.checkpoint.save_best='dfer/UARR' is not a metric "
            "the val evaluator produces (did you mean 'dfer/UAR'") in msg
    assert 'dfer/WAR' in msg and 'dfer/recall/<name>' in msg
    # per-class / per-domain keys and other exact keys are accepted
    for ok in ('dfer/WAR', 'dfer/recall/Happy', 'dfer/worst_group_UAR',
               'dfer/domain_UAR/studio', ['dfer/UAR', 'dfer/WAR'], 'auto'):
        cfg.default_hooks.checkpoint.save_best = ok
        check_hooks_and_evaluators(cfg, 'hdf.py')
    # without validation, save_best is never used
    cfg.default_hooks.checkpoint.save_best = 'dfer/UARR'
    cfg.val_cfg = None
    check_hooks_and_evaluators(cfg, 'hdf.py')


def test_save_best_with_acc_metric(cfg):
    cfg.val_evaluator = dict(type='AccMetric')
    cfg.default_hooks.checkpoint.save_best = 'acc/mean1'
    check_hooks_and_evaluators(cfg, 'hdf.py')
    cfg.default_hooks.checkpoint.save_best = 'acc/top3'
    with pytest.raises(ConfigError, match="'acc/top3' is not a metric the "
                       "val evaluator produces \\(did you mean 'acc/top5' "
                       "or 'acc/top1'\\?\\); it produces: acc/mean1, "
                       "acc/top1, acc/top5"):
        check_hooks_and_evaluators(cfg, 'hdf.py')


def test_evaluator_arguments_are_checked(cfg):
    cfg.val_evaluator.gruop_key = 'domain'
    with pytest.raises(ConfigError, match="val_evaluator \\(type=DFERMetric"
                       "\\): DFERMetric has no argument 'gruop_key' \\(did "
                       "you mean 'group_key'"):
        check_hooks_and_evaluators(cfg, 'hdf.py')
    cfg.val_evaluator.pop('gruop_key')
    cfg.test_evaluator = dict(type='DFERMetirc')
    with pytest.raises(ConfigError, match="test_evaluator: unknown metric "
                       "type 'DFERMetirc' \\(did you mean 'DFERMetric'"):
        check_hooks_and_evaluators(cfg, 'hdf.py', phase='test')
