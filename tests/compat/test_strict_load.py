"""StrictLoadHook: a checkpoint that does not match the model is refused,
listing the first mismatches, unless partial loading is allowed."""
import pytest
import torch

from mmhdf.compat.strict_load import (CheckpointMismatchError, StrictLoadHook,
                                      compare_state_dict)
from tests.helpers.fake_runner import RecordingLogger as _Logger


def _model() -> torch.nn.Module:
    return torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3),
                               torch.nn.BatchNorm2d(4), torch.nn.Linear(4, 2))


class _Runner:

    def __init__(self, model) -> None:
        self.model = model
        self.logger = _Logger()
        self._load_from = 'given.pth'


def test_matching_checkpoints_pass():
    model = _model()
    sd = {f'module.{k}': v for k, v in model.state_dict().items()
          if not k.endswith('num_batches_tracked')}  # DDP-saved, old BN
    assert compare_state_dict(model, sd).matches


def test_mismatch_is_refused_with_the_first_keys_listed():
    model = _model()
    sd = dict(model.state_dict())
    sd['2.weight'] = torch.zeros(3, 4)  # other shape
    del sd['0.bias']  # missing
    sd['head.fc.weight'] = torch.zeros(1)  # unexpected
    runner = _Runner(model)
    with pytest.raises(CheckpointMismatchError) as err:
        StrictLoadHook().after_load_checkpoint(runner, {'state_dict': sd})
    msg = str(err.value)
    assert msg.startswith('Checkpoint given.pth does not match the model (1 '
                          'missing, 1 unexpected, 1 shape mismatches).')
    assert '  missing keys: 0.bias' in msg
    assert '  unexpected keys: head.fc.weight' in msg
    assert '  shape mismatches: 2.weight checkpoint [3, 4] vs model [2, 4]' \
        in msg
    assert '--allow-partial' in msg


def test_long_lists_are_cut():
    model = torch.nn.Sequential(*[torch.nn.Linear(2, 2) for _ in range(8)])
    with pytest.raises(CheckpointMismatchError, match=r'missing keys: 0.weight'
                       r', 0.bias, 1.weight, 1.bias, 2.weight \(\+11 more\)'):
        StrictLoadHook().after_load_checkpoint(_Runner(model), {})


def test_allow_partial_warns_and_reports():
    model = _model()
    sd = dict(model.state_dict(), extra=torch.zeros(1))
    hook = StrictLoadHook(allow_partial=True)
    runner = _Runner(model)
    hook.after_load_checkpoint(runner, {'state_dict': sd})
    level, msg = runner.logger.lines[0]
    assert level == 'warning' and 'partial loading allowed' in msg
    assert hook.last_report.describe() == (
        'PARTIAL (allowed: 0 missing, 1 unexpected, 0 shape mismatches)')
