"""Corruptions of decoded face clips for robustness evaluation.

In the spirit of ImageNet-C (Hendrycks & Dietterich, 2019) and Mini-Kinetics-C
(Yi et al., 2021), adapted to dynamic facial expression clips: every
corruption has five severities and acts on the clip *after* frame decoding,
i.e. on the ``T`` RGB ``uint8`` frames of the sampled clip, before resizing.

Each corruption is one small function ``fn(clip, param, rng) -> clip`` on a
``(T, H, W, 3)`` array, registered in :data:`CORRUPTIONS` together with its
five severity parameters (``CORRUPTIONS[name].params[severity - 1]``).
Spatial parameters (blur sizes) are given for 224-pixel frames and scaled by
``min(H, W) / 224``, so a severity means the same on 32-pixel and 224-pixel
crops.

Determinism: the random draws of a clip come from a generator seeded by
``(seed, corruption name, sample key)`` where the key is the clip id (or the
sample index): the result depends neither on the data-loader worker count
nor on the visiting order, and it does not depend on the severity either,
so a higher severity scales *the same* random draw (same noise pattern,
occluder position, dropped frames...), which makes every severity curve
monotone per clip.
"""
import zlib
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

import cv2
import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

#: reference frame side for the spatial parameters
REFERENCE_SIZE = 224
SEVERITIES = (1, 2, 3, 4, 5)
CATEGORIES = ('noise', 'blur', 'photometric', 'digital', 'occlusion',
              'temporal')

CorruptionFn = Callable[[np.ndarray, float, np.random.Generator], np.ndarray]


@dataclass(frozen=True)
class CorruptionSpec:
    """A registered corruption.

    Attributes:
        name (str): registry name.
        fn (CorruptionFn): ``fn(clip, param, rng) -> clip`` on ``(T, H, W,
            3)`` float32 arrays in [0, 255].
        params (tuple[float]): the parameter of severities 1..5.
        param_name (str): what the parameter is (for tables and docs).
        category (str): one of :data:`CATEGORIES`.
        random (bool): whether the result depends on the random draw.
        description (str): one line.
    """

    name: str
    fn: CorruptionFn
    params: Tuple[float, ...]
    param_name: str
    category: str
    random: bool
    description: str


#: name -> :class:`CorruptionSpec`, in registration (= report) order
CORRUPTIONS: Dict[str, CorruptionSpec] = {}


def register_corruption(name: str, params: Sequence[float], param_name: str,
                        category: str, random: bool,
                        description: str) -> Callable[[CorruptionFn],
                                                      CorruptionFn]:
    """Decorator adding a corruption function to :data:`CORRUPTIONS`.

    Args:
        name (str): registry name.
        params (Sequence[float]): five parameters, severities 1..5.
        param_name (str): meaning of the parameter.
        category (str): one of :data:`CATEGORIES`.
        random (bool): whether the function uses ``rng``.
        description (str): one-line description.

    Returns:
        Callable: the decorator (returns the function unchanged).
    """
    if len(params) != len(SEVERITIES):
        raise ValueError(f'{name}: need {len(SEVERITIES)} parameters')
    if category not in CATEGORIES:
        raise ValueError(f'{name}: unknown category {category!r}')

    def deco(fn: CorruptionFn) -> CorruptionFn:
        if name in CORRUPTIONS:
            raise KeyError(f'corruption {name!r} registered twice')
        CORRUPTIONS[name] = CorruptionSpec(name, fn, tuple(params),
                                           param_name, category, random,
                                           description)
        return fn

    return deco


# ------------------------------------------------------------------ helpers
def _scale(clip: np.ndarray) -> float:
    """Frame side relative to :data:`REFERENCE_SIZE`."""
    return min(clip.shape[1], clip.shape[2]) / float(REFERENCE_SIZE)


def _per_frame(clip: np.ndarray,
               fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Apply an ``(H, W, 3) -> (H, W, 3)`` function to every frame."""
    return np.stack([fn(np.ascontiguousarray(f)) for f in clip])


def _tall(clip: np.ndarray) -> np.ndarray:
    """View ``(T, H, W, 3)`` as one ``(T*H, W, 3)`` image (pointwise ops)."""
    t, h, w, c = clip.shape
    return np.ascontiguousarray(clip.reshape(t * h, w, c))


def _reindex(clip: np.ndarray, inds: np.ndarray) -> np.ndarray:
    """Frames ``clip[inds]`` (a new sequence of the same length)."""
    return clip[np.asarray(inds, dtype=np.int64)]


def _round_half_up(x: np.ndarray) -> np.ndarray:
    return np.floor(np.asarray(x, dtype=np.float64) + 0.5).astype(np.int64)


# -------------------------------------------------------------------- noise
@register_corruption(
    'gaussian_noise', (0.08, 0.12, 0.18, 0.26, 0.38),
    'noise std (fraction of 255)', 'noise', True,
    'additive Gaussian noise, independent per pixel and frame (sensor noise)')
def gaussian_noise(clip: np.ndarray, sigma: float,
                   rng: np.random.Generator) -> np.ndarray:
    """Add ``N(0, (255*sigma)^2)`` noise to every pixel of every frame.

    Args:
        clip (np.ndarray): ``(T, H, W, 3)`` float32 in [0, 255].
        sigma (float): std as a fraction of 255.
        rng (np.random.Generator): random source.

    Returns:
        np.ndarray: the noisy clip, same shape.
    """
    noise = rng.standard_normal(clip.shape, dtype=np.float32)
    return clip + noise * (255.0 * sigma)


# --------------------------------------------------------------------- blur
@register_corruption(
    'gaussian_blur', (1.0, 2.0, 3.0, 4.0, 6.0),
    'Gaussian sigma (px at 224)', 'blur', False,
    'isotropic Gaussian blur of every frame (out of focus, soft optics)')
def gaussian_blur(clip: np.ndarray, sigma: float,
                  rng: np.random.Generator) -> np.ndarray:
    """Blur every frame with a Gaussian of ``sigma * min(H, W) / 224`` px.

    Args:
        clip (np.ndarray): ``(T, H, W, 3)`` float32.
        sigma (float): std in pixels of a 224-pixel frame.
        rng (np.random.Generator): unused.

    Returns:
        np.ndarray: blurred clip.
    """
    s = sigma * _scale(clip)
    k = 2 * int(np.ceil(3 * s)) + 1
    return _per_frame(
        clip, lambda f: cv2.GaussianBlur(f, (k, k), s,
                                         borderType=cv2.BORDER_REFLECT))


def disk_kernel(radius: float) -> np.ndarray:
    """Normalised, anti-aliased disk (defocus point-spread function).

    Args:
        radius (float): disk radius in pixels (fractional radii give a
            partially covered rim).

    Returns:
        np.ndarray: ``(2R+1, 2R+1)`` float32 kernel summing to 1.
    """
    r = max(float(radius), 0.0)
    n = int(np.ceil(r))
    yy, xx = np.mgrid[-n:n + 1, -n:n + 1]
    k = np.clip(r + 0.5 - np.sqrt(xx**2 + yy**2), 0.0, 1.0)
    k = k.astype(np.float32)
    return k / k.sum()


@register_corruption(
    'defocus_blur', (3.0, 4.0, 6.0, 8.0, 10.0),
    'disk radius (px at 224)', 'blur', False,
    'disk (lens defocus) blur of every frame')
def defocus_blur(clip: np.ndarray, radius: float,
                 rng: np.random.Generator) -> np.ndarray:
    """Convolve every frame with a disk of ``radius * min(H, W) / 224`` px.

    Args:
        clip (np.ndarray): ``(T, H, W, 3)`` float32.
        radius (float): radius in pixels of a 224-pixel frame.
        rng (np.random.Generator): unused.

    Returns:
        np.ndarray: blurred clip.
    """
    kernel = disk_kernel(radius * _scale(clip))
    return _per_frame(
        clip, lambda f: cv2.filter2D(f, -1, kernel,
                                     borderType=cv2.BORDER_REFLECT))


def line_kernel(length: float, angle: float) -> np.ndarray:
    """Normalised line kernel (linear camera / head motion blur).

    Args:
        length (float): line length in pixels.
        angle (float): direction in degrees.

    Returns:
        np.ndarray: ``(K, K)`` float32 kernel summing to 1.
    """
    half = max(float(length), 1.0) / 2.0
    n = int(np.ceil(half))
    yy, xx = np.mgrid[-n:n + 1, -n:n + 1].astype(np.float32)
    th = np.deg2rad(angle)
    along = xx * np.cos(th) + yy * np.sin(th)
    across = -xx * np.sin(th) + yy * np.cos(th)
    k = (np.clip(1.0 - np.abs(across), 0.0, 1.0) *
         np.clip(half + 0.5 - np.abs(along), 0.0, 1.0))
    return (k / k.sum()).astype(np.float32)


@register_corruption(
    'motion_blur', (7.0, 11.0, 15.0, 21.0, 27.0),
    'blur length (px at 224)', 'blur', True,
    'linear motion blur of every frame, one random direction per clip')
def motion_blur(clip: np.ndarray, length: float,
                rng: np.random.Generator) -> np.ndarray:
    """Blur every frame along a line of ``length * min(H, W) / 224`` px.

    Args:
        clip (np.ndarray): ``(T, H, W, 3)`` float32.
        length (float): length in pixels of a 224-pixel frame.
        rng (np.random.Generator): draws the direction (uniform in
            [0, 180) degrees, shared by all frames).

    Returns:
        np.ndarray: blurred clip.
    """
    angle = float(rng.uniform(0.0, 180.0))
    kernel = line_kernel(length * _scale(clip), angle)
    return _per_frame(
        clip, lambda f: cv2.filter2D(f, -1, kernel,
                                     borderType=cv2.BORDER_REFLECT))


# -------------------------------------------------------------- photometric
@register_corruption(
    'brightness', (0.1, 0.2, 0.3, 0.4, 0.5),
    'HSV value shift (fraction of 255)', 'photometric', False,
    'over-exposure: the HSV value channel is raised')
def brightness(clip: np.ndarray, shift: float,
               rng: np.random.Generator) -> np.ndarray:
    """Raise the HSV value channel by ``255 * shift`` (clipped).

    Args:
        clip (np.ndarray): ``(T, H, W, 3)`` float32 RGB in [0, 255].
        shift (float): value shift as a fraction of 255.
        rng (np.random.Generator): unused.

    Returns:
        np.ndarray: brightened clip.
    """
    t, h, w, _ = clip.shape
    hsv = cv2.cvtColor(_tall(clip) / 255.0, cv2.COLOR_RGB2HSV)
    hsv[..., 2] = np.clip(hsv[..., 2] + shift, 0.0, 1.0)
    rgb = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB) * 255.0
    return rgb.reshape(t, h, w, 3)


@register_corruption(
    'gamma', (1.4, 1.8, 2.2, 2.7, 3.2),
    'gamma exponent', 'photometric', False,
    'under-exposure / low light: x -> 255 * (x / 255) ** gamma')
def gamma(clip: np.ndarray, exponent: float,
          rng: np.random.Generator) -> np.ndarray:
    """Darken with the power law ``255 * (x / 255) ** exponent``.

    Args:
        clip (np.ndarray): ``(T, H, W, 3)`` float32 in [0, 255].
        exponent (float): gamma (> 1 darkens).
        rng (np.random.Generator): unused.

    Returns:
        np.ndarray: darkened clip.
    """
    return 255.0 * np.power(np.clip(clip, 0, 255) / 255.0, exponent)


@register_corruption(
    'contrast', (0.4, 0.3, 0.2, 0.1, 0.05),
    'contrast factor', 'photometric', False,
    'contrast loss: each frame is pulled towards its mean (haze, flat light)')
def contrast(clip: np.ndarray, factor: float,
             rng: np.random.Generator) -> np.ndarray:
    """``(x - mean) * factor + mean`` with the mean of each frame.

    Args:
        clip (np.ndarray): ``(T, H, W, 3)`` float32.
        factor (float): remaining contrast (1 = unchanged).
        rng (np.random.Generator): unused.

    Returns:
        np.ndarray: low-contrast clip.
    """
    mean = clip.mean(axis=(1, 2, 3), keepdims=True)
    return (clip - mean) * factor + mean


@register_corruption(
    'color_cast', (0.1, 0.2, 0.3, 0.4, 0.5),
    'channel gain deviation', 'photometric', True,
    'white-balance error: per-channel gains 1 + s*cos(theta - 2*pi*c/3), '
    'random hue direction theta per clip')
def color_cast(clip: np.ndarray, strength: float,
               rng: np.random.Generator) -> np.ndarray:
    """Multiply R, G, B by gains deviating from 1 in a random hue direction.

    Args:
        clip (np.ndarray): ``(T, H, W, 3)`` float32 RGB.
        strength (float): amplitude ``s`` of the gain deviation.
        rng (np.random.Generator): draws the direction ``theta``.

    Returns:
        np.ndarray: colour-cast clip.
    """
    theta = float(rng.uniform(0.0, 2 * np.pi))
    gains = 1.0 + strength * np.cos(theta - 2 * np.pi * np.arange(3) / 3)
    return clip * gains.astype(np.float32)


# ------------------------------------------------------------------ digital
@register_corruption(
    'jpeg_compression', (25, 18, 15, 10, 7),
    'JPEG quality', 'digital', False,
    'JPEG re-encoding of every frame (compression artefacts)')
def jpeg_compression(clip: np.ndarray, quality: float,
                     rng: np.random.Generator) -> np.ndarray:
    """Encode and decode every frame as JPEG with the given quality.

    Args:
        clip (np.ndarray): ``(T, H, W, 3)`` float32 RGB.
        quality (float): JPEG quality (0..100).
        rng (np.random.Generator): unused.

    Returns:
        np.ndarray: decoded clip.
    """
    params = [int(cv2.IMWRITE_JPEG_QUALITY), int(quality)]

    def one(frame: np.ndarray) -> np.ndarray:
        bgr = np.clip(frame[..., ::-1] + 0.5, 0, 255).astype(np.uint8)
        ok, buf = cv2.imencode('.jpg', bgr, params)
        if not ok:
            raise RuntimeError('JPEG encoding failed')
        return cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1].astype(
            np.float32)

    return _per_frame(clip, one)


@register_corruption(
    'downscale', (0.5, 0.4, 0.3, 0.25, 0.2),
    'resolution factor', 'digital', False,
    'resolution loss: anti-aliased downscale by the factor (Gaussian '
    'sigma 0.4 / factor, bilinear), bilinear upscale back')
def downscale(clip: np.ndarray, factor: float,
              rng: np.random.Generator) -> np.ndarray:
    """Downscale each frame by ``factor`` and upscale back to ``(H, W)``.

    The frame is low-passed first (Gaussian, ``sigma = 0.4 / factor`` px)
    like a camera of lower resolution, so the loss grows monotonically with
    the factor instead of depending on the resampling grid.

    Args:
        clip (np.ndarray): ``(T, H, W, 3)`` float32.
        factor (float): side factor in (0, 1].
        rng (np.random.Generator): unused.

    Returns:
        np.ndarray: low-resolution clip at the original size.
    """
    h, w = clip.shape[1:3]
    small = (max(2, int(round(w * factor))), max(2, int(round(h * factor))))
    sigma = 0.4 / factor
    k = 2 * int(np.ceil(3 * sigma)) + 1

    def one(frame: np.ndarray) -> np.ndarray:
        low = cv2.GaussianBlur(frame, (k, k), sigma,
                               borderType=cv2.BORDER_REFLECT)
        low = cv2.resize(low, small, interpolation=cv2.INTER_LINEAR)
        return cv2.resize(low, (w, h), interpolation=cv2.INTER_LINEAR)

    return _per_frame(clip, one)


# ---------------------------------------------------------------- occlusion
def occluder_box(h: int, w: int, area: float,
                 rng: np.random.Generator) -> Tuple[int, int, int, int]:
    """A random rectangle covering ``area`` of an ``h x w`` frame.

    The aspect ratio is log-uniform in [1/2, 2] and the position uniform;
    the draws do not depend on ``area`` (larger areas grow the same box).

    Args:
        h (int): frame height.
        w (int): frame width.
        area (float): covered fraction in (0, 1].
        rng (np.random.Generator): random source (4 draws).

    Returns:
        tuple[int]: ``(y0, x0, bh, bw)``.
    """
    ratio = float(np.exp(rng.uniform(np.log(0.5), np.log(2.0))))
    u, v = rng.uniform(0.0, 1.0, size=2)
    bh = int(min(h, max(1, round(np.sqrt(area * h * w * ratio)))))
    bw = int(min(w, max(1, round(area * h * w / bh))))
    y0 = int(round(u * (h - bh)))
    x0 = int(round(v * (w - bw)))
    return y0, x0, bh, bw


@register_corruption(
    'occlusion', (0.05, 0.1, 0.2, 0.3, 0.4),
    'occluded area fraction', 'occlusion', True,
    'a solid rectangle of random colour, aspect and position over the face, '
    'static across the clip (hand, microphone, mask)')
def occlusion(clip: np.ndarray, area: float,
              rng: np.random.Generator) -> np.ndarray:
    """Paint one random rectangle covering ``area`` of every frame.

    Args:
        clip (np.ndarray): ``(T, H, W, 3)`` float32.
        area (float): covered fraction of the frame.
        rng (np.random.Generator): draws colour, aspect and position.

    Returns:
        np.ndarray: occluded clip.
    """
    colour = rng.uniform(0.0, 255.0, size=3).astype(np.float32)
    y0, x0, bh, bw = occluder_box(clip.shape[1], clip.shape[2], area, rng)
    out = clip.copy()
    out[:, y0:y0 + bh, x0:x0 + bw] = colour
    return out


# ----------------------------------------------------------------- temporal
@register_corruption(
    'temporal_blur', (2, 3, 4, 6, 8),
    'window (frames)', 'temporal', False,
    'motion smear across frames: each frame is the mean of itself and the '
    'previous w-1 frames (slow sensor, ghosting)')
def temporal_blur(clip: np.ndarray, window: float,
                  rng: np.random.Generator) -> np.ndarray:
    """Causal box average over ``window`` frames (shorter at the start).

    Args:
        clip (np.ndarray): ``(T, H, W, 3)`` float32.
        window (float): number of frames averaged.
        rng (np.random.Generator): unused.

    Returns:
        np.ndarray: temporally blurred clip.
    """
    w = max(int(window), 1)
    csum = np.cumsum(clip, axis=0, dtype=np.float32)
    t = np.arange(clip.shape[0])
    lo = t - w
    prev = np.where((lo >= 0)[:, None, None, None], csum[np.maximum(lo, 0)],
                    np.float32(0))
    count = (t - np.maximum(lo, -1)).astype(np.float32)
    return (csum - prev) / count[:, None, None, None]


def _num_frames(fraction: float, t: int) -> int:
    return int(min(t - 1, max(1, _round_half_up(fraction * t))))


@register_corruption(
    'frame_drop', (0.1, 0.2, 0.3, 0.4, 0.5),
    'fraction of frames lost', 'temporal', True,
    'lost frames concealed by repeating the last good frame (timing kept)')
def frame_drop(clip: np.ndarray, fraction: float,
               rng: np.random.Generator) -> np.ndarray:
    """Replace ``round(fraction * T)`` random frames by the last kept one.

    Frame 0 is never lost; lost positions come from one random permutation
    (the first ``k``), so higher severities lose a superset.

    Args:
        clip (np.ndarray): ``(T, H, W, 3)``.
        fraction (float): fraction of lost frames.
        rng (np.random.Generator): draws the lost positions.

    Returns:
        np.ndarray: clip with frozen frames.
    """
    t = clip.shape[0]
    if t < 2:
        return clip
    order = 1 + rng.permutation(t - 1)
    lost = np.zeros(t, dtype=bool)
    lost[order[:_num_frames(fraction, t)]] = True
    inds = np.maximum.accumulate(np.where(lost, 0, np.arange(t)))
    return _reindex(clip, inds)


@register_corruption(
    'frame_duplicate', (0.1, 0.2, 0.3, 0.4, 0.5),
    'fraction of stutter frames', 'temporal', True,
    'stutter: frames shown twice, delaying the rest of the clip (the end is '
    'cut to keep T)')
def frame_duplicate(clip: np.ndarray, fraction: float,
                    rng: np.random.Generator) -> np.ndarray:
    """Insert ``round(fraction * T)`` repeated frames, truncating to ``T``.

    Output position ``t`` (``t >= 1``) repeats the previous output frame if
    it is a stutter position, otherwise it advances by one frame.

    Args:
        clip (np.ndarray): ``(T, H, W, 3)``.
        fraction (float): fraction of stutter positions.
        rng (np.random.Generator): draws the stutter positions.

    Returns:
        np.ndarray: delayed clip with repeated frames.
    """
    t = clip.shape[0]
    if t < 2:
        return clip
    order = 1 + rng.permutation(t - 1)
    stutter = np.zeros(t, dtype=bool)
    stutter[order[:_num_frames(fraction, t)]] = True
    inds = np.cumsum(~stutter) - 1
    return _reindex(clip, inds)


@register_corruption(
    'frame_shuffle', (0.1, 0.2, 0.35, 0.5, 0.75),
    'fraction of displaced frames', 'temporal', True,
    'frame order errors: a random subset of frames is cyclically permuted '
    '(every selected frame leaves its position)')
def frame_shuffle(clip: np.ndarray, fraction: float,
                  rng: np.random.Generator) -> np.ndarray:
    """Displace ``max(2, round(fraction * T))`` frames by a cyclic shift.

    Positions ``p_0..p_{m-1}`` (the first ``m`` of a random permutation)
    receive the frames of ``p_1..p_{m-1}, p_0``.

    Args:
        clip (np.ndarray): ``(T, H, W, 3)``.
        fraction (float): fraction of displaced frames.
        rng (np.random.Generator): draws the permutation.

    Returns:
        np.ndarray: shuffled clip.
    """
    t = clip.shape[0]
    if t < 2:
        return clip
    order = rng.permutation(t)
    m = int(min(t, max(2, _round_half_up(fraction * t))))
    sel = order[:m]
    inds = np.arange(t)
    inds[sel] = np.roll(sel, -1)
    return _reindex(clip, inds)


@register_corruption(
    'frame_rate', (1.25, 1.5, 2.0, 2.5, 3.0),
    'speed factor', 'temporal', True,
    'playback-speed change around the clip centre: speed-up (ends held) or '
    'slow-down (centre stretched), direction random per clip')
def frame_rate(clip: np.ndarray, speed: float,
               rng: np.random.Generator) -> np.ndarray:
    """Resample the clip at ``speed`` (or ``1 / speed``) about its centre.

    Output frame ``t`` shows input frame
    ``clip(round(c + (t - c) * r), 0, T - 1)`` with ``c = (T - 1) / 2``,
    ``r = speed`` (speed-up) or ``1 / speed`` (slow-down).

    Args:
        clip (np.ndarray): ``(T, H, W, 3)``.
        speed (float): speed factor (> 1).
        rng (np.random.Generator): draws the direction (fair coin).

    Returns:
        np.ndarray: resampled clip.
    """
    t = clip.shape[0]
    rate = speed if rng.random() < 0.5 else 1.0 / speed
    c = (t - 1) / 2.0
    inds = np.clip(_round_half_up(c + (np.arange(t) - c) * rate), 0, t - 1)
    return _reindex(clip, inds)


# ------------------------------------------------------------------- public
def list_corruptions(category: Optional[str] = None) -> List[str]:
    """Registered corruption names (optionally of one category).

    Args:
        category (str, optional): one of :data:`CATEGORIES`.

    Returns:
        list[str]: names in registration order.
    """
    return [n for n, s in CORRUPTIONS.items()
            if category is None or s.category == category]


def get_corruption(name: str) -> CorruptionSpec:
    """Look a corruption up by name.

    Args:
        name (str): registry name.

    Returns:
        CorruptionSpec: the spec.

    Raises:
        KeyError: unknown name (the message lists the known ones).
    """
    if name not in CORRUPTIONS:
        raise KeyError(f'unknown corruption {name!r}; known: '
                       f'{", ".join(CORRUPTIONS)}')
    return CORRUPTIONS[name]


def corruption_rng(seed: int, name: str, key: str) -> np.random.Generator:
    """Generator of one clip: seeded by ``(seed, name, key)`` only.

    Args:
        seed (int): evaluation seed (>= 0).
        name (str): corruption name.
        key (str): stable sample key (e.g. ``'clip:00042'``).

    Returns:
        np.random.Generator: a fresh generator.
    """
    return np.random.default_rng([
        int(seed),
        zlib.crc32(name.encode('utf-8')),
        zlib.crc32(str(key).encode('utf-8'))
    ])


def apply_corruption(clip: np.ndarray, name: str, severity: int,
                     rng: np.random.Generator) -> np.ndarray:
    """Corrupt a clip.

    Args:
        clip (np.ndarray): ``(T, H, W, 3)`` (any real dtype; values in
            [0, 255]).
        name (str): corruption name.
        severity (int): 1..5.
        rng (np.random.Generator): random source.

    Returns:
        np.ndarray: ``(T, H, W, 3)`` with ``clip``'s dtype (integers are
        rounded and clipped to [0, 255]).
    """
    spec = get_corruption(name)
    severity = check_severity(severity)
    clip = np.asarray(clip)
    if clip.ndim != 4 or clip.shape[-1] != 3:
        raise ValueError(f'expected a (T, H, W, 3) clip, got {clip.shape}')
    out = spec.fn(clip.astype(np.float32), spec.params[severity - 1], rng)
    if np.issubdtype(clip.dtype, np.integer):
        return np.clip(np.floor(out + 0.5), 0, 255).astype(clip.dtype)
    return np.clip(out, 0, 255).astype(clip.dtype)


def check_severity(severity: int) -> int:
    """Validate a severity (an int in 1..5)."""
    if int(severity) != severity or int(severity) not in SEVERITIES:
        raise ValueError(f'severity must be an integer in 1..5, got '
                         f'{severity!r}')
    return int(severity)


def sample_key(results: Dict) -> str:
    """Stable key of a sample: clip id, else sample index, else media path.

    Args:
        results (dict): the pipeline results.

    Returns:
        str: e.g. ``'clip:00042'``, ``'idx:7'`` or ``'path:...'``.

    Raises:
        KeyError: when the sample carries none of them.
    """
    if results.get('clip_id') is not None:
        return f'clip:{results["clip_id"]}'
    if results.get('sample_idx') is not None:
        return f'idx:{int(results["sample_idx"])}'
    for k in ('frame_dir', 'filename'):
        if results.get(k) is not None:
            return f'path:{results[k]}'
    raise KeyError('DFERCorruption needs clip_id, sample_idx, frame_dir or '
                   'filename in the results to seed the sample')


@TRANSFORMS.register_module()
class DFERCorruption(BaseTransform):
    """Corrupt the decoded frames of a clip (robustness evaluation).

    Insert right after the decode step of a test pipeline::

        dict(type='DFERFrameDecode'),
        dict(type='DFERCorruption', name='gaussian_noise', severity=3,
             seed=0),
        dict(type='Resize', ...),

    With several views (``num_clips * clip_len`` frames) the corruption is
    applied to each view in turn with the clip's generator.

    Required keys: ``imgs`` (list of ``T`` ``(H, W, 3)`` arrays, or one
    ``(T, H, W, 3)`` array) and, when ``seed`` is set, ``clip_id`` /
    ``sample_idx`` / ``frame_dir`` / ``filename`` (the sample key).
    Modified keys: ``imgs`` (same type, length, shapes and dtype).
    Added keys: ``corruption`` (``'<name>@<severity>'``).

    Args:
        name (str): corruption (see :data:`CORRUPTIONS`).
        severity (int): 1..5.
        seed (int, optional): evaluation seed; the clip's draws depend only
            on ``(seed, name, sample key)`` (repeatable, independent of
            worker count and order). ``None`` draws from numpy's global
            generator instead (e.g. as a training augmentation, seeded per
            worker by mmengine); not repeatable by sample.
    """

    def __init__(self, name: str, severity: int = 1,
                 seed: Optional[int] = None) -> None:
        self.spec = get_corruption(name)
        self.name = name
        self.severity = check_severity(severity)
        if seed is not None and int(seed) < 0:
            raise ValueError(f'seed must be >= 0, got {seed}')
        self.seed = None if seed is None else int(seed)

    @property
    def param(self) -> float:
        """The corruption parameter at this severity."""
        return self.spec.params[self.severity - 1]

    def _rng(self, results: Dict) -> np.random.Generator:
        if self.seed is None:
            return np.random.default_rng(np.random.randint(0, 2**31 - 1))
        return corruption_rng(self.seed, self.name, sample_key(results))

    def transform(self, results: Dict) -> Dict:
        """Replace ``imgs`` by the corrupted frames."""
        imgs: Union[list, np.ndarray] = results['imgs']
        shapes = {tuple(np.shape(im)) for im in imgs}
        if len(shapes) != 1:
            raise ValueError(f'DFERCorruption: frames of '
                             f'{results.get("frame_dir", "the clip")} have '
                             f'different shapes {sorted(shapes)}')
        clip = np.stack(list(imgs)) if isinstance(imgs, list) else imgs
        n = clip.shape[0]
        clip_len = int(results.get('clip_len') or n)
        views = n // clip_len if clip_len and n % clip_len == 0 else 1
        rng = self._rng(results)
        parts = np.split(clip, views) if views > 1 else [clip]
        out = np.concatenate([
            apply_corruption(p, self.name, self.severity, rng) for p in parts
        ])
        results['imgs'] = list(out) if isinstance(imgs, list) else out
        results['corruption'] = f'{self.name}@{self.severity}'
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(name={self.name!r}, '
                f'severity={self.severity}, seed={self.seed})')
