"""Synthetic subjects: face geometry, appearance and expressive style.

Individual variability in SynDFER-H: face shape and feature placement, skin
tone (light to dark), hair, expressivity (subtle to exaggerated expressers),
idiosyncratic timing (slow/fast onsets) and a resting-face bias (e.g. a
resting frown or down-turned mouth corners that looks like a weak
expression even in Neutral clips).
"""
from dataclasses import dataclass, field
from typing import List, Tuple

import numpy as np

from .expressions import AU, NUM_AUS

Color = Tuple[int, int, int]

# BGR skin tones from light to dark; a subject interpolates between them.
_SKIN_PALETTE = np.array([(196, 212, 242), (150, 182, 228), (112, 150, 205),
                          (78, 112, 165), (52, 74, 112)], dtype=np.float64)
_HAIR_PALETTE = np.array([(20, 20, 25), (25, 40, 70), (40, 70, 120),
                          (90, 140, 190), (150, 150, 150), (35, 30, 40)],
                         dtype=np.float64)
_IRIS_PALETTE = np.array([(30, 50, 80), (20, 35, 55), (120, 90, 60),
                          (70, 110, 80)], dtype=np.float64)
_REST_BIAS_AUS = ('AU4', 'AU15', 'AU12', 'AU7', 'AU1', 'AU23', 'AU10')


@dataclass
class Subject:
    """One synthetic person (lengths in face half-widths).

    Attributes:
        subject_id (int): global subject index.
        aspect (float): face half-height / half-width.
        eye_x (float): horizontal eye-centre distance from the midline.
        eye_y (float): eye-centre height (negative = above face centre).
        eye_w (float): eye half-width.
        eye_up (float): upper-lid height above the eye centre (open eye).
        eye_low (float): lower-lid depth below the eye centre.
        iris_r (float): iris radius.
        brow_gap (float): brow height above the eye centre.
        brow_thick (float): brow thickness.
        brow_arch (float): brow arch height.
        nose_y (float): nose-tip height.
        nose_w (float): nostril half-spacing.
        mouth_y (float): mouth-centre height.
        mouth_w (float): mouth half-width.
        lip_up (float): upper-lip thickness.
        lip_low (float): lower-lip thickness.
        skin (Color): BGR skin colour.
        lip (Color): BGR lip colour.
        hair (Color): BGR hair colour.
        iris (Color): BGR iris colour.
        shirt (Color): BGR clothing colour.
        hair_style (int): 0 short, 1 long, 2 very short.
        expressivity (float): expression intensity multiplier.
        timing (float): onset/offset duration multiplier.
        asym (float): right/left activation asymmetry (-0.2..0.2).
        rest_au (np.ndarray): resting-face AU bias.
    """
    subject_id: int
    aspect: float = 1.3
    eye_x: float = 0.38
    eye_y: float = -0.12
    eye_w: float = 0.17
    eye_up: float = 0.075
    eye_low: float = 0.05
    iris_r: float = 0.066
    brow_gap: float = 0.19
    brow_thick: float = 0.06
    brow_arch: float = 0.03
    nose_y: float = 0.28
    nose_w: float = 0.11
    mouth_y: float = 0.57
    mouth_w: float = 0.28
    lip_up: float = 0.065
    lip_low: float = 0.085
    skin: Color = (150, 182, 228)
    lip: Color = (110, 110, 190)
    hair: Color = (25, 40, 70)
    iris: Color = (30, 50, 80)
    shirt: Color = (120, 80, 40)
    hair_style: int = 0
    expressivity: float = 1.0
    timing: float = 1.0
    asym: float = 0.0
    rest_au: np.ndarray = field(default_factory=lambda: np.zeros(NUM_AUS))

    def summary(self) -> dict:
        """JSON-friendly description (for metadata and debugging)."""
        return {'subject_id': self.subject_id,
                'expressivity': round(self.expressivity, 3),
                'timing': round(self.timing, 3),
                'skin': list(self.skin),
                'rest_bias': {name: round(float(self.rest_au[i]), 3)
                              for name, i in AU.items()
                              if self.rest_au[i] > 0}}


def _palette(pal: np.ndarray, t: float) -> Color:
    """Linear interpolation in a colour palette at t in [0, 1]."""
    pos = t * (len(pal) - 1)
    i = min(int(pos), len(pal) - 2)
    c = pal[i] * (1 - (pos - i)) + pal[i + 1] * (pos - i)
    return tuple(int(round(v)) for v in c)


def sample_subject(subject_id: int, rng: np.random.Generator) -> Subject:
    """Draw one subject.

    Args:
        subject_id (int): identifier stored in the subject.
        rng (np.random.Generator): random source.

    Returns:
        Subject: the sampled subject.
    """
    u = rng.uniform
    skin = _palette(_SKIN_PALETTE, float(u(0, 1)))
    skin_arr = np.asarray(skin, dtype=np.float64)
    lip = tuple(int(v) for v in np.clip(
        skin_arr * np.array([0.72, 0.68, 0.9]) + np.array([0, 0, 12]), 0,
        255))
    rest = np.zeros(NUM_AUS)
    if u(0, 1) < 0.45:
        for name in rng.choice(_REST_BIAS_AUS, size=int(rng.integers(1, 3)),
                               replace=False):
            rest[AU[str(name)]] = u(0.12, 0.35)
    shirt = tuple(int(v) for v in rng.integers(20, 230, size=3))
    return Subject(
        subject_id=subject_id,
        aspect=u(1.22, 1.38), eye_x=u(0.34, 0.42), eye_y=u(-0.17, -0.07),
        eye_w=u(0.15, 0.19), eye_up=u(0.065, 0.085), eye_low=u(0.045, 0.06),
        iris_r=u(0.058, 0.07), brow_gap=u(0.16, 0.22),
        brow_thick=u(0.045, 0.075), brow_arch=u(0.0, 0.05),
        nose_y=u(0.22, 0.3), nose_w=u(0.09, 0.125), mouth_y=u(0.52, 0.6),
        mouth_w=u(0.24, 0.31), lip_up=u(0.05, 0.075), lip_low=u(0.07, 0.1),
        skin=skin, lip=lip,
        hair=_palette(_HAIR_PALETTE, float(u(0, 1))),
        iris=_palette(_IRIS_PALETTE, float(u(0, 1))), shirt=shirt,
        hair_style=int(rng.integers(0, 3)),
        expressivity=float(np.clip(rng.lognormal(0.0, 0.28), 0.45,
                                   1.5)),
        timing=float(np.clip(rng.lognormal(0.0, 0.3), 0.55, 1.8)),
        asym=u(-0.2, 0.2), rest_au=rest)


def sample_subjects(first_id: int, count: int,
                    seed: int) -> List[Subject]:
    """Draw a pool of subjects, each from its own seed (order independent).

    Args:
        first_id (int): id of the first subject.
        count (int): number of subjects.
        seed (int): benchmark seed.

    Returns:
        list[Subject]: subjects ``first_id .. first_id + count - 1``.
    """
    return [sample_subject(
        sid, np.random.default_rng(np.random.SeedSequence([seed, 7, sid])))
        for sid in range(first_id, first_id + count)]


def neutral_subject() -> Subject:
    """A fixed average subject (no resting bias) for introspection/tests."""
    return Subject(subject_id=-1)
