"""Reading the model input from a config and predicting clips."""
import numpy as np
import pytest

from mmhdf.apis import (build_clip_pipeline, build_window_sampler,
                        get_class_names, get_test_pipeline_cfg,
                        load_recognizer, parse_clip_spec, predict_clips,
                        sample_clip_indices, sliding_windows)
from mmhdf.face import iter_frames
from mmhdf.testing.dfer_tiny import DFEW, write_checkpoint, write_tiny_config
from tests.helpers.face_video import write_face_video


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp('tiny')
    cfg = write_tiny_config(str(root))
    ckpt = str(root / 'tiny.pth')
    write_checkpoint(cfg, ckpt, seed=1)
    video = str(root / 'face.mp4')
    write_face_video(video, num_frames=20, seed=1)
    return cfg, ckpt, video


def test_parse_clip_spec_and_clip_pipeline(tiny):
    model = load_recognizer(tiny[0], tiny[1])
    pipeline = get_test_pipeline_cfg(model.cfg)
    spec = parse_clip_spec(pipeline)
    assert (spec.clip_len, spec.frame_interval, spec.input_size) == (8, 1,
                                                                     (32, 32))
    kept = [type(t).__name__ for t in build_clip_pipeline(pipeline).transforms]
    assert kept == ['Resize', 'CenterCrop', 'FormatShape', 'PackActionInputs']
    other = parse_clip_spec([
        dict(type='SampleFrames', clip_len=4, frame_interval=2,
             num_clips=1),
        dict(type='Resize', scale=(48, 40), keep_ratio=False)
    ])
    assert (other.clip_len, other.frame_interval,
            other.input_size) == (4, 2, (40, 48))
    with pytest.raises(ValueError, match='clip_len'):
        parse_clip_spec([dict(type='Resize', scale=(-1, 36))])


def test_sliding_windows_cover_the_video():
    wins = sliding_windows(100, 30, 20)
    assert wins[0] == (0, 30) and wins[-1] == (70, 100)
    assert all(e - s == 30 for s, e in wins)
    assert sliding_windows(10, 50, 5) == [(0, 10)]


def test_sample_clip_indices_match_mmaction_uniform_sample():
    from mmaction.datasets.transforms import UniformSample
    for total, clip_len in [(20, 8), (60, 16), (5, 8)]:
        ref = UniformSample(clip_len, test_mode=True)(
            dict(total_frames=total, start_index=0))['frame_inds']
        np.testing.assert_array_equal(
            sample_clip_indices(10, 10 + total, clip_len), ref + 10)


def test_predict_clips_matches_inference_recognizer(tiny):
    """A window spanning the whole video == mmaction2's own inference."""
    from mmaction.apis import inference_recognizer
    cfg, ckpt, video = tiny
    model = load_recognizer(cfg, ckpt)
    assert get_class_names(model, 7) == DFEW
    frames = np.stack([f[..., ::-1] for f in iter_frames(video)])
    pipeline_cfg = get_test_pipeline_cfg(model.cfg)
    pipeline = build_clip_pipeline(pipeline_cfg)
    clips = [sample_clip_indices(0, len(frames), 8),
             sample_clip_indices(0, 10, 8), sample_clip_indices(10, 20, 8)]
    probs = predict_clips(model, frames, clips, pipeline, batch_size=2)
    assert probs.shape == (3, 7)
    np.testing.assert_allclose(probs.sum(1), 1, atol=1e-5)
    ref = inference_recognizer(model, video).pred_score.numpy()
    np.testing.assert_allclose(probs[0], ref, atol=1e-5)
    # batching does not change results; different clips do
    single = predict_clips(model, frames, clips, pipeline, batch_size=1)
    np.testing.assert_allclose(single, probs, atol=1e-5)
    assert np.abs(probs[1] - probs[2]).max() > 1e-4


def test_window_sampler_uses_the_config_sampler():
    import mmhdf.datasets  # noqa: F401  (registers DFERUniformSample)
    uniform = build_window_sampler([dict(type='UniformSample', clip_len=8,
                                         num_clips=1)])
    np.testing.assert_array_equal(uniform(10, 30),
                                  sample_clip_indices(10, 30, 8))
    dfer = build_window_sampler([dict(type='DFERUniformSample', clip_len=4,
                                      test_mode=False)])
    # DFER test mode: segment centres (2i + 1) * n // (2L), n = 20
    np.testing.assert_array_equal(dfer(10, 30), [12, 17, 22, 27])
    views = build_window_sampler([dict(type='SampleFrames', clip_len=4,
                                       frame_interval=2, num_clips=2)])
    inds = views(100, 120)
    assert inds.shape == (8, ) and inds.min() >= 100 and inds.max() < 120
    # an unknown sampler falls back to UniformSample's formula
    other = build_window_sampler([dict(type='MyOwnSample', clip_len=8)])
    np.testing.assert_array_equal(other(0, 16), sample_clip_indices(0, 16,
                                                                     8))


def test_predict_multi_view_samples(tiny):
    cfg, ckpt, video = tiny
    model = load_recognizer(cfg, ckpt)
    frames = np.stack([f[..., ::-1] for f in iter_frames(video)])
    pipeline = build_clip_pipeline(get_test_pipeline_cfg(model.cfg))
    a, b = np.arange(0, 16, 2), np.arange(1, 17, 2)
    single = predict_clips(model, frames, [a, b], pipeline)
    two_views = predict_clips(model, frames, [np.concatenate([a, b])],
                              pipeline, clip_len=8)
    # average_clips='prob': the 2-view sample averages the views' softmax
    np.testing.assert_allclose(two_views[0], single.mean(0), atol=1e-5)
