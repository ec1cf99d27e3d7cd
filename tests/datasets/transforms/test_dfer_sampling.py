"""DFERUniformSample: segments, short-clip padding, deterministic test."""
import numpy as np
import pytest

from mmhdf.datasets.transforms import DFERUniformSample


def _inds(t, n, start_index=0):
    return t(dict(total_frames=n, start_index=start_index))['frame_inds']


def test_test_mode_is_deterministic_segment_centres():
    t = DFERUniformSample(clip_len=16, test_mode=True)
    a = _inds(t, 32)
    assert a.tolist() == list(range(1, 32, 2))
    assert (a == _inds(t, 32)).all()
    b = _inds(t, 77)
    assert b.tolist() == [(2 * i + 1) * 77 // 32 for i in range(16)]
    assert (_inds(t, 32, start_index=1) == a + 1).all()
    out = t(dict(total_frames=40, start_index=0))
    assert out['clip_len'] == 16 and out['num_clips'] == 1


def test_train_mode_one_random_frame_per_segment():
    t = DFERUniformSample(clip_len=16, test_mode=False)
    np.random.seed(0)
    draws = np.stack([_inds(t, 50) for _ in range(20)])
    lo = np.arange(16) * 50 // 16
    hi = (np.arange(16) + 1) * 50 // 16
    assert (draws >= lo).all() and (draws < hi).all()
    assert len({tuple(d) for d in draws}) > 1  # random
    np.random.seed(0)
    assert (np.stack([_inds(t, 50) for _ in range(20)]) == draws).all()


@pytest.mark.parametrize('test_mode', [True, False])
def test_short_clips_padded_by_repetition(test_mode):
    stretch = DFERUniformSample(16, test_mode=test_mode)
    assert _inds(stretch, 5).tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 3,
                                          3, 3, 4, 4, 4]
    last = DFERUniformSample(16, test_mode=test_mode, pad_mode='repeat_last')
    assert _inds(last, 5).tolist() == [0, 1, 2, 3, 4] + [4] * 11
    loop = DFERUniformSample(16, test_mode=test_mode, pad_mode='loop')
    assert _inds(loop, 5).tolist() == [i % 5 for i in range(16)]
    assert _inds(stretch, 1).tolist() == [0] * 16
    # exactly clip_len frames: every frame once
    assert _inds(stretch, 16).tolist() == list(range(16))


def test_multi_view_test_sampling():
    t = DFERUniformSample(16, num_clips=2, test_mode=True)
    inds = _inds(t, 64)
    assert inds.shape == (32, )
    v1, v2 = inds[:16], inds[16:]
    assert (v1 < v2).all() and (v2 - v1 <= 4).all()
    assert (v1 >= np.arange(16) * 4).all()
    assert (v2 < np.arange(1, 17) * 4).all()


def test_m3dfel_mode():
    t = DFERUniformSample(16, mode='m3dfel', test_mode=True)
    assert _inds(t, 40).tolist() == [i * 40 // 16 for i in range(16)]
    np.random.seed(1)
    r = DFERUniformSample(16, mode='m3dfel', test_mode=True, random_test=True)
    draws = {tuple(_inds(r, 40)) for _ in range(10)}
    assert len(draws) > 1
    for d in draws:
        base = np.arange(16) * 40 // 16
        off = d[0] - base[0]
        assert 0 <= off < 16
        assert list(d) == np.minimum(base + off, 39).tolist()
    with pytest.raises(ValueError):
        DFERUniformSample(16, random_test=True)
    with pytest.raises(ValueError):
        DFERUniformSample(16, pad_mode='zeros')
