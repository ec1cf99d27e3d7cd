"""DSMScalingHook in real 2-iteration mmengine Runner runs."""
import glob
import json
import os

import pytest
import torch
from mmengine.hooks import Hook
from mmengine.runner import Runner

from mmhdf.engine.hooks import DSMScalingHook
from mmhdf.models.losses import grad_scaled_weights
from tests.helpers.tiny_videos import TinyVideos


class Probe(Hook):
    """Records the weights each iteration used and its log_vars."""
    priority = 'ABOVE_NORMAL'  # runs before the logger hook

    def __init__(self):
        self.used, self.outputs = [], []

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        head = runner.model.cls_head
        self.used.append((head.lambda_ce, head.lambda_sc))
        self.outputs.append({k: float(v.detach()) for k, v in outputs.items()})


def tiny_model():
    return dict(
        type='Recognizer3D',
        backbone=dict(
            type='ResNet3d', depth=18, base_channels=8, pretrained=None,
            pretrained2d=False, inflate=(1, 1, 1, 1),
            conv1_kernel=(3, 7, 7), conv1_stride_t=1, pool1_stride_t=1,
            with_pool1=False, with_pool2=False,
            spatial_strides=(1, 2, 2, 2), temporal_strides=(1, 2, 2, 2),
            norm_cfg=dict(type='BN3d', requires_grad=True)),
        cls_head=dict(
            type='HDFHead', in_channels=64, num_classes=3,
            loss_dsm=dict(type='DSMLoss'), label_smooth_eps=0.1,
            topk=(1, ), average_clips='prob'),
        data_preprocessor=dict(
            type='ActionDataPreprocessor', mean=[114.75] * 3,
            std=[57.38] * 3, format_shape='NCTHW'))


def run(tmp_path, name, optim_wrapper, hook_cfg):
    probe = Probe()
    runner = Runner(
        model=tiny_model(),
        work_dir=str(tmp_path / name),
        experiment_name=f'dsm_hook_{name}_{os.getpid()}',
        train_dataloader=dict(
            dataset=TinyVideos(),
            sampler=dict(type='DefaultSampler', shuffle=False),
            batch_size=4, num_workers=0),
        train_cfg=dict(by_epoch=False, max_iters=2),
        optim_wrapper=optim_wrapper,
        custom_hooks=[hook_cfg, probe],
        default_hooks=dict(
            logger=dict(type='LoggerHook', interval=1),
            checkpoint=None),
        default_scope='mmaction')
    runner.train()
    hub = runner.message_hub
    history = {
        key: hub.get_scalar(f'train/{key}').data[0].tolist()
        for key in ('lambda_ce', 'lambda_sc', 'dsm_grad_norm')
    }
    log_files = glob.glob(str(tmp_path / name / '*' / '*.log'))
    scalars = glob.glob(
        str(tmp_path / name / '*' / 'vis_data' / 'scalars.json'))
    text = open(log_files[0]).read()
    vis = [json.loads(line) for line in open(scalars[0])]
    return probe, history, text, vis, runner


ADAMW = dict(type='AdamW', lr=1e-3, weight_decay=0.05, eps=1e-8)


def check_grad_mode(probe, history, text, vis):
    # iteration 0: g = init_grad_norm = 1 -> (alpha/2, beta/2)
    assert probe.used[0] == pytest.approx((5.0, 0.05))
    # iteration 1: weights from the g measured in iteration 0
    g0 = history['dsm_grad_norm'][0]
    assert g0 > 0 and g0 != pytest.approx(1.0)
    assert probe.used[1] == pytest.approx(grad_scaled_weights(g0))
    assert probe.used[1] != probe.used[0]  # the hook changed lambda
    assert history['lambda_ce'] == pytest.approx(
        [probe.used[0][0], probe.used[1][0]])
    assert history['lambda_sc'] == pytest.approx(
        [probe.used[0][1], probe.used[1][1]])
    for out in probe.outputs:  # separate keys; their sum is the loss
        assert out['loss'] == pytest.approx(out['loss_ce'] + out['loss_dsm'],
                                            rel=1e-5)
        assert {'dsm_con', 'dsm_ib', 'top1_acc'} <= set(out)
    # logged at every interval, in the text log and the visualizer backend
    for key in ('lambda_ce', 'lambda_sc', 'dsm_grad_norm', 'loss_ce',
                'loss_dsm', 'dsm_con', 'dsm_ib'):
        assert f'{key}:' in text
        assert all(key in row for row in vis)
    assert [row['lambda_ce'] for row in vis] == pytest.approx(
        history['lambda_ce'])


def test_hook_changes_lambda_with_sam(tmp_path):
    probe, history, text, vis, runner = run(
        tmp_path, 'sam',
        dict(type='SAMOptimWrapper', rho=0.05, optimizer=ADAMW,
             clip_grad=dict(max_norm=1.0)),
        dict(type='DSMScalingHook'))
    check_grad_mode(probe, history, text, vis)
    # g is SAM's first-pass norm (the wrapper's record, consumed by the hook)
    assert runner.optim_wrapper.last_grad_norm is None


def test_hook_with_plain_optim_wrapper_and_clip(tmp_path):
    """Stock mmengine OptimWrapper: the hook records the pre-clip norm."""
    probe, history, text, vis, runner = run(
        tmp_path, 'plain',
        dict(type='OptimWrapper', optimizer=ADAMW,
             clip_grad=dict(max_norm=1e-3)),
        dict(type='DSMScalingHook'))
    check_grad_mode(probe, history, text, vis)
    pre_clip = runner.message_hub.get_scalar('train/grad_norm').data[0]
    # default grad_source='deweighted': the pre-clip norm over the lambda_CE
    # used in that iteration
    used_ce = [ce for ce, _ in probe.used]
    assert history['dsm_grad_norm'] == pytest.approx(
        [g / ce for g, ce in zip(pre_clip.tolist(), used_ce)])
    assert min(pre_clip.tolist()) > 1e-3  # clipping was active
    # the optimizer pre-hook is removed after training
    assert not runner.optim_wrapper.optimizer._optimizer_step_pre_hooks


def test_fixed_mode(tmp_path):
    probe, history, text, vis, runner = run(
        tmp_path, 'fixed',
        dict(type='GradNormOptimWrapper', optimizer=ADAMW),
        dict(type='DSMScalingHook', mode='fixed', lambda_ce=10.0,
             lambda_sc=0.1))
    assert probe.used == [(10.0, 0.1), (10.0, 0.1)]
    assert len(history['dsm_grad_norm']) == 2  # g still logged
    assert 'lambda_ce: 10.0000' in text


def test_hook_args():
    with pytest.raises(ValueError):
        DSMScalingHook(mode='ema')
    with pytest.raises(ValueError, match='grad_source must be one of'):
        DSMScalingHook(grad_source='raw')
    with pytest.raises(ValueError, match='init_grad_norm must be > 0'):
        DSMScalingHook(init_grad_norm=0.0)
    with pytest.raises(ValueError, match='share_interval'):
        DSMScalingHook(share_interval=-1)
    with pytest.raises(ValueError, match='scope must be one of'):
        DSMScalingHook(share_scope='head')
    hook = DSMScalingHook(alpha=4.0, beta=2.0, init_grad_norm=3.0)
    assert hook.current_weights() == pytest.approx((3.0, 0.5))


class _Head(torch.nn.Module):

    def set_loss_weights(self, lambda_ce, lambda_sc):
        self.weights = (lambda_ce, lambda_sc)


def stub_runner(name, wrappers):
    from types import SimpleNamespace

    from mmengine.logging import MessageHub
    from mmengine.optim import OptimWrapperDict
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), _Head())
    if isinstance(wrappers, dict):
        wrappers = OptimWrapperDict(**wrappers)
    return SimpleNamespace(model=model, optim_wrapper=wrappers,
                           message_hub=MessageHub.get_instance(name))


def test_hook_state_rules():
    from mmhdf.engine.optimizers import GradNormOptimWrapper
    lin = torch.nn.Linear(2, 2)
    a = GradNormOptimWrapper(torch.optim.SGD([lin.weight], lr=0.1))
    b = GradNormOptimWrapper(torch.optim.SGD([lin.bias], lr=0.1))
    runner = stub_runner('dsm_hook_state_rules', dict(a=a, b=b))
    # resume: continue from the g in the message hub
    runner.message_hub.update_scalar('train/dsm_grad_norm', 3.0)
    hook = DSMScalingHook(grad_source='weighted')
    hook.before_train(runner)
    hook.before_train_iter(runner, 0)
    assert runner.model[1].weights == pytest.approx((7.5, 0.025))
    # OptimWrapperDict: global norm over all wrappers
    a.last_grad_norm, b.last_grad_norm = torch.tensor(3.0), torch.tensor(4.)
    hook.after_train_iter(runner, 0)
    assert hook.grad_norm == pytest.approx(5.0)
    # no update this iteration (accumulation) / non-finite g: keep g
    hook.after_train_iter(runner, 1)
    assert hook.grad_norm == pytest.approx(5.0)
    a.last_grad_norm = torch.tensor(float('inf'))
    hook.after_train_iter(runner, 2)
    assert hook.grad_norm == pytest.approx(5.0)
    hook.before_train_iter(runner, 3)
    assert runner.model[1].weights == pytest.approx(
        grad_scaled_weights(5.0))


def test_hook_needs_a_dsm_head():
    runner = stub_runner('dsm_hook_no_head', None)
    runner.model = torch.nn.Linear(2, 2)
    with pytest.raises(RuntimeError, match='set_loss_weights'):
        DSMScalingHook().before_train(runner)


def _simulate(grad_source, alpha, ce_grad_norm, steps=200):
    """Iterate the hook on a stub whose objective has ‖∇L_CE‖ = G and
    ∇L_DSM = 0, so the measured norm is exactly λ_CE · G."""
    name = f'dsm_sim_{grad_source}_{alpha}_{ce_grad_norm}'
    from mmhdf.engine.optimizers import GradNormOptimWrapper
    lin = torch.nn.Linear(2, 2)
    wrapper = GradNormOptimWrapper(torch.optim.SGD(lin.parameters(), lr=0.1))
    runner = stub_runner(name, wrapper)
    hook = DSMScalingHook(alpha=alpha, beta=0.1, grad_source=grad_source,
                          share_interval=0)
    hook.before_train(runner)
    for it in range(steps):
        hook.before_train_iter(runner, it)
        lambda_ce = runner.model[1].weights[0]
        wrapper.last_grad_norm = torch.tensor(lambda_ce * ce_grad_norm)
        hook.after_train_iter(runner, it)
    return hook.grad_norm, runner.model[1].weights


@pytest.mark.parametrize('alpha', [1.0, 10.0, 100.0])
def test_default_g_does_not_scale_with_alpha(alpha):
    # deweighted: g = ‖∇L_CE‖ exactly, for every alpha
    g, (lambda_ce, lambda_sc) = _simulate('deweighted', alpha, 2.0)
    assert g == pytest.approx(2.0)
    assert (lambda_ce, lambda_sc) == pytest.approx(
        grad_scaled_weights(2.0, alpha, 0.1))


def test_weighted_g_forms_the_feedback_loop():
    # weighted (legacy): the fixed point g = alpha*G - 1 scales with alpha,
    # so lambda_SC = beta / (alpha*G) shrinks as alpha grows ...
    for alpha in (10.0, 100.0):
        g, (_, lambda_sc) = _simulate('weighted', alpha, 2.0)
        assert g == pytest.approx(alpha * 2.0 - 1.0, rel=1e-4)
        assert lambda_sc == pytest.approx(0.1 / (alpha * 2.0), rel=1e-4)
    # ... and with alpha*G < 1 it collapses g and lambda_CE to 0
    g, (lambda_ce, _) = _simulate('weighted', 1.0, 0.5)
    assert g < 1e-2 and lambda_ce < 1e-2
    g, (lambda_ce, _) = _simulate('deweighted', 1.0, 0.5)
    assert g == pytest.approx(0.5) and lambda_ce == pytest.approx(1 / 3)


def test_deweighted_source_divides_by_the_lambda_used():
    from mmhdf.engine.optimizers import GradNormOptimWrapper
    lin = torch.nn.Linear(2, 2)
    wrapper = GradNormOptimWrapper(torch.optim.SGD(lin.parameters(), lr=0.1))
    runner = stub_runner('dsm_hook_deweighted_rule', wrapper)
    hook = DSMScalingHook(alpha=4.0, beta=2.0, init_grad_norm=3.0)
    hook.before_train(runner)
    hook.before_train_iter(runner, 0)  # lambda_CE = 4 * 3 / 4 = 3
    wrapper.last_grad_norm = torch.tensor(6.0)
    hook.after_train_iter(runner, 0)
    assert hook.grad_norm == pytest.approx(2.0)


def test_share_logged_and_dsm_acts_with_sam(tmp_path):
    probe, history, text, vis, runner = run(
        tmp_path, 'share',
        dict(type='SAMOptimWrapper', rho=0.05, optimizer=ADAMW),
        dict(type='DSMScalingHook', alpha=1.0, beta=1.0, share_interval=1))
    for key in ('dsm_share', 'dsm_ce_grad', 'dsm_dsm_grad'):
        assert f'{key}:' in text
        assert all(key in row for row in vis)
    hub = runner.message_hub
    share = hub.get_scalar('train/dsm_share').data[0].tolist()
    ce = hub.get_scalar('train/dsm_ce_grad').data[0].tolist()
    dsm = hub.get_scalar('train/dsm_dsm_grad').data[0].tolist()
    assert len(share) == 2  # once per iteration, not per SAM pass
    assert share == pytest.approx([d / c for d, c in zip(dsm, ce)])
    assert all(0 < s < 100 for s in share)
    # the probe is removed after training
    assert runner.model.cls_head.grad_probe is None
