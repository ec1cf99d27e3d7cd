"""SafeCheckpointHook: save order, atomic files and the ``--resume`` choice.

A fake runner stands in for mmengine's (no training): it records which files
exist at the moment each checkpoint is written.
"""
import os

import pytest
import torch

from mmhdf.compat import CheckpointCorruptError
from mmhdf.compat.resume import resolve_auto_resume
from mmhdf.compat.safe_checkpoint_hook import SafeCheckpointHook
from mmhdf.apis.experiment import find_checkpoints
from tests.helpers.fake_runner import FakeRunner as _Runner


def _complete(path: str, epoch: int = 1) -> None:
    torch.save({'meta': {'epoch': epoch}, 'state_dict': {}}, path)


def _truncated(path: str) -> None:
    _complete(path)
    with open(path, 'rb') as f:
        data = f.read()
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 2])


def _written(runner: _Runner, final: str) -> set:
    """Files present while ``final`` was written (via its temp name)."""
    hits = [seen for name, seen in runner.writes
            if name.startswith(f'.{final}.')]
    assert hits, runner.writes
    return hits[0]


def test_new_files_complete_before_old_ones_are_deleted(tmp_path):
    runner = _Runner(str(tmp_path))
    hook = SafeCheckpointHook(interval=1, max_keep_ckpts=1,
                              save_best='dfer/UAR', rule='greater')
    hook.before_train(runner)
    for epoch, uar in ((1, 10.0), (2, 20.0)):
        runner.epoch = epoch - 1
        hook._save_checkpoint(runner)  # after_train_epoch
        runner.epoch = epoch
        hook.after_val_epoch(runner, {'dfer/UAR': uar})
    # epoch_1 / the epoch-1 best still existed while their successors were
    # written (mmengine deletes them first)
    assert 'epoch_1.pth' in _written(runner, 'epoch_2.pth')
    assert 'best_dfer_UAR_epoch_1.pth' in _written(
        runner, 'best_dfer_UAR_epoch_2.pth')
    # every write went to a hidden temp file, renamed when complete
    assert all(name.startswith('.') and name.endswith('.tmp')
               for name, _ in runner.writes)
    assert sorted(os.listdir(tmp_path)) == [
        'best_dfer_UAR_epoch_2.pth', 'epoch_2.pth', 'last_checkpoint']
    with open(tmp_path / 'last_checkpoint') as f:
        assert f.read() == str(tmp_path / 'epoch_2.pth')
    assert find_checkpoints(str(tmp_path))['best_epoch'] == 2


def _resume_runner(tmp_path, load_from=None, training=True) -> _Runner:
    runner = _Runner(str(tmp_path), training=training)
    runner._resume = True
    runner._load_from = load_from
    SafeCheckpointHook(interval=1).before_run(runner)
    return runner


def test_resume_keeps_a_complete_last_checkpoint(tmp_path):
    _complete(str(tmp_path / 'epoch_9.pth'))
    _complete(str(tmp_path / 'epoch_12.pth'))
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_9.pth'))
    runner = _resume_runner(tmp_path)
    assert runner._load_from == str(tmp_path / 'epoch_9.pth')
    assert runner.logger.lines[-1][0] == 'info'


@pytest.mark.parametrize('last', ['missing', 'empty', 'deleted', 'truncated'])
def test_resume_falls_back_to_the_newest_complete_checkpoint(tmp_path, last):
    # numbers, not strings: epoch_12 is newer than epoch_9
    _complete(str(tmp_path / 'epoch_9.pth'))
    _complete(str(tmp_path / 'epoch_12.pth'))
    _truncated(str(tmp_path / 'epoch_13.pth'))
    target = {'empty': '', 'deleted': str(tmp_path / 'epoch_14.pth'),
              'truncated': str(tmp_path / 'epoch_13.pth')}
    if last != 'missing':
        (tmp_path / 'last_checkpoint').write_text(target[last])
    runner = _resume_runner(tmp_path)
    assert runner._load_from == str(tmp_path / 'epoch_12.pth')
    level, msg = runner.logger.lines[-1]
    assert level == 'warning'
    assert (f'falling back to the newest complete checkpoint '
            f'{tmp_path}/epoch_12.pth; skipped epoch_13.pth (truncated'
            ) in msg, msg
    assert msg.endswith(f'resuming from {tmp_path}/epoch_12.pth.')
    reason = {'missing': 'last_checkpoint is missing',
              'empty': 'last_checkpoint is empty',
              'deleted': 'epoch_14.pth, which is missing',
              'truncated': 'epoch_13.pth, which is truncated'}[last]
    assert reason in msg


def test_resume_with_nothing_complete_starts_from_scratch(tmp_path):
    _truncated(str(tmp_path / 'epoch_1.pth'))
    runner = _resume_runner(tmp_path)
    assert runner._load_from is None
    assert 'training starts from scratch' in runner.logger.lines[-1][1]


def test_explicit_truncated_resume_names_the_file(tmp_path):
    path = str(tmp_path / 'epoch_3.pth')
    _truncated(path)
    with pytest.raises(CheckpointCorruptError) as err:
        _resume_runner(tmp_path, load_from=path)
    assert f'--resume: Checkpoint {path} is incomplete or corrupt: ' \
        'truncated' in str(err.value)


def test_stale_temp_files_removed_only_when_training(tmp_path):
    stale = tmp_path / '.epoch_2.pth.1234.tmp'
    stale.write_bytes(b'PK\x03\x04half')
    keep = tmp_path / '.user_notes.tmp'
    keep.write_text('not ours')
    _resume_runner(tmp_path, training=False)  # tools/test.py: hands off
    assert stale.exists()
    runner = _Runner(str(tmp_path))
    SafeCheckpointHook(interval=1).before_run(runner)
    assert not stale.exists() and keep.exists()
    assert 'Removed .epoch_2.pth.1234.tmp' in runner.logger.lines[0][1]


def test_resolver_prefers_numbers_over_string_order(tmp_path):
    for n in (2, 9, 10, 12):
        _complete(str(tmp_path / f'epoch_{n}.pth'))
    choice = resolve_auto_resume(str(tmp_path), [str(tmp_path)],
                                 'epoch_{}.pth')
    assert choice.path == str(tmp_path / 'epoch_12.pth'), choice.reason
    assert choice.fallback


def test_find_checkpoints_ranks_best_files_by_epoch_number(tmp_path):
    for n in (9, 12):
        _complete(str(tmp_path / f'best_dfer_UAR_epoch_{n}.pth'))
    (tmp_path / 'last_checkpoint').write_text('x')
    found = find_checkpoints(str(tmp_path))
    assert found['best_epoch'] == 12
    assert found['best_val_UAR'].endswith('best_dfer_UAR_epoch_12.pth')
