"""OpenCV renderer of a :class:`~.face.FaceGeometry`.

Primitives are first recorded in face units, then all their points are
mapped to pixels with one matrix product and drawn with ``cv2`` (4 bits of
sub-pixel precision, anti-aliased), so that small AU movements stay visible
at 64x64 and a frame costs well under a millisecond.
"""
from typing import Dict, List, Tuple

import cv2
import numpy as np

from .face import FaceGeometry, FaceTransform
from .subjects import Subject

Color = Tuple[int, int, int]
_SHIFT = 4
_ONE = 1 << _SHIFT
_AA = cv2.LINE_AA
_POLY, _LINE, _ELLIPSE, _EYE = range(4)
_SCLERA = (225, 232, 236)
_PUPIL = (15, 15, 15)
_MOUTH_IN = (30, 25, 45)
_TEETH = (215, 225, 230)

_THETA = np.linspace(0, 2 * np.pi, 40, endpoint=False)
_COS, _SIN = np.cos(_THETA), np.sin(_THETA)
_GRIDS: Dict[int, Tuple[np.ndarray, np.ndarray]] = {}
_PALETTES: Dict[tuple, Dict[str, Color]] = {}


def mix(c1, c2, w: float) -> Color:
    """Colour ``(1-w)*c1 + w*c2`` (w clipped to [0, 1]) as an int tuple."""
    w = min(max(float(w), 0.0), 1.0)
    return tuple(int((1 - w) * a + w * b + 0.5) for a, b in zip(c1, c2))


def scale(c, f: float) -> Color:
    """Colour scaled by ``f`` and clipped to [0, 255]."""
    return tuple(int(min(255.0, max(0.0, v * f + 0.5))) for v in c)


def _palette(s: Subject) -> Dict[str, Color]:
    """Derived colours of a subject (cached by its base colours)."""
    key = (s.skin, s.lip, s.hair)
    pal = _PALETTES.get(key)
    if pal is None:
        pal = {'skin': s.skin, 'edge': scale(s.skin, 0.8),
               'mid': scale(s.skin, 0.91), 'dark': scale(s.skin, 0.45),
               'neck': scale(s.skin, 0.8), 'ear': scale(s.skin, 0.88),
               'socket': scale(s.skin, 0.84), 'nose': scale(s.skin, 0.78),
               'nostril': scale(s.skin, 0.5), 'tip': scale(s.skin, 1.06),
               'lid': scale(s.skin, 0.35), 'lid_low': scale(s.skin, 0.6),
               'lip_line': scale(s.lip, 0.45), 'chin': scale(s.skin, 0.8),
               'bald': mix(s.skin, s.hair, 0.55),
               'brow': scale(s.hair, 0.6)}
        if len(_PALETTES) > 4096:
            _PALETTES.clear()
        _PALETTES[key] = pal
    return pal


def _grid(n: int) -> Tuple[np.ndarray, np.ndarray]:
    """Cached (t in [0, 1], 1 - (2t-1)^2) sample grids of n points."""
    if n not in _GRIDS:
        t = np.linspace(0.0, 1.0, n)
        _GRIDS[n] = (t, 1.0 - (2.0 * t - 1.0)**2)
    return _GRIDS[n]


def curve(x0: float, x1: float, y0: float, y1: float, y_mid: float,
          n: int = 9, power: float = 1.0) -> np.ndarray:
    """Points of a bulged curve from (x0, y0) to (x1, y1).

    The curve interpolates the end heights linearly plus a parabolic bump
    (raised to ``power``) that makes it pass through ``y_mid`` half-way.

    Args:
        x0, x1, y0, y1 (float): end points.
        y_mid (float): height at the middle of the span.
        n (int): number of points.
        power (float): <1 flattens the bump's top (rounder shape).

    Returns:
        np.ndarray: (n, 2) points.
    """
    t, bump = _grid(n)
    if power != 1.0:
        bump = bump**power
    out = np.empty((n, 2))
    out[:, 0] = x0 + (x1 - x0) * t
    out[:, 1] = y0 + (y1 - y0) * t + (y_mid - 0.5 * (y0 + y1)) * bump
    return out


class _Batch:
    """Records primitives in face units; :meth:`flush` draws them."""

    def __init__(self) -> None:
        self.ops: List[tuple] = []
        self.chunks: List[np.ndarray] = []
        self.n = 0

    def _add(self, pts) -> Tuple[int, int]:
        pts = np.asarray(pts, dtype=np.float64).reshape(-1, 2)
        start = self.n
        self.chunks.append(pts)
        self.n += len(pts)
        return start, self.n

    def poly(self, pts, color: Color) -> None:
        self.ops.append((_POLY, *self._add(pts), color, None))

    def line(self, pts, color: Color, thick: int = 1) -> None:
        self.ops.append((_LINE, *self._add(pts), color, thick))

    def ellipse(self, centre, axes, color: Color, start: int = 0,
                end: int = 360) -> None:
        self.ops.append((_ELLIPSE, *self._add([centre]), color,
                         (axes, start, end)))

    def eye(self, opening: np.ndarray, iris_c, iris_r: float,
            iris_col: Color) -> None:
        self.ops.append((_EYE, *self._add(np.vstack([opening, [iris_c]])),
                         iris_col, iris_r))

    def flush(self, img: np.ndarray, tf: FaceTransform) -> None:
        """Map every recorded point to pixels and draw in record order."""
        pts = np.concatenate(self.chunks) @ tf._lin + tf._off
        q = (pts * _ONE + 0.5).astype(np.int32)
        roll = float(np.degrees(tf.roll))
        px = tf.scale * _ONE
        for kind, s, e, color, arg in self.ops:
            if kind == _POLY:
                cv2.fillPoly(img, [q[s:e]], color, _AA, _SHIFT)
            elif kind == _LINE:
                cv2.polylines(img, [q[s:e]], False, color, arg, _AA, _SHIFT)
            elif kind == _ELLIPSE:
                (ax, ay), a0, a1 = arg
                cv2.ellipse(img, (int(q[s, 0]), int(q[s, 1])),
                            (max(1, int(ax * px + 0.5)),
                             max(1, int(ay * px + 0.5))),
                            roll, a0, a1, color, -1, _AA, _SHIFT)
            else:
                _eye_px(img, q[s:e - 1], q[e - 1], int(arg * px + 0.5),
                        color)


def _eye_px(img: np.ndarray, opening: np.ndarray, iris_c: np.ndarray,
            iris_r: int, iris_col: Color) -> None:
    """Draw sclera + iris + pupil clipped to the lid opening (pixels)."""
    x0, y0 = (opening.min(0) >> _SHIFT) - 1
    x1, y1 = (opening.max(0) >> _SHIFT) + 2
    h, w = img.shape[:2]
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
    if x1 <= x0 or y1 <= y0:
        return
    roi = img[y0:y1, x0:x1]
    off = np.array([x0, y0], np.int32) * _ONE
    mask = np.zeros(roi.shape[:2], np.uint8)
    cv2.fillPoly(mask, [opening - off], 255, _AA, _SHIFT)
    layer = np.empty_like(roi)
    layer[:] = _SCLERA
    c = iris_c - off
    centre = (int(c[0]), int(c[1]))
    cv2.circle(layer, centre, iris_r, iris_col, -1, _AA, _SHIFT)
    cv2.circle(layer, centre, max(1, iris_r // 2), _PUPIL, -1, _AA, _SHIFT)
    alpha = mask.astype(np.float32)[..., None] * (1.0 / 255.0)
    roi[:] = (roi * (1 - alpha) + layer * alpha).astype(np.uint8)


def _head_back(b: _Batch, s: Subject, pal: Dict[str, Color]) -> None:
    """Hair behind the head, neck, shoulders and ears."""
    if s.hair_style == 1:   # long hair falls behind the face to the chin
        b.ellipse((0, 0.05), (1.22, s.aspect + 0.25), s.hair)
    b.poly([(-0.5, 0.6), (0.5, 0.6), (0.6, s.aspect + 0.9),
            (-0.6, s.aspect + 0.9)], pal['neck'])
    b.ellipse((0, s.aspect + 1.35), (2.0, 0.75), s.shirt)
    for sign in (-1, 1):
        b.ellipse((sign * 0.97, s.eye_y + 0.12), (0.13, 0.24), pal['ear'])


def _upper_face(b: _Batch, g: FaceGeometry, s: Subject,
                pal: Dict[str, Color]) -> None:
    """Face oval, hair cap, wrinkles, eye sockets, cheeks, brows, eyes."""
    skin, dark = pal['skin'], pal['dark']
    asp = s.aspect
    ys = _SIN * asp
    low = ys > 0
    ys = np.where(low, ys * (g.chin_y / asp), ys)
    xs = _COS * np.where(low, 1 - 0.18 * (ys / g.chin_y)**2, 1.0)
    oval = np.stack([xs, ys], 1)
    b.poly(oval, pal['edge'])
    b.poly(oval * (0.9, 0.94), pal['mid'])
    b.poly(oval * (0.72, 0.8) + (0, -0.05), skin)

    top = -asp
    if s.hair_style != 2:
        fringe = top + 0.42 + 0.08 * (s.hair_style == 1)
        cap = curve(-1.02, 1.02, s.eye_y - 0.05, s.eye_y - 0.05, top - 0.12,
                    n=15, power=0.5)
        hair_line = curve(-1.02, 1.02, s.eye_y - 0.05, s.eye_y - 0.05,
                          fringe, n=15, power=0.15)
        b.poly(np.concatenate([cap, hair_line[::-1]]), s.hair)
    else:
        b.ellipse((0, top + 0.28), (0.93, 0.42), pal['bald'], 180, 360)

    if g.wrinkle_forehead > 0.05:       # AU1+2
        col = mix(skin, dark, 0.55 * g.wrinkle_forehead)
        by = min(g.brow[0, 1, 1], g.brow[1, 1, 1])
        for k in range(2):
            y = by - 0.1 - 0.085 * k
            b.line(curve(-0.45, 0.45, y + 0.02, y + 0.02, y, n=7), col)
    if g.wrinkle_glabella > 0.05:       # AU4 / AU9
        col = mix(skin, dark, 0.6 * g.wrinkle_glabella)
        y0 = min(g.brow[0, 0, 1], g.brow[1, 0, 1])
        cx = g.mouth_c[0]
        for sign in (-1, 1):
            b.line([(cx + sign * 0.045, y0 - 0.06),
                    (cx + sign * 0.035, y0 + 0.08)], col)

    cheek = mix(skin, s.lip, 0.15 + 0.15 * g.cheek_raise)
    for k in range(2):
        ex, ey = g.eye_c[k]
        b.ellipse((ex, ey - 0.035), (g.eye_w + 0.07, 0.13), pal['socket'])
        b.ellipse((ex * 0.95, ey + 0.3 - 0.07 * g.cheek_raise),
                  (0.17 + 0.03 * g.cheek_raise, 0.1 + 0.02 * g.cheek_raise),
                  cheek)

    taper = np.array([1.0, 1.0, 0.85, 0.5])[:, None] * (0.5 * g.brow_thick)
    for k in range(2):
        line = g.brow[k].copy()
        upper = line.copy()
        upper[:, 1:] -= taper
        line[:, 1:] += taper
        b.poly(np.concatenate([upper, line[::-1]]), pal['brow'])

    lid_w = 1 if pal.get('_thin', True) else 2
    for k in range(2):
        ex, ey = g.eye_c[k]
        w = g.eye_w
        up = curve(ex - w, ex + w, ey, ey, g.lid_up[k], n=9, power=0.8)
        lo = curve(ex - w, ex + w, ey, ey, g.lid_low[k], n=9)
        if g.lid_low[k] - g.lid_up[k] > 0.012:
            free_x = max(w - g.iris_r, 0.0)
            b.eye(np.concatenate([up, lo[::-1]]),
                  (ex + g.gaze[0] * free_x * 0.6, ey + g.gaze[1] * 0.02),
                  g.iris_r, s.iris)
        b.line(up, pal['lid'], lid_w)
        b.line(lo, pal['lid_low'])
        if g.cheek_raise > 0.2:        # AU6 lower-lid crease
            b.line(lo + (0, 0.04), mix(skin, pal['lid'],
                                       0.35 * g.cheek_raise))


def _lower_face(b: _Batch, g: FaceGeometry, s: Subject,
                pal: Dict[str, Color]) -> None:
    """Nose, nose wrinkles, nasolabial folds and mouth."""
    skin, dark = pal['skin'], pal['dark']
    nx, ny = g.nose_tip
    for sign in (-1, 1):
        b.line([(nx * 0.4 + sign * 0.075, s.eye_y + 0.03),
                (nx * 0.8 + sign * 0.085, ny - 0.1),
                (nx + sign * g.nostril_w * 1.05, g.nostril_y - 0.02)],
               pal['nose'])
        b.ellipse((nx + sign * g.nostril_w * 0.55, g.nostril_y),
                  (0.045, 0.022), pal['nostril'])
    b.ellipse((nx, ny - 0.03), (0.07, 0.05), pal['tip'])
    if g.wrinkle_nose > 0.05:           # AU9
        col = mix(skin, dark, 0.7 * g.wrinkle_nose)
        for k in range(3):
            y = s.eye_y + 0.01 + 0.045 * k
            b.line([(nx * 0.5 - 0.09, y), (nx * 0.5, y - 0.015),
                    (nx * 0.5 + 0.09, y)], col)
    col = mix(skin, dark, 0.55 * g.nasolabial)
    for k, sign in enumerate((-1, 1)):
        cx, cy = g.corner[k]
        b.line([(nx + sign * (g.nostril_w + 0.06), g.nostril_y - 0.04),
                (cx + sign * 0.1, 0.5 * (g.nostril_y + cy)),
                (cx + sign * 0.07, cy + 0.06)], col)

    (lx, ly), (rx, ry) = g.corner
    up_out = curve(lx, rx, ly, ry, g.up_out, n=11, power=0.7)
    up_out[5, 1] += 0.012    # cupid's bow dip
    up_in = curve(lx, rx, ly, ry, g.up_in, n=11)
    low_in = curve(lx, rx, ly, ry, g.low_in, n=11)
    low_out = curve(lx, rx, ly, ry, g.low_out, n=11, power=0.8)
    b.poly(np.concatenate([up_out, low_out[::-1]]), s.lip)
    if g.low_in - g.up_in > 0.012:
        inner = np.concatenate([up_in, low_in[::-1]])
        b.poly(inner, _MOUTH_IN)
        if g.teeth > 0.005:
            teeth_low = up_in.copy()
            teeth_low[:, 1] = np.minimum(up_in[:, 1] + g.teeth,
                                         low_in[:, 1])
            b.poly(np.concatenate([up_in[1:-1], teeth_low[-2:0:-1]]),
                   _TEETH)
        b.line(inner, pal['lip_line'])
    else:
        b.line(up_in, pal['lip_line'])
    b.line(low_out[3:8] + (0, 0.05), pal['chin'])


def draw_face(img: np.ndarray, geom: FaceGeometry, subject: Subject,
              tf: FaceTransform, draw_background: bool = True) -> None:
    """Render a face onto ``img`` in place.

    Args:
        img (np.ndarray): BGR uint8 canvas (modified).
        geom (FaceGeometry): part positions (face units).
        subject (Subject): appearance (colours, hair).
        tf (FaceTransform): placement in pixels.
        draw_background (bool): also draw hair behind the head, ears, neck
            and shoulders.
    """
    pal = _palette(subject)
    if tf.scale >= 40:
        pal = dict(pal, _thin=False)
    b = _Batch()
    if draw_background:
        _head_back(b, subject, pal)
    _upper_face(b, geom, subject, pal)
    _lower_face(b, geom, subject, pal)
    b.flush(img, tf)
