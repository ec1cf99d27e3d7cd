"""Encoding mmengine's training state into weights-only-loadable types."""
import io
from collections import OrderedDict

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer

from mmhdf.compat import decode_plain_state, encode_plain_state


def _roundtrip_weights_only(obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    return torch.load(buf, weights_only=True)


def _message_hub_like():
    hb = HistoryBuffer()
    for v in (1.5, 2.5, 4.0):
        hb.update(v, count=2)
    return {
        'meta': {'epoch': 3, 'best': np.float64(0.625)},
        'message_hub': {
            'log_scalars': OrderedDict([('train/loss', hb)]),
            'runtime_info': OrderedDict([
                ('best_score', np.float64(0.5)),
                ('iter', np.int64(12)),
                ('table', np.arange(6, dtype=np.float32).reshape(2, 3)),
            ]),
            'resumed_keys': OrderedDict([('train/loss', True)]),
        },
        'state_dict': OrderedDict([('w', torch.ones(2))]),
    }


def test_raw_mmengine_state_is_refused_by_weights_only():
    """Without the encoding, torch refuses the state (the bug being fixed)."""
    with pytest.raises(Exception, match='Unsupported global'):
        _roundtrip_weights_only(_message_hub_like())


def test_numpy_float64_is_encoded_although_it_subclasses_float():
    assert isinstance(np.float64(1.0), float)
    enc = encode_plain_state({'x': np.float64(0.25)})
    assert type(enc['x']) is float and enc['x'] == 0.25


def test_roundtrip_restores_history_buffer_and_numpy():
    state = _message_hub_like()
    loaded = decode_plain_state(
        _roundtrip_weights_only(encode_plain_state(state)))
    hb = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(hb, HistoryBuffer)
    np.testing.assert_array_equal(hb._log_history, [1.5, 2.5, 4.0])
    np.testing.assert_array_equal(hb._count_history, [2, 2, 2])
    assert hb.mean() == pytest.approx(8.0 / 6)  # sum(values) / sum(counts)
    info = loaded['message_hub']['runtime_info']
    assert isinstance(info, OrderedDict)
    assert info['best_score'] == 0.5 and info['iter'] == 12
    np.testing.assert_array_equal(info['table'],
                                  np.arange(6).reshape(2, 3))
    assert info['table'].dtype == np.float32
    assert torch.equal(loaded['state_dict']['w'], torch.ones(2))


def test_decode_is_idempotent():
    enc = encode_plain_state(_message_hub_like())
    once = decode_plain_state(enc)
    twice = decode_plain_state(once)
    assert isinstance(twice['message_hub']['log_scalars']['train/loss'],
                      HistoryBuffer)


def test_unknown_object_names_its_key_path():
    with pytest.raises(TypeError, match=r'checkpoint\.meta\.obj: .*Foo'):
        class Foo:
            pass
        encode_plain_state({'meta': {'obj': Foo()}})
