"""Capture styles ("domains"): illumination, colour, sensor and codec.

A :class:`CaptureStyle` is a *distribution* over capture parameters; every
clip draws its own :class:`CaptureParams` from its style, so clips of one
style differ but share a recognisable look.  Five styles are used for
train/val/test and three, never seen in training, for ``test_shifted``.
"""
from dataclasses import dataclass, field
from typing import Dict, Tuple

import cv2
import numpy as np

Range = Tuple[float, float]


@dataclass(frozen=True)
class CaptureStyle:
    """Ranges (uniform) of the capture parameters of one named domain.

    Attributes:
        name (str): domain name.
        description (str): one-line description.
        brightness (Range): global illumination gain.
        gradient (Range): strength of a linear illumination gradient.
        vignette (Range): darkening of the corners.
        cast (tuple): per-channel (B, G, R) gain centre; jittered by
            ``cast_jitter``.
        cast_jitter (float): +- range around ``cast``.
        saturation (Range): colour saturation factor (0 = grey).
        contrast (Range): contrast factor around mid-grey.
        noise (Range): Gaussian sensor-noise sigma (grey levels).
        blur (Range): Gaussian blur sigma (pixels at 64x64; scaled with the
            frame size).
        downscale (Range): resolution-loss factor (1 = none).
        jpeg (Range): JPEG quality of the written frames.
        flicker (Range): per-frame illumination flicker amplitude.
        background (tuple[str, ...]): background kinds to choose from.
    """
    name: str
    description: str
    brightness: Range = (0.95, 1.05)
    gradient: Range = (0.0, 0.1)
    vignette: Range = (0.0, 0.1)
    cast: Tuple[float, float, float] = (1.0, 1.0, 1.0)
    cast_jitter: float = 0.04
    saturation: Range = (0.9, 1.1)
    contrast: Range = (0.95, 1.05)
    noise: Range = (0.0, 2.0)
    blur: Range = (0.0, 0.3)
    downscale: Range = (1.0, 1.0)
    jpeg: Range = (85, 95)
    flicker: Range = (0.0, 0.0)
    background: Tuple[str, ...] = ('plain', 'gradient')


STYLES: Dict[str, CaptureStyle] = {s.name: s for s in (
    CaptureStyle('studio', 'even bright light, clean sensor, plain backdrop',
                 brightness=(1.0, 1.12), gradient=(0.0, 0.08),
                 noise=(0.0, 2.0), jpeg=(88, 96),
                 background=('plain', 'gradient')),
    CaptureStyle('webcam', 'warm indoor light, noisy, soft, room behind',
                 brightness=(0.8, 0.95), gradient=(0.1, 0.25),
                 cast=(0.88, 0.98, 1.1), noise=(3.0, 6.0),
                 blur=(0.4, 0.8), jpeg=(55, 75), downscale=(0.75, 1.0),
                 background=('room', 'blobs')),
    CaptureStyle('outdoor', 'hard side sun, high contrast, cool sky',
                 brightness=(1.05, 1.25), gradient=(0.3, 0.5),
                 cast=(1.08, 1.0, 0.93), contrast=(1.15, 1.35),
                 saturation=(1.0, 1.25), noise=(1.0, 3.0), jpeg=(75, 90),
                 background=('foliage', 'gradient')),
    CaptureStyle('cinema', 'teal-orange grade, vignette, film grain',
                 brightness=(0.75, 0.95), vignette=(0.3, 0.5),
                 cast=(1.06, 0.97, 1.04), saturation=(0.8, 1.1),
                 contrast=(1.05, 1.25), noise=(3.0, 6.0), blur=(0.2, 0.5),
                 jpeg=(70, 90), background=('blobs', 'stripes')),
    CaptureStyle('office', 'fluorescent green cast, flicker, mild blur',
                 brightness=(0.9, 1.02), gradient=(0.0, 0.15),
                 cast=(0.98, 1.08, 0.92), saturation=(0.75, 0.95),
                 noise=(2.0, 5.0), blur=(0.5, 0.9), jpeg=(65, 85),
                 flicker=(0.03, 0.07), background=('stripes', 'room')),
    # ---- shifted domains (never used for train/val/test)
    CaptureStyle('night', 'dim blue-ish light, heavy noise, low contrast',
                 brightness=(0.45, 0.6), gradient=(0.15, 0.35),
                 vignette=(0.2, 0.4), cast=(1.15, 0.98, 0.85),
                 saturation=(0.5, 0.8), contrast=(0.78, 0.9),
                 noise=(8.0, 12.0), blur=(0.3, 0.6), jpeg=(50, 70),
                 background=('dark', 'blobs')),
    CaptureStyle('cctv', 'near-greyscale, low resolution, blocky codec',
                 brightness=(0.85, 1.05), gradient=(0.0, 0.2),
                 saturation=(0.0, 0.2), contrast=(0.85, 1.0),
                 noise=(3.0, 6.0), blur=(0.3, 0.6), downscale=(0.38, 0.5),
                 jpeg=(25, 40), flicker=(0.0, 0.04),
                 background=('room', 'stripes')),
    CaptureStyle('phone', 'over-saturated magenta-warm, strong compression',
                 brightness=(0.95, 1.15), gradient=(0.05, 0.25),
                 cast=(1.05, 0.88, 1.12), saturation=(1.35, 1.7),
                 contrast=(1.1, 1.3), noise=(2.0, 4.0),
                 downscale=(0.45, 0.6), jpeg=(15, 25),
                 background=('foliage', 'noise')),
)}

#: Domains of train / val / test (with sampling weights: unequal sources).
IN_DOMAIN_STYLES: Dict[str, float] = {'studio': 0.3, 'webcam': 0.24,
                                      'cinema': 0.2, 'office': 0.15,
                                      'outdoor': 0.11}
#: Domains of test_shifted (uniform).
SHIFTED_STYLES: Dict[str, float] = {'night': 1 / 3, 'cctv': 1 / 3,
                                    'phone': 1 / 3}


@dataclass
class CaptureParams:
    """Concrete capture parameters of one clip.

    Attributes:
        style (str): domain name.
        brightness, gradient, gradient_angle, vignette (float): lighting.
        cast (np.ndarray): (3,) BGR channel gains.
        saturation, contrast, noise, blur, downscale (float): see
            :class:`CaptureStyle`.
        jpeg (int): JPEG quality.
        flicker (float): flicker amplitude.
        flicker_freq (float): flicker frequency (cycles/frame).
        background (str): background kind.
        bg_seed (int): seed of the background texture.
        bg_color (np.ndarray): (3,) base background colour.
    """
    style: str
    brightness: float
    gradient: float
    gradient_angle: float
    vignette: float
    cast: np.ndarray
    saturation: float
    contrast: float
    noise: float
    blur: float
    downscale: float
    jpeg: int
    flicker: float
    flicker_freq: float
    background: str
    bg_seed: int
    bg_color: np.ndarray = field(default_factory=lambda: np.zeros(3))

    def summary(self) -> dict:
        """JSON-friendly rounded values."""
        out = {}
        for k, v in self.__dict__.items():
            if isinstance(v, np.ndarray):
                out[k] = [round(float(x), 3) for x in v]
            elif isinstance(v, float):
                out[k] = round(v, 3)
            else:
                out[k] = v
        return out


def sample_capture(style: str, rng: np.random.Generator) -> CaptureParams:
    """Draw the capture parameters of one clip from a named style.

    Args:
        style (str): key of :data:`STYLES`.
        rng (np.random.Generator): random source.

    Returns:
        CaptureParams: concrete parameters.
    """
    st = STYLES[style]

    def u(r: Range) -> float:
        return float(rng.uniform(r[0], r[1]))

    cast = np.asarray(st.cast) + rng.uniform(-st.cast_jitter,
                                             st.cast_jitter, 3)
    return CaptureParams(
        style=style, brightness=u(st.brightness), gradient=u(st.gradient),
        gradient_angle=float(rng.uniform(0, 2 * np.pi)),
        vignette=u(st.vignette), cast=cast, saturation=u(st.saturation),
        contrast=u(st.contrast), noise=u(st.noise), blur=u(st.blur),
        downscale=u(st.downscale), jpeg=int(round(u(st.jpeg))),
        flicker=u(st.flicker), flicker_freq=float(rng.uniform(0.05, 0.3)),
        background=str(rng.choice(st.background)),
        bg_seed=int(rng.integers(0, 2**31 - 1)),
        bg_color=rng.uniform(40, 200, 3))


def make_background(cap: CaptureParams, height: int,
                    width: int) -> np.ndarray:
    """Procedural background texture of one clip.

    Args:
        cap (CaptureParams): clip capture parameters (kind, seed, colour).
        height (int): image height.
        width (int): image width.

    Returns:
        np.ndarray: BGR uint8 image (height, width, 3).
    """
    rng = np.random.default_rng(cap.bg_seed)
    base = cap.bg_color.astype(np.float32)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    yy /= max(height - 1, 1)
    xx /= max(width - 1, 1)
    img = np.empty((height, width, 3), np.float32)
    img[:] = base
    kind = cap.background
    if kind == 'gradient':
        other = rng.uniform(40, 200, 3).astype(np.float32)
        w = (xx * rng.uniform(-1, 1) + yy * rng.uniform(-1, 1))
        w = (w - w.min()) / max(float(np.ptp(w)), 1e-6)
        img = img * (1 - w[..., None]) + other * w[..., None]
    elif kind == 'stripes':
        freq = rng.uniform(3, 9)
        ang = rng.uniform(0, np.pi)
        ph = np.sin(2 * np.pi * freq * (xx * np.cos(ang) + yy * np.sin(ang)))
        img *= (1 + 0.25 * ph)[..., None]
    elif kind in ('room', 'blobs', 'foliage'):
        n = {'room': 6, 'blobs': 10, 'foliage': 30}[kind]
        for _ in range(n):
            col = tuple(float(c) for c in rng.uniform(20, 230, 3))
            if kind == 'foliage':
                col = (col[0] * 0.5, col[1], col[2] * 0.6)
            if kind == 'room':
                x0, y0 = rng.uniform(0, width), rng.uniform(0, height)
                cv2.rectangle(img, (int(x0), int(y0)),
                              (int(x0 + rng.uniform(0.1, 0.5) * width),
                               int(y0 + rng.uniform(0.1, 0.6) * height)),
                              col, -1)
            else:
                r = rng.uniform(0.05, 0.25) * width
                cv2.circle(img, (int(rng.uniform(0, width)),
                                 int(rng.uniform(0, height))),
                           max(1, int(r)), col, -1, cv2.LINE_AA)
        img = cv2.GaussianBlur(img, (0, 0), 0.02 * width + 0.5)
    elif kind == 'noise':
        small = rng.uniform(-50, 50, (6, 6, 3)).astype(np.float32)
        img += cv2.resize(small, (width, height),
                          interpolation=cv2.INTER_CUBIC)
    elif kind == 'dark':
        img *= 0.35
    return np.clip(img, 0, 255).astype(np.uint8)


def make_gain_map(cap: CaptureParams, height: int,
                  width: int) -> np.ndarray:
    """Multiplicative illumination map (brightness, gradient, vignette,
    colour cast) of one clip.

    Args:
        cap (CaptureParams): clip capture parameters.
        height (int): image height.
        width (int): image width.

    Returns:
        np.ndarray: float32 (height, width, 3) gains.
    """
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    xx = xx / max(width - 1, 1) * 2 - 1
    yy = yy / max(height - 1, 1) * 2 - 1
    lin = xx * np.cos(cap.gradient_angle) + yy * np.sin(cap.gradient_angle)
    gain = cap.brightness * (1 + cap.gradient * lin)
    gain *= 1 - cap.vignette * 0.5 * (xx**2 + yy**2)
    return (gain[..., None] * cap.cast[None, None, :].astype(
        np.float32)).astype(np.float32)


_NOISE_BANK: list = []


def _noise_bank() -> np.ndarray:
    """A fixed bank of standard-normal float32 samples (per process).

    Frames take random windows of it: much cheaper than fresh Gaussian
    samples and still deterministic given the clip's noise seed.
    """
    if not _NOISE_BANK:
        _NOISE_BANK.append(np.random.default_rng(12345).standard_normal(
            1 << 21, dtype=np.float32))
    return _NOISE_BANK[0]


def degrade_clip(frames: np.ndarray, cap: CaptureParams,
                 rng: np.random.Generator) -> np.ndarray:
    """Apply a clip's capture style to all its clean frames at once.

    Order: saturation -> illumination map and colour cast (with per-frame
    flicker) -> contrast -> resolution loss -> blur -> sensor noise ->
    uint8.  The JPEG quality is applied when the frames are written.

    Args:
        frames (np.ndarray): clean BGR uint8 frames (T, H, W, 3).
        cap (CaptureParams): clip capture parameters.
        rng (np.random.Generator): noise / flicker source.

    Returns:
        np.ndarray: degraded uint8 frames, same shape.
    """
    n, h, w = frames.shape[:3]
    img = frames.astype(np.float32)
    if abs(cap.saturation - 1.0) > 1e-3:
        grey = img.mean(axis=3, keepdims=True)
        img *= cap.saturation
        img += (1.0 - cap.saturation) * grey
    # contrast folded into the gain: c * (x * g - 128) + 128
    gain = make_gain_map(cap, h, w) * cap.contrast
    if cap.flicker > 0:
        t = np.arange(n)
        f = 1.0 + cap.flicker * np.sin(2 * np.pi * cap.flicker_freq * t) \
            + 0.5 * cap.flicker * rng.standard_normal(n)
        img *= gain[None] * f.astype(np.float32)[:, None, None, None]
    else:
        img *= gain[None]
    img += 128.0 * (1.0 - cap.contrast)
    sigma = cap.blur * w / 64.0
    small = (max(4, int(round(w * cap.downscale))),
             max(4, int(round(h * cap.downscale))))
    if cap.downscale < 0.98 or sigma > 0.15:
        for k in range(n):
            x = img[k]
            if cap.downscale < 0.98:
                x = cv2.resize(cv2.resize(x, small,
                                          interpolation=cv2.INTER_AREA),
                               (w, h), interpolation=cv2.INTER_LINEAR)
            if sigma > 0.15:
                x = cv2.GaussianBlur(x, (0, 0), sigma)
            img[k] = x
    if cap.noise > 0.2:
        bank = _noise_bank()
        size = h * w * 3
        if size * 4 > len(bank):      # large frames: fresh samples
            img += rng.standard_normal(img.shape, dtype=np.float32) * \
                np.float32(cap.noise)
        else:
            for k, off in enumerate(rng.integers(0, len(bank) - size, n)):
                img[k] += bank[off:off + size].reshape(h, w, 3) * \
                    np.float32(cap.noise)
    np.clip(img, 0, 255, out=img)
    return img.astype(np.uint8)
