"""HDFHead / HDFX3DHead: CE via the standard loss_by_feat + DSM keys."""
import pytest
import torch

from mmaction.models.heads import I3DHead, X3DHead
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmhdf.models.heads import HDFHead, HDFX3DHead
from mmhdf.models.losses import DSMLoss


def samples(labels):
    return [ActionDataSample().set_gt_label(int(y)) for y in labels]


LABELS = [0, 1, 0, 2, 1, 2]


def test_i3d_style_losses_and_keys():
    torch.manual_seed(0)
    head = MODELS.build(
        dict(type='HDFHead', num_classes=3, in_channels=16,
             loss_dsm=dict(type='DSMLoss', ib_weight=0.2),
             lambda_ce=2.0, lambda_sc=0.5, label_smooth_eps=0.1,
             topk=(1, )))
    head.init_weights()
    head.eval()  # dropout off, for the exact comparison
    ref = I3DHead(num_classes=3, in_channels=16, label_smooth_eps=0.1,
                  topk=(1, ))
    ref.load_state_dict(head.state_dict())
    ref.eval()
    x = torch.randn(6, 16, 2, 3, 3)
    losses = head.loss(x, samples(LABELS))
    assert set(losses) == {'loss_ce', 'loss_dsm', 'dsm_con', 'dsm_ib',
                           'top1_acc'}
    ref_losses = ref.loss(x, samples(LABELS))
    assert torch.allclose(losses['loss_ce'], 2.0 * ref_losses['loss_cls'])
    assert torch.allclose(losses['top1_acc'], ref_losses['top1_acc'])
    pooled = x.mean(dim=(2, 3, 4))  # DSM feature: pooled pre-fc
    dsm = DSMLoss(ib_weight=0.2)(pooled, torch.tensor(LABELS))
    assert torch.allclose(losses['loss_dsm'], 0.5 * dsm['loss_dsm'])
    assert torch.allclose(losses['dsm_con'], dsm['dsm_con'])
    assert torch.allclose(losses['dsm_ib'], dsm['dsm_ib'])
    # forward / predict are I3DHead's
    assert torch.allclose(head(x), ref(x))
    # weights set between iterations act linearly
    head.set_loss_weights(1.0, 1.0)
    again = head.loss(x, samples(LABELS))
    assert torch.allclose(again['loss_ce'], ref_losses['loss_cls'])
    assert torch.allclose(again['loss_dsm'], dsm['loss_dsm'])


def test_gradients_reach_pooled_feature_through_dsm():
    head = HDFHead(num_classes=3, in_channels=8, loss_dsm=dict(
        type='DSMLoss'), lambda_ce=0.0, lambda_sc=1.0)
    x = torch.randn(4, 8, 1, 2, 2, requires_grad=True)
    head.loss(x, samples([0, 0, 1, 1]))['loss_dsm'].backward()
    assert x.grad.abs().sum() > 0
    assert head.fc_cls.weight.grad is None or \
        head.fc_cls.weight.grad.abs().sum() == 0


def test_without_dsm_and_batch_one():
    head = HDFHead(num_classes=3, in_channels=8, lambda_ce=1.0)
    losses = head.loss(torch.randn(1, 8, 1, 2, 2), samples([2]))
    assert 'loss_ce' in losses and 'loss_dsm' not in losses
    head = HDFHead(num_classes=3, in_channels=8,
                   loss_dsm=dict(type='DSMLoss'))
    losses = head.loss(torch.randn(1, 8, 1, 2, 2), samples([2]))
    assert losses['loss_dsm'].item() == 0.0
    assert torch.isfinite(losses['loss_ce'])


@pytest.mark.parametrize('feature,dim', [('pool', 12), ('fc1', 2048)])
def test_x3d_style(feature, dim):
    torch.manual_seed(0)
    head = MODELS.build(
        dict(type='HDFX3DHead', num_classes=3, in_channels=12,
             loss_dsm=dict(type='DSMLoss'), dsm_feature=feature,
             lambda_ce=1.0, lambda_sc=1.0, topk=(1, )))
    ref = X3DHead(num_classes=3, in_channels=12, topk=(1, ))
    assert set(head.state_dict()) == set(ref.state_dict())
    ref.load_state_dict(head.state_dict())
    head.eval()
    ref.eval()
    x = torch.randn(6, 12, 2, 2, 2)
    assert torch.allclose(head(x), ref(x))
    cls_in, feat = head.embed(x)
    assert feat.shape == (6, dim) and cls_in.shape == (6, 2048)
    losses = head.loss(x, samples(LABELS))
    dsm = DSMLoss()(feat, torch.tensor(LABELS))
    assert torch.allclose(losses['loss_dsm'], dsm['loss_dsm'])
    assert torch.allclose(losses['loss_ce'],
                          ref.loss(x, samples(LABELS))['loss_cls'])
    with pytest.raises(ValueError):
        HDFX3DHead(num_classes=3, in_channels=12, dsm_feature='conv')


def test_predict_unchanged():
    head = HDFHead(num_classes=3, in_channels=8,
                   loss_dsm=dict(type='DSMLoss'), average_clips='prob')
    head.eval()
    out = head.predict(torch.randn(2, 8, 1, 2, 2), samples([0, 1]))
    assert out[0].pred_score.shape == (3, )
    assert torch.allclose(out[0].pred_score.sum(), torch.tensor(1.0))
