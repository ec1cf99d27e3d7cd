"""Facial action units (AUs), class prototypes and onset-apex-offset dynamics.

Each class is a prototype vector of AU activations at apex (EMFACS-style):

========  ==========================================================
Happy     AU6 cheek raiser, AU12 lip-corner puller, (AU26 lips part)
Sad       AU1 inner-brow raiser, AU4 brow lowerer, AU15 corner depressor
Neutral   none
Angry     AU4, AU5 upper-lid raiser, AU7 lid tightener, AU23 lip press
Surprise  AU1, AU2 outer-brow raiser, AU5, AU26 jaw drop
Disgust   AU4, AU7, AU9 nose wrinkler, AU10 upper-lip raiser, AU15
Fear      AU1, AU2, AU4, AU5, AU7, AU20 lip stretcher, AU26
========  ==========================================================

Fear/Surprise share AU1+2+5+26 and differ in AU4 (knitted, flatter brows),
AU20 (horizontal lip stretch) and a smaller jaw drop; Angry/Disgust share
AU4+7 and differ in AU5+23 versus AU9+10+15, as in real data.
"""
from dataclasses import dataclass, field
from typing import Dict, Tuple

import numpy as np

#: Action units modelled by the face renderer (activation ~0..1.5 each).
AU_NAMES: Tuple[str, ...] = ('AU1', 'AU2', 'AU4', 'AU5', 'AU6', 'AU7', 'AU9',
                             'AU10', 'AU12', 'AU15', 'AU20', 'AU23', 'AU26')
NUM_AUS = len(AU_NAMES)
AU = {name: i for i, name in enumerate(AU_NAMES)}

_PROTOTYPES: Dict[str, Dict[str, float]] = {
    'Happy': {'AU6': 0.85, 'AU12': 1.0, 'AU26': 0.18},
    'Sad': {'AU1': 0.95, 'AU4': 0.5, 'AU15': 0.95, 'AU23': 0.15},
    'Neutral': {},
    'Angry': {'AU4': 1.0, 'AU5': 0.35, 'AU7': 0.8, 'AU23': 0.95, 'AU9': 0.1},
    'Surprise': {'AU1': 1.0, 'AU2': 1.0, 'AU5': 0.9, 'AU26': 0.9},
    'Disgust': {'AU4': 0.65, 'AU7': 0.6, 'AU9': 1.0, 'AU10': 0.85,
                'AU15': 0.45, 'AU6': 0.25},
    'Fear': {'AU1': 1.0, 'AU2': 0.7, 'AU4': 0.45, 'AU5': 1.0, 'AU7': 0.2,
             'AU20': 0.85, 'AU26': 0.5},
}

#: Class pairs that are commonly confused; used to draw ambiguous mixtures.
CONFUSABLE: Dict[str, Tuple[str, ...]] = {
    'Happy': ('Surprise', 'Neutral'),
    'Sad': ('Neutral', 'Fear', 'Disgust'),
    'Neutral': ('Sad', 'Angry'),
    'Angry': ('Disgust', 'Sad'),
    'Surprise': ('Fear', 'Happy'),
    'Disgust': ('Angry', 'Sad'),
    'Fear': ('Surprise', 'Sad'),
}


def au_vector(values: Dict[str, float]) -> np.ndarray:
    """Dense AU vector from a sparse ``{'AU12': 0.8}`` mapping.

    Args:
        values (dict[str, float]): AU name -> activation.

    Returns:
        np.ndarray: float64 vector of length :data:`NUM_AUS`.
    """
    vec = np.zeros(NUM_AUS, dtype=np.float64)
    for name, val in values.items():
        vec[AU[name]] = val
    return vec


def prototype(class_name: str) -> np.ndarray:
    """Apex AU activations of a class at unit intensity.

    Args:
        class_name (str): a class name from ``CLASS_NAMES``.

    Returns:
        np.ndarray: AU vector of length :data:`NUM_AUS`.
    """
    return au_vector(_PROTOTYPES[class_name])


def smoothstep(x: np.ndarray) -> np.ndarray:
    """Cosine ease from 0 (x<=0) to 1 (x>=1).

    Args:
        x (np.ndarray): input values.

    Returns:
        np.ndarray: eased values in [0, 1].
    """
    x = np.clip(x, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * x)


@dataclass
class Envelope:
    """Onset-apex-offset timing of one expression event (source frames).

    Attributes:
        start (float): onset start time.
        onset (float): onset duration (> 0).
        apex (float): apex (plateau) duration.
        offset (float): offset duration (> 0).
    """
    start: float
    onset: float
    apex: float
    offset: float

    def __call__(self, t: np.ndarray) -> np.ndarray:
        """Activation level in [0, 1] at times ``t``."""
        t = np.asarray(t, dtype=np.float64)
        rise = smoothstep((t - self.start) / self.onset)
        fall_start = self.start + self.onset + self.apex
        fall = 1.0 - smoothstep((t - fall_start) / self.offset)
        return rise * fall

    @property
    def apex_time(self) -> float:
        """Middle of the apex plateau."""
        return self.start + self.onset + 0.5 * self.apex


@dataclass
class ExpressionTrack:
    """Everything that defines the AU trajectory of one clip.

    Attributes:
        apex_au (np.ndarray): AU activations at apex (class prototype(s)
            times intensity, per-AU gain jitter already applied).
        envelope (Envelope): onset-apex-offset timing.
        au_lag (np.ndarray): per-AU timing offset (frames); AUs of a real
            expression do not start synchronously.
        rest_au (np.ndarray): the subject's resting-face AU bias (always on).
        talk_amp (float): amplitude of speech-like jaw/lip motion (0 = none).
        talk_freq (float): speech oscillation frequency (cycles per frame).
        talk_phase (float): speech oscillation phase.
        blink_times (np.ndarray): blink centre times (source frames).
        blink_len (float): blink duration (frames).
    """
    apex_au: np.ndarray
    envelope: Envelope
    au_lag: np.ndarray = field(default_factory=lambda: np.zeros(NUM_AUS))
    rest_au: np.ndarray = field(default_factory=lambda: np.zeros(NUM_AUS))
    talk_amp: float = 0.0
    talk_freq: float = 0.15
    talk_phase: float = 0.0
    blink_times: np.ndarray = field(default_factory=lambda: np.zeros(0))
    blink_len: float = 4.0

    def au(self, t: np.ndarray) -> np.ndarray:
        """AU activations at source times ``t``.

        Args:
            t (np.ndarray): source times, shape (T,).

        Returns:
            np.ndarray: activations, shape (T, NUM_AUS), clipped to
            [0, 1.6].
        """
        t = np.asarray(t, dtype=np.float64)[:, None]
        level = self.envelope(t - self.au_lag[None, :])
        act = self.rest_au[None, :] + level * self.apex_au[None, :]
        if self.talk_amp > 0:
            wave = np.abs(np.sin(2 * np.pi * self.talk_freq * t[:, 0] +
                                 self.talk_phase))
            act[:, AU['AU26']] += self.talk_amp * wave
            act[:, AU['AU10']] += 0.3 * self.talk_amp * wave
        return np.clip(act, 0.0, 1.6)

    def blink(self, t: np.ndarray) -> np.ndarray:
        """Eye closure in [0, 1] at source times ``t`` (1 = closed)."""
        t = np.asarray(t, dtype=np.float64)
        out = np.zeros_like(t)
        half = 0.5 * self.blink_len
        for bt in self.blink_times:
            out = np.maximum(out, 1.0 - np.abs(t - bt) / half)
        return np.clip(out * 1.25, 0.0, 1.0)
