"""Classes move the intended face parts; dynamics and glitches behave."""
import numpy as np

from syndfer import (LANDMARK_NAMES, apex_measures, clip_landmarks,
                           neutral_subject, prototype, render_clip,
                           sample_clip)
from syndfer.expressions import Envelope
from syndfer.face import face_geometry
from syndfer.sequence import sample_glitches
from syndfer.subjects import sample_subjects


def _vec(m):
    return np.array([m[k] for k in sorted(m) if k != 'nose_wrinkle'])


def test_happy_vs_sad_mouth_corners():
    for subject in [neutral_subject()] + sample_subjects(0, 5, seed=1):
        happy = apex_measures('Happy', subject, with_rest_bias=False)
        sad = apex_measures('Sad', subject, with_rest_bias=False)
        assert happy['mouth_corner_height'] > 0.05
        assert sad['mouth_corner_height'] < -0.05
        assert sad['brow_inner_height'] > 0.04      # AU1


def test_surprise_vs_angry_brows_and_eyes():
    surprise, angry = apex_measures('Surprise'), apex_measures('Angry')
    assert surprise['brow_inner_height'] > 0.08
    assert surprise['brow_outer_height'] > 0.08
    assert angry['brow_inner_height'] < -0.05
    assert surprise['mouth_opening'] > 0.15 > angry['mouth_opening']
    assert angry['lip_thickness'] < 0.6 * surprise['lip_thickness']  # AU23


def test_fear_and_surprise_are_close_but_distinct():
    fear, surprise = apex_measures('Fear'), apex_measures('Surprise')
    d_fs = np.linalg.norm(_vec(fear) - _vec(surprise))
    others = [np.linalg.norm(_vec(fear) - _vec(apex_measures(c)))
              for c in ('Happy', 'Sad', 'Neutral', 'Angry', 'Disgust')]
    assert 0.02 < d_fs < min(others)
    # the subtle differences: knitted brows, stretched lips, less jaw drop
    assert fear['brow_knit'] > surprise['brow_knit']
    assert fear['mouth_width'] > surprise['mouth_width']
    assert fear['mouth_opening'] < surprise['mouth_opening']
    # shared AUs: both raise the brows and widen the eyes
    neutral = apex_measures('Neutral')
    for m in (fear, surprise):
        assert m['brow_inner_height'] > 0.05
        assert m['eye_opening'] > 1.3 * neutral['eye_opening']


def test_angry_and_disgust_share_brows_differ_in_nose_and_lips():
    angry, disgust = apex_measures('Angry'), apex_measures('Disgust')
    assert angry['brow_inner_height'] < -0.05
    assert disgust['brow_inner_height'] < -0.05
    assert disgust['nose_wrinkle'] > 0.8 > 0.3 > angry['nose_wrinkle']
    assert angry['lip_thickness'] < disgust['lip_thickness']


def test_confusable_pairs_are_nearest_in_au_space():
    expressive = ['Happy', 'Sad', 'Angry', 'Surprise', 'Disgust', 'Fear']
    protos = {c: prototype(c) / np.linalg.norm(prototype(c))
              for c in expressive}

    def nearest(c):
        return max((o for o in expressive if o != c),
                   key=lambda o: protos[c] @ protos[o])

    assert nearest('Angry') == 'Disgust' and nearest('Disgust') == 'Angry'
    assert nearest('Fear') == 'Surprise' and nearest('Surprise') == 'Fear'


def test_neutral_prototype_is_empty_and_resting_bias_applies():
    assert not prototype('Neutral').any()
    subject = neutral_subject()
    subject.rest_au[:] = 0
    subject.rest_au[9] = 0.3    # AU15: resting down-turned mouth
    m = apex_measures('Neutral', subject)
    assert m['mouth_corner_height'] < -0.02


def test_envelope_onset_apex_offset():
    env = Envelope(start=5, onset=4, apex=6, offset=4)
    v = env(np.arange(25))
    assert v[:6].max() == 0 and np.isclose(v[9:16], 1).all()
    assert v[20:].max() == 0
    assert np.all(np.diff(v[5:10]) > 0) and np.all(np.diff(v[15:20]) < 0)


def test_blink_closes_the_eyes():
    s = neutral_subject()
    open_ = face_geometry(s, np.zeros(13))
    shut = face_geometry(s, np.zeros(13), blink=1.0)
    assert (shut.lid_low - shut.lid_up).max() < 0.01
    assert (open_.lid_low - open_.lid_up).min() > 0.1


def test_clip_landmarks_follow_the_expression():
    subject = neutral_subject()
    params = sample_clip(1, 0, subject, 'studio', seed=0,
                         rates={'drop': 0, 'dup': 0, 'speed': 0,
                                'ambiguous': 0, 'talking': 0})
    params.track.envelope = Envelope(start=4, onset=4, apex=100, offset=4)
    params.track.au_lag[:] = 0
    lm = clip_landmarks(params)
    assert lm.shape == (params.n_frames, len(LANDMARK_NAMES), 2)
    i_l = LANDMARK_NAMES.index('mouth_corner_l')
    i_lip = LANDMARK_NAMES.index('upper_lip_bottom')
    # corner height above the lip midline (pixels, y grows downward)
    lift = lm[:, i_lip, 1] - lm[:, i_l, 1]
    assert lift[-1] - lift[0] > 0.035 * params.size
    assert lm.min() > -0.2 * params.size and lm.max() < 1.2 * params.size


def test_render_clip_deterministic_and_expression_visible():
    subject = neutral_subject()
    a = sample_clip(7, 4, subject, 'studio', seed=0, size=48)
    b = sample_clip(7, 4, subject, 'studio', seed=0, size=48)
    fa, fb = render_clip(a), render_clip(b)
    assert fa.dtype == np.uint8 and fa.shape == (a.n_frames, 48, 48, 3)
    assert np.array_equal(fa, fb)
    other = render_clip(sample_clip(8, 4, subject, 'studio', seed=0,
                                    size=48))
    assert fa.shape != other.shape or not np.array_equal(fa, other)


def test_glitches_mapping():
    rng = np.random.default_rng(0)
    seen = {'drop': 0, 'dup': 0, 'speed': 0}
    for _ in range(200):
        n = int(rng.integers(11, 60))
        g = sample_glitches(rng, n, 0.5, 0.5, 0.5)
        assert len(g.times) == n and g.times[0] == 0
        steps = np.diff(g.times)
        assert np.all(steps >= 0)
        assert int((steps == 0).sum()) == g.duplicated
        if len(g.speed) == 1 and not g.duplicated:
            assert np.isclose(g.duration, n - 1 + g.dropped)
        seen['drop'] += g.dropped > 0
        seen['dup'] += g.duplicated > 0
        seen['speed'] += len(g.speed) > 1
    assert all(v > 50 for v in seen.values())
