"""One SynDFER-H clip: its sampled parameters and its rendering.

:func:`sample_clip` draws everything random about a clip from a seed derived
from ``(benchmark seed, clip id)``, so a clip is identical whichever process
renders it; :func:`render_clip` turns the parameters into frames.
"""
from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np

from .classes import CLASS_NAMES, DFEW_FOLD1_TRAIN_COUNTS, NUM_CLASSES
from .expressions import (CONFUSABLE, NUM_AUS, Envelope, ExpressionTrack,
                          prototype)
from .draw import draw_face
from .face import FaceTransform, face_geometry, landmarks
from .sequence import Glitches, sample_glitches
from .styles import (CaptureParams, degrade_clip, make_background,
                     sample_capture)
from .subjects import Subject

#: Probabilities of the hard-sample mechanisms (defaults of the benchmark).
DEFAULT_RATES = {'ambiguous': 0.08, 'label_noise': 0.03, 'talking': 0.25,
                 'drop': 0.2, 'dup': 0.2, 'speed': 0.2}


@dataclass
class HeadMotion:
    """Smooth head motion: clip-level crop offset plus sinusoidal sway.

    Attributes:
        base (np.ndarray): (dx, dy, log-scale, roll, yaw) of the face crop;
            dx/dy in frame fractions, roll in radians.
        amp (np.ndarray): (5,) sway amplitudes of the same quantities.
        freq (np.ndarray): (5,) sway frequencies (cycles per frame).
        phase (np.ndarray): (5,) sway phases.
        gaze (np.ndarray): (2,) gaze offset (fractions of the eye).
    """
    base: np.ndarray
    amp: np.ndarray
    freq: np.ndarray
    phase: np.ndarray
    gaze: np.ndarray

    def at(self, t: float, width: int, height: int,
           face_frac: float = 0.35) -> Tuple[FaceTransform, float]:
        """Face transform and yaw at source time ``t``.

        Args:
            t (float): source time (frames).
            width (int): frame width.
            height (int): frame height.
            face_frac (float): face half-width as a fraction of the width.

        Returns:
            tuple[FaceTransform, float]: placement and yaw.
        """
        v = self.base + self.amp * np.sin(2 * np.pi * self.freq * t +
                                          self.phase)
        tf = FaceTransform(cx=width * (0.5 + v[0]),
                           cy=height * (0.53 + v[1]),
                           scale=width * face_frac * float(np.exp(v[2])),
                           roll=float(v[3]))
        return tf, float(v[4])


@dataclass
class ClipParams:
    """Everything needed to render one clip deterministically.

    Attributes:
        clip_id (int): DFEW-style clip id (1-based).
        label (int): true 0-based class.
        csv_label (int): 0-based class written to the split file (differs
            from ``label`` for label-noise clips).
        subject (Subject): the person.
        capture (CaptureParams): capture style parameters.
        track (ExpressionTrack): AU dynamics.
        glitches (Glitches): output-frame -> source-time mapping.
        motion (HeadMotion): head motion.
        size (int): frame side (pixels).
        intensity (float): expression intensity at apex.
        mixed_with (str | None): second class of an ambiguous mixture.
        mix_weight (float): weight of ``mixed_with``.
        talking (bool): speech-like mouth motion present.
        noise_seed (int): seed of the per-frame sensor noise.
    """
    clip_id: int
    label: int
    csv_label: int
    subject: Subject
    capture: CaptureParams
    track: ExpressionTrack
    glitches: Glitches
    motion: HeadMotion
    size: int
    intensity: float
    mixed_with: Optional[str]
    mix_weight: float
    talking: bool
    noise_seed: int

    @property
    def n_frames(self) -> int:
        """Number of output frames."""
        return len(self.glitches.times)

    @property
    def label_noise(self) -> bool:
        """Whether the written label differs from the true one."""
        return self.csv_label != self.label


def clip_rng(seed: int, clip_id: int) -> np.random.Generator:
    """Random generator of one clip, independent of every other clip.

    Args:
        seed (int): benchmark seed.
        clip_id (int): clip id.

    Returns:
        np.random.Generator: generator seeded from ``(seed, clip_id)``.
    """
    return np.random.default_rng(np.random.SeedSequence([seed, 1, clip_id]))


def sample_length(rng: np.random.Generator, frames_range: Tuple[int, int],
                  mean_frames: float) -> int:
    """Clip length: log-normal with the given mean, clipped to the range."""
    sigma = 0.45
    median = mean_frames / np.exp(0.5 * sigma**2)
    n = int(round(rng.lognormal(np.log(median), sigma)))
    return int(np.clip(n, frames_range[0], frames_range[1]))


def sample_envelope(rng: np.random.Generator, duration: float,
                    timing: float) -> Envelope:
    """Onset-apex-offset timing; the apex always starts inside the clip.

    Three modes: *sustained* (apex lasts to the end), *full* (onset, apex
    and offset inside the clip) and *partial* (a short expression that
    fills only part of the clip).
    """
    d = max(duration, 1.0)
    onset = min(rng.uniform(3, 9) * timing, 0.45 * d + 1)
    offset = min(rng.uniform(3, 10) * timing, 0.45 * d + 1)
    mode = rng.choice(3, p=[0.45, 0.35, 0.2])
    if mode == 0:
        apex = 10 * d
        start = rng.uniform(0, 0.3) * d
    elif mode == 1:
        apex = rng.uniform(0.25, 0.55) * d
        start = rng.uniform(0, 0.35) * d
    else:
        apex = rng.uniform(0.15, 0.3) * d
        start = rng.uniform(0, 0.6) * d
    start = max(0.0, min(start, 0.8 * d - onset))
    return Envelope(start=float(start), onset=float(max(onset, 1.0)),
                    apex=float(apex), offset=float(max(offset, 1.0)))


def sample_clip(clip_id: int, label: int, subject: Subject, style: str,
                seed: int, size: int = 64,
                frames_range: Tuple[int, int] = (11, 80),
                mean_frames: float = 28.0,
                rates: Optional[dict] = None) -> ClipParams:
    """Draw all random parameters of one clip.

    Args:
        clip_id (int): clip id (also seeds the clip).
        label (int): 0-based class.
        subject (Subject): the person.
        style (str): capture style name.
        seed (int): benchmark seed.
        size (int): frame side in pixels.
        frames_range (tuple[int, int]): min / max clip length.
        mean_frames (float): mean clip length before clipping.
        rates (dict | None): probabilities overriding
            :data:`DEFAULT_RATES`.

    Returns:
        ClipParams: the clip.
    """
    r = dict(DEFAULT_RATES, **(rates or {}))
    rng = clip_rng(seed, clip_id)
    n = sample_length(rng, frames_range, mean_frames)
    glitches = sample_glitches(rng, n, r['drop'], r['dup'], r['speed'])
    duration = max(glitches.duration, 1.0)
    intensity = float(np.clip(subject.expressivity * rng.uniform(0.8, 1.2),
                              0.35, 1.5))
    name = CLASS_NAMES[label]
    apex = prototype(name)
    mixed_with, mix_w = None, 0.0
    if rng.uniform() < r['ambiguous']:
        if rng.uniform() < 0.7:
            mixed_with = str(rng.choice(CONFUSABLE[name]))
        else:
            mixed_with = str(rng.choice([c for c in CLASS_NAMES
                                         if c != name]))
        mix_w = float(rng.uniform(0.25, 0.45))
        apex = (1 - mix_w) * apex + mix_w * prototype(mixed_with)
    apex = apex * intensity * rng.uniform(0.75, 1.25, NUM_AUS)
    talking = bool(rng.uniform() < r['talking'])
    n_blinks = int(rng.poisson(duration / 35.0 + 0.3))
    track = ExpressionTrack(
        apex_au=apex,
        envelope=sample_envelope(rng, duration, subject.timing),
        au_lag=rng.normal(0, 1.5, NUM_AUS) * subject.timing,
        rest_au=subject.rest_au.copy(),
        talk_amp=float(rng.uniform(0.1, 0.3)) if talking else 0.0,
        talk_freq=float(rng.uniform(0.12, 0.22)),
        talk_phase=float(rng.uniform(0, 2 * np.pi)),
        blink_times=rng.uniform(0, duration, n_blinks),
        blink_len=float(rng.uniform(3, 5)))
    motion = HeadMotion(
        base=np.array([rng.uniform(-0.04, 0.04), rng.uniform(-0.04, 0.03),
                       rng.uniform(-0.08, 0.08), rng.uniform(-0.1, 0.1),
                       rng.uniform(-0.5, 0.5)]),
        amp=rng.uniform(0, 1, 5) * np.array([0.025, 0.02, 0.03, 0.06, 0.3]),
        freq=rng.uniform(0.01, 0.06, 5),
        phase=rng.uniform(0, 2 * np.pi, 5),
        gaze=rng.uniform(-0.6, 0.6, 2))
    csv_label = label
    if rng.uniform() < r['label_noise']:
        # wrong labels follow the class prior, so rare classes stay clean
        prior = np.asarray(DFEW_FOLD1_TRAIN_COUNTS, dtype=np.float64)
        prior[label] = 0.0
        csv_label = int(rng.choice(NUM_CLASSES, p=prior / prior.sum()))
    return ClipParams(
        clip_id=clip_id, label=label, csv_label=csv_label, subject=subject,
        capture=sample_capture(style, rng), track=track, glitches=glitches,
        motion=motion, size=size, intensity=intensity,
        mixed_with=mixed_with, mix_weight=mix_w, talking=talking,
        noise_seed=int(rng.integers(0, 2**31 - 1)))


def render_clip(params: ClipParams, degrade: bool = True) -> np.ndarray:
    """Render the frames of a clip.

    Args:
        params (ClipParams): the clip.
        degrade (bool): apply the capture style (lighting, noise, blur,
            resolution loss); ``False`` gives the clean rendering.  JPEG
            compression happens when frames are written.

    Returns:
        np.ndarray: uint8 BGR frames, shape (T, size, size, 3).
    """
    s = params.size
    times = params.glitches.times
    au = params.track.au(times)
    blink = params.track.blink(times)
    background = make_background(params.capture, s, s)
    frames = np.empty((len(times), s, s, 3), np.uint8)
    dup = np.zeros(len(times), bool)
    dup[1:] = times[1:] == times[:-1]
    gaze = tuple(params.motion.gaze)
    for j, t in enumerate(times):
        if dup[j]:
            continue
        img = frames[j]
        img[:] = background
        tf, yaw = params.motion.at(float(t), s, s)
        geom = face_geometry(params.subject, au[j], float(blink[j]), gaze,
                             yaw)
        draw_face(img, geom, params.subject, tf)
    if degrade:
        frames = degrade_clip(frames, params.capture,
                              np.random.default_rng(params.noise_seed))
    for j in np.flatnonzero(dup):      # duplicated frames are exact copies
        frames[j] = frames[j - 1]
    return frames


def clip_landmarks(params: ClipParams) -> np.ndarray:
    """Per-frame landmark positions of a clip in pixels.

    Args:
        params (ClipParams): the clip.

    Returns:
        np.ndarray: (T, K, 2) points, rows as ``face.LANDMARK_NAMES``.
    """
    s = params.size
    times = params.glitches.times
    au = params.track.au(times)
    blink = params.track.blink(times)
    out = []
    for j, t in enumerate(times):
        tf, yaw = params.motion.at(float(t), s, s)
        geom = face_geometry(params.subject, au[j], float(blink[j]),
                             tuple(params.motion.gaze), yaw)
        out.append(tf.apply(landmarks(geom)))
    return np.asarray(out)
