"""Weights-only checkpoint loading: payloads refused, opt-in explicit."""
import os

import pytest
import torch
from mmengine.runner.checkpoint import CheckpointLoader

from mmhdf.compat import (UnsafeCheckpointError, encode_plain_state,
                          safe_torch_load)
from mmhdf.compat.checkpoint import TRUST_ENV, load_from_local
from mmhdf.testing.checkpoints import write_malicious


def test_mmengine_local_scheme_is_the_safe_loader():
    assert CheckpointLoader._get_checkpoint_loader('/x/y.pth') is \
        load_from_local


def test_payload_is_refused_and_never_runs(tmp_path):
    ckpt, marker = tmp_path / 'evil.pth', tmp_path / 'pwned'
    write_malicious(str(ckpt), str(marker))
    with pytest.raises(UnsafeCheckpointError, match='Refusing to load'):
        CheckpointLoader.load_checkpoint(str(ckpt), map_location='cpu')
    assert not marker.exists()


def test_plain_checkpoint_loads(tmp_path):
    path = tmp_path / 'ok.pth'
    torch.save(encode_plain_state({'state_dict': {'w': torch.ones(3)},
                                   'meta': {'epoch': 2}}), path)
    ckpt = CheckpointLoader.load_checkpoint(str(path), map_location='cpu')
    assert ckpt['meta']['epoch'] == 2
    assert torch.equal(ckpt['state_dict']['w'], torch.ones(3))


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        safe_torch_load(str(tmp_path / 'nope.pth'))


def test_trust_is_explicit_per_file(tmp_path, monkeypatch):
    """Only the listed file is unpickled; the opt-in is never a fallback."""
    legacy, other = tmp_path / 'legacy.pth', tmp_path / 'other.pth'
    for p in (legacy, other):
        torch.save({'meta': {'s': {1, 2}.__class__((3, ))},
                    'obj': torch.nn.Identity()}, p)
    with pytest.raises(UnsafeCheckpointError):
        safe_torch_load(str(legacy))
    monkeypatch.setenv(TRUST_ENV, str(legacy))
    assert isinstance(safe_torch_load(str(legacy))['obj'], torch.nn.Identity)
    with pytest.raises(UnsafeCheckpointError):
        safe_torch_load(str(other))
    assert os.environ[TRUST_ENV] == str(legacy)


@pytest.mark.parametrize('kind', ['zip', 'legacy', 'empty'])
def test_truncated_file_is_a_clear_error_naming_it(tmp_path, kind):
    from mmhdf.compat import CheckpointCorruptError
    path = tmp_path / 'epoch_3.pth'
    torch.save({'state_dict': {'w': torch.ones(100)}}, path,
               _use_new_zipfile_serialization=kind == 'zip')
    data = path.read_bytes()
    path.write_bytes(b'' if kind == 'empty' else data[:len(data) // 2])
    with pytest.raises(CheckpointCorruptError) as err:
        CheckpointLoader.load_checkpoint(str(path), map_location='cpu')
    msg = str(err.value)
    assert msg.startswith(f'Checkpoint {path} is incomplete or corrupt: ')
    assert {'zip': 'truncated', 'legacy': 'unexpected EOF',
            'empty': 'empty file'}[kind] in msg
