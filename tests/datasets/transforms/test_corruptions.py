"""Corruption transforms: determinism, shapes, severity monotonicity."""
import cv2
import numpy as np
import pytest
from mmaction.registry import TRANSFORMS

from mmhdf.datasets.transforms.corruptions import (CORRUPTIONS,
                                                   DFERCorruption,
                                                   apply_corruption,
                                                   corruption_rng,
                                                   list_corruptions)

T = 16
SEQUENCE = ('frame_drop', 'frame_duplicate', 'frame_shuffle', 'frame_rate')
PIXEL = tuple(n for n in CORRUPTIONS if n not in SEQUENCE + ('occlusion', ))
RANDOM = tuple(n for n, s in CORRUPTIONS.items() if s.random)


def textured_clip(size: int = 96, seed: int = 0) -> np.ndarray:
    """(T, size, size, 3) uint8: a smooth random texture drifting right."""
    rng = np.random.default_rng(seed)
    grid = rng.random((size // 7, size // 7, 3)).astype(np.float32)
    base = cv2.resize(grid, (size, size), interpolation=cv2.INTER_CUBIC)
    clip = np.stack([np.roll(base, 2 * t, axis=1) for t in range(T)])
    return np.clip(clip * 180 + 40, 0, 255).astype(np.uint8)


def numbered_clip() -> np.ndarray:
    """(T, 4, 4, 3) uint8 where frame t is uniform with value 10 + 12 t."""
    return np.stack(
        [np.full((4, 4, 3), 10 + 12 * t, np.uint8) for t in range(T)])


def source_index(out: np.ndarray) -> np.ndarray:
    """Which numbered frame each output frame shows."""
    return (out[:, 0, 0, 0].astype(np.int64) - 10) // 12


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64))**2)
    return float('inf') if mse == 0 else 10 * np.log10(255.0**2 / mse)


def run(name, severity, seed=0, clip_id='00042', imgs=None):
    imgs = list(textured_clip()) if imgs is None else imgs
    results = dict(imgs=imgs, clip_id=clip_id, clip_len=len(imgs))
    return TRANSFORMS.build(
        dict(type='DFERCorruption', name=name, severity=severity,
             seed=seed))(results)['imgs']


def test_registry_lists_every_required_corruption():
    for required in ('gaussian_noise', 'gaussian_blur', 'defocus_blur',
                     'temporal_blur', 'brightness', 'gamma', 'contrast',
                     'color_cast', 'jpeg_compression', 'downscale',
                     'occlusion', 'frame_drop', 'frame_duplicate',
                     'frame_shuffle', 'frame_rate'):
        assert required in CORRUPTIONS
    for spec in CORRUPTIONS.values():
        assert len(spec.params) == 5
    assert list_corruptions('temporal') == [
        'temporal_blur', 'frame_drop', 'frame_duplicate', 'frame_shuffle',
        'frame_rate'
    ]


@pytest.mark.parametrize('name', list(CORRUPTIONS))
def test_shape_dtype_and_determinism(name):
    clean = textured_clip()
    a = run(name, 3, seed=0)
    b = run(name, 3, seed=0)
    assert isinstance(a, list) and len(a) == T
    for fa, fb in zip(a, b):
        assert fa.shape == clean.shape[1:] and fa.dtype == np.uint8
        np.testing.assert_array_equal(fa, fb)
    assert not np.array_equal(np.stack(a), clean)
    outs = {np.stack(run(name, 3, seed=s)).tobytes() for s in range(6)}
    if name in RANDOM:
        assert len(outs) > 1  # the seed matters
    else:
        assert len(outs) == 1  # deterministic corruptions ignore it


@pytest.mark.parametrize('name', RANDOM)
def test_draws_depend_on_clip_id_not_on_call_order(name):
    clip = list(textured_clip())
    first = run(name, 4, clip_id='00001', imgs=[f.copy() for f in clip])
    others = {
        np.stack(run(name, 4, clip_id=str(i),
                     imgs=[f.copy() for f in clip])).tobytes()
        for i in range(6)
    }
    again = run(name, 4, clip_id='00001', imgs=[f.copy() for f in clip])
    np.testing.assert_array_equal(np.stack(first), np.stack(again))
    assert len(others) > 1


@pytest.mark.parametrize('name', PIXEL)
def test_psnr_falls_with_severity(name):
    clean = textured_clip()
    values = [psnr(np.stack(run(name, s)), clean) for s in range(1, 6)]
    assert all(a > b for a, b in zip(values, values[1:])), values


def test_occluded_area_grows_with_severity():
    clean = textured_clip()
    covered = []
    for s in range(1, 6):
        out = np.stack(run('occlusion', s))
        diff = np.any(out != clean, axis=-1)  # (T, H, W)
        # static occluder: the same pixels in every frame
        assert np.array_equal(diff.all(axis=0), diff.any(axis=0))
        covered.append(diff[0].mean())
    assert all(a < b for a, b in zip(covered, covered[1:])), covered
    assert covered[0] == pytest.approx(0.05, abs=0.02)
    assert covered[-1] == pytest.approx(0.4, abs=0.05)


@pytest.mark.parametrize('name', SEQUENCE)
@pytest.mark.parametrize('seed', [0, 3])
def test_sequence_corruptions_disturb_more_frames(name, seed):
    clean = numbered_clip()
    moved, shift = [], []
    for s in range(1, 6):
        out = np.stack(run(name, s, seed=seed, imgs=list(clean)))
        src = source_index(out)
        # only whole frames of the clip are shown (T kept)
        assert len(out) == T and set(src) <= set(range(T))
        moved.append(np.mean(src != np.arange(T)))
        shift.append(np.abs(src - np.arange(T)).mean())
    assert all(a <= b for a, b in zip(moved, moved[1:])), moved
    if name in ('frame_drop', 'frame_shuffle'):
        assert all(a < b for a, b in zip(moved, moved[1:])), moved
    else:
        # a delay shifts every later frame, so the fraction saturates early;
        # the mean temporal displacement still rises strictly
        assert all(a < b for a, b in zip(shift, shift[1:])), shift


def test_sequence_semantics():
    clean = numbered_clip()
    rng = corruption_rng(0, 'frame_drop', 'x')
    src = source_index(apply_corruption(clean, 'frame_drop', 5, rng))
    assert src[0] == 0 and np.all(np.diff(src) >= 0)  # frozen, in order
    assert np.sum(np.diff(src) == 0) == 8  # half of 16 frames lost
    rng = corruption_rng(0, 'frame_duplicate', 'x')
    src = source_index(apply_corruption(clean, 'frame_duplicate', 5, rng))
    assert np.sum(np.diff(src) == 0) == 8 and np.all(np.diff(src) <= 1)
    rng = corruption_rng(0, 'frame_shuffle', 'x')
    src = source_index(apply_corruption(clean, 'frame_shuffle', 1, rng))
    assert sorted(src) == list(range(T))  # a permutation
    rng = corruption_rng(0, 'temporal_blur', 'x')
    out = apply_corruption(clean, 'temporal_blur', 1, rng)
    assert out[5, 0, 0, 0] == (clean[4, 0, 0, 0] + clean[5, 0, 0, 0]) // 2


def test_multi_view_clips_are_corrupted_per_view():
    clean = numbered_clip()
    imgs = list(clean) + list(clean)
    results = dict(imgs=imgs, clip_id='7', clip_len=T, num_clips=2)
    out = DFERCorruption('frame_shuffle', 5, seed=0)(results)['imgs']
    src = source_index(np.stack(out))
    assert sorted(src[:T]) == list(range(T))
    assert sorted(src[T:]) == list(range(T))


def test_array_input_and_arguments():
    clip = textured_clip(size=32)
    out = DFERCorruption('gaussian_noise', 1, seed=1)(
        dict(imgs=clip, sample_idx=3))
    assert isinstance(out['imgs'], np.ndarray)
    assert out['imgs'].shape == clip.shape
    assert out['corruption'] == 'gaussian_noise@1'
    with pytest.raises(ValueError):
        DFERCorruption('gaussian_noise', 6)
    with pytest.raises(KeyError, match='unknown corruption'):
        DFERCorruption('snow', 1)
    with pytest.raises(KeyError, match='clip_id'):
        DFERCorruption('gaussian_noise', 1, seed=0)(dict(imgs=clip))
    # seed=None: no sample key needed (global numpy generator)
    np.random.seed(0)
    a = DFERCorruption('gaussian_noise', 1)(dict(imgs=clip))['imgs']
    np.random.seed(0)
    b = DFERCorruption('gaussian_noise', 1)(dict(imgs=clip))['imgs']
    np.testing.assert_array_equal(a, b)
