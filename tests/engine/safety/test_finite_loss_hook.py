"""FiniteLossHook names the iteration and the samples of a NaN loss."""
from types import SimpleNamespace

import pytest
import torch
from mmaction.structures import ActionDataSample

from mmhdf.engine.safety import FiniteLossHook, NonFiniteLossError


def _batch():
    samples = []
    for name in ('clips/00012', 'clips/00345'):
        s = ActionDataSample()
        s.set_metainfo(dict(frame_dir=name))
        samples.append(s)
    return dict(inputs=[torch.zeros(1)] * 2, data_samples=samples)


def test_nan_loss_raises_with_iteration_and_sample_ids():
    runner = SimpleNamespace(epoch=2, iter=41)
    outputs = dict(loss=torch.tensor(float('nan')),
                   loss_ce=torch.tensor(1.0), top1_acc=torch.tensor(0.5))
    with pytest.raises(NonFiniteLossError) as err:
        FiniteLossHook().after_train_iter(runner, 5, _batch(), outputs)
    msg = str(err.value)
    assert 'epoch 3, iteration 42 (batch 5' in msg
    assert "'loss': nan" in msg and 'loss_ce' not in msg
    assert "['clips/00012', 'clips/00345']" in msg


def test_inf_in_any_loss_key_raises_but_other_keys_are_ignored():
    runner = SimpleNamespace(epoch=0, iter=0)
    hook = FiniteLossHook()
    hook.after_train_iter(runner, 0, _batch(),
                          dict(loss=torch.tensor(1.0),
                               grad_norm=torch.tensor(float('inf'))))
    with pytest.raises(NonFiniteLossError, match='loss_dsm'):
        hook.after_train_iter(runner, 0, _batch(),
                              dict(loss_dsm=torch.tensor(float('inf'))))
