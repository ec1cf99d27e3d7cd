"""Face geometry from AU activations, landmarks, and the OpenCV renderer.

Coordinates are in *face units*: origin at the face centre, x to the
subject's left in the image (right of the picture), y downward, 1 unit = the
face half-width.  :class:`FaceTransform` maps face units to pixels (head
position, size, roll).  All drawing uses ``cv2`` primitives with 4 bits of
sub-pixel precision and anti-aliasing, so small AU movements stay visible at
64x64.
"""
from dataclasses import dataclass
from typing import Dict, Tuple

import cv2
import numpy as np

from .expressions import AU
from .subjects import Subject

_SHIFT = 4
_ONE = 1 << _SHIFT
_AA = cv2.LINE_AA


@dataclass(frozen=True)
class FaceTransform:
    """Face-units -> pixels similarity transform (immutable).

    Attributes:
        cx (float): face-centre x (pixels).
        cy (float): face-centre y (pixels).
        scale (float): pixels per face unit (the face half-width in pixels).
        roll (float): in-plane head rotation (radians).
    """
    cx: float
    cy: float
    scale: float
    roll: float = 0.0

    def __post_init__(self) -> None:
        c, s = np.cos(self.roll) * self.scale, np.sin(self.roll) * self.scale
        object.__setattr__(self, '_lin', np.array([[c, s], [-s, c]]))
        object.__setattr__(self, '_off', np.array([self.cx, self.cy]))

    def apply(self, pts: np.ndarray) -> np.ndarray:
        """Map (..., 2) face-unit points to pixel coordinates."""
        return np.asarray(pts, dtype=np.float64) @ self._lin + self._off


@dataclass
class FaceGeometry:
    """Positions of the moving face parts (face units, see module doc).

    Left/right pairs are indexed 0 = image-left, 1 = image-right.

    Attributes:
        brow (np.ndarray): (2, 4, 2) brow centre-lines, inner -> outer.
        brow_thick (float): brow thickness.
        eye_c (np.ndarray): (2, 2) eye centres.
        eye_w (float): eye half-width.
        lid_up (np.ndarray): (2,) upper-lid y at the eye centre.
        lid_low (np.ndarray): (2,) lower-lid y at the eye centre.
        iris_r (float): iris radius.
        gaze (np.ndarray): (2,) iris offset from the eye centre.
        nose_tip (np.ndarray): (2,) nose-tip position.
        nostril_w (float): nostril half-spacing.
        nostril_y (float): nostril height.
        mouth_c (np.ndarray): (2,) mouth centre (neutral lip line).
        corner (np.ndarray): (2, 2) mouth corners.
        up_out (float): upper-lip top y at the midline.
        up_in (float): upper-lip bottom y at the midline.
        low_in (float): lower-lip top y at the midline.
        low_out (float): lower-lip bottom y at the midline.
        chin_y (float): chin (bottom of the face oval) y.
        wrinkle_forehead (float): forehead-wrinkle strength (AU1/2).
        wrinkle_glabella (float): vertical brow-furrow strength (AU4/9).
        wrinkle_nose (float): nose-wrinkle strength (AU9).
        nasolabial (float): nasolabial-fold strength (AU6/10/12).
        cheek_raise (float): cheek-raise strength (AU6).
        teeth (float): visible teeth height.
    """
    brow: np.ndarray
    brow_thick: float
    eye_c: np.ndarray
    eye_w: float
    lid_up: np.ndarray
    lid_low: np.ndarray
    iris_r: float
    gaze: np.ndarray
    nose_tip: np.ndarray
    nostril_w: float
    nostril_y: float
    mouth_c: np.ndarray
    corner: np.ndarray
    up_out: float
    up_in: float
    low_in: float
    low_out: float
    chin_y: float
    wrinkle_forehead: float
    wrinkle_glabella: float
    wrinkle_nose: float
    nasolabial: float
    cheek_raise: float
    teeth: float


def face_geometry(subject: Subject, au: np.ndarray, blink: float = 0.0,
                  gaze: Tuple[float, float] = (0.0, 0.0),
                  yaw: float = 0.0) -> FaceGeometry:
    """Place the face parts for given AU activations.

    Args:
        subject (Subject): the person (neutral geometry, asymmetry).
        au (np.ndarray): AU activations (``expressions.AU_NAMES`` order).
        blink (float): eye closure, 0 open .. 1 closed.
        gaze (tuple[float, float]): iris offset as a fraction of the free
            space in the eye.
        yaw (float): head yaw (-1..1); shifts inner features sideways.

    Returns:
        FaceGeometry: part positions in face units.
    """
    s = subject
    a = {name: float(au[i]) for name, i in AU.items()}
    side_gain = np.array([1.0 - s.asym, 1.0 + s.asym])
    shift = 0.18 * yaw

    # --- brows: AU1 inner raise, AU2 outer raise, AU4 lower + knit, AU9.
    brow = np.zeros((2, 4, 2))
    base_y = s.eye_y - s.brow_gap
    for k, sign in enumerate((-1.0, 1.0)):
        g = side_gain[k]
        inner_y = base_y - g * (0.13 * a['AU1'] - 0.09 * a['AU4'] -
                                0.035 * a['AU9'])
        outer_y = base_y + 0.025 - g * (0.13 * a['AU2'] + 0.025 * a['AU1'] -
                                        0.03 * a['AU4'])
        inner_x = max(0.06, s.eye_x - s.eye_w + 0.02 - 0.05 * a['AU4'])
        outer_x = s.eye_x + s.eye_w + 0.06
        xs = np.linspace(inner_x, outer_x, 4)
        ys = np.linspace(inner_y, outer_y, 4)
        arch = s.brow_arch + 0.03 * a['AU2'] - 0.02 * a['AU4']
        ys[1:3] -= arch
        brow[k, :, 0] = sign * xs + shift
        brow[k, :, 1] = ys

    # --- eyes: AU5 widens, AU6/AU7 raise the lower lid, blink closes.
    eye_c = np.array([[-s.eye_x + shift, s.eye_y], [s.eye_x + shift,
                                                    s.eye_y]])
    up_h = s.eye_up * (1 + 0.85 * a['AU5'] - 0.3 * a['AU7'] -
                       0.12 * a['AU4'] - 0.15 * a['AU6'])
    low_h = s.eye_low * (1 - 0.45 * a['AU6'] - 0.5 * a['AU7'] +
                         0.15 * a['AU5'])
    up_h = max(up_h, 0.01)
    low_h = max(low_h, 0.008)
    lid_up = eye_c[:, 1] - up_h
    lid_low = eye_c[:, 1] + low_h
    lid_up = lid_up + blink * (lid_low - 0.004 - lid_up)

    # --- nose: AU9 wrinkles and lifts the nostrils, AU10 too (less).
    nose_tip = np.array([1.5 * shift, s.nose_y - 0.02 * a['AU9']])
    nostril_w = s.nose_w * (1 + 0.25 * a['AU9'] + 0.1 * a['AU10'])
    nostril_y = s.nose_y + 0.04 - 0.045 * a['AU9'] - 0.02 * a['AU10']

    # --- mouth.
    mw = s.mouth_w * (1 + 0.2 * a['AU12'] + 0.3 * a['AU20'] -
                      0.2 * a['AU23'] - 0.04 * a['AU26'])
    corner = np.zeros((2, 2))
    for k, sign in enumerate((-1.0, 1.0)):
        g = side_gain[k]
        dy = g * (-0.11 * a['AU12'] + 0.1 * a['AU15'] + 0.025 * a['AU20'] +
                  0.03 * a['AU26'] - 0.02 * a['AU10'])
        corner[k] = (sign * mw * (1 + 0.05 * (g - 1)) + shift,
                     s.mouth_y + dy)
    up_in = s.mouth_y - 0.055 * a['AU10'] - 0.012 * a['AU12'] \
        - 0.02 * a['AU26']
    up_out = up_in - s.lip_up * max(
        0.25, 1 - 0.55 * a['AU23'] - 0.2 * a['AU20'] - 0.2 * a['AU12']) \
        - 0.015 * a['AU10']
    gap = (0.28 * a['AU26'] + 0.03 * max(a['AU12'] - 0.4, 0.0) +
           0.015 * a['AU20'])
    low_in = s.mouth_y + gap + 0.015 * a['AU15']
    low_out = low_in + s.lip_low * max(
        0.3, 1 - 0.55 * a['AU23'] - 0.25 * a['AU20'] - 0.15 * a['AU12'])
    teeth = max(0.0, min(low_in - up_in, 0.05 + 0.03 * a['AU10']) - 0.01)

    return FaceGeometry(
        brow=brow, brow_thick=s.brow_thick * (1 + 0.15 * a['AU4']),
        eye_c=eye_c, eye_w=s.eye_w, lid_up=lid_up, lid_low=lid_low,
        iris_r=s.iris_r, gaze=np.asarray(gaze, dtype=np.float64),
        nose_tip=nose_tip, nostril_w=nostril_w, nostril_y=nostril_y,
        mouth_c=np.array([shift, s.mouth_y]), corner=corner, up_out=up_out,
        up_in=up_in, low_in=low_in, low_out=low_out,
        chin_y=s.aspect + 0.2 * a['AU26'],
        wrinkle_forehead=float(np.clip(0.6 * (a['AU1'] + a['AU2']) - 0.2, 0,
                                       1)),
        wrinkle_glabella=float(np.clip(0.9 * a['AU4'] + 0.4 * a['AU9'] - 0.1,
                                       0, 1)),
        wrinkle_nose=float(np.clip(a['AU9'], 0, 1)),
        nasolabial=float(np.clip(0.15 + 0.6 * a['AU6'] + 0.5 * a['AU10'] +
                                 0.5 * a['AU12'] + 0.3 * a['AU9'], 0, 1)),
        cheek_raise=float(np.clip(a['AU6'], 0, 1.5)),
        teeth=teeth)


#: Names of the rows returned by :func:`landmarks`.
LANDMARK_NAMES: Tuple[str, ...] = (
    'brow_inner_l', 'brow_outer_l', 'brow_inner_r', 'brow_outer_r',
    'eye_top_l', 'eye_bottom_l', 'eye_top_r', 'eye_bottom_r',
    'nose_tip', 'mouth_corner_l', 'mouth_corner_r', 'upper_lip_top',
    'upper_lip_bottom', 'lower_lip_top', 'lower_lip_bottom', 'chin')


def landmarks(geom: FaceGeometry) -> np.ndarray:
    """Key points of a face (face units), rows as :data:`LANDMARK_NAMES`.

    Args:
        geom (FaceGeometry): the face.

    Returns:
        np.ndarray: (16, 2) points.
    """
    mx = geom.mouth_c[0]
    pts = [geom.brow[0, 0], geom.brow[0, 3], geom.brow[1, 0], geom.brow[1, 3],
           (geom.eye_c[0, 0], geom.lid_up[0]),
           (geom.eye_c[0, 0], geom.lid_low[0]),
           (geom.eye_c[1, 0], geom.lid_up[1]),
           (geom.eye_c[1, 0], geom.lid_low[1]),
           geom.nose_tip, geom.corner[0], geom.corner[1],
           (mx, geom.up_out), (mx, geom.up_in), (mx, geom.low_in),
           (mx, geom.low_out), (0.0, geom.chin_y)]
    return np.asarray(pts, dtype=np.float64)


def geometry_measures(geom: FaceGeometry, subject: Subject) -> Dict[str,
                                                                   float]:
    """Scalar expression measures relative to the subject's neutral face.

    Positive heights mean *up* in the image.

    Args:
        geom (FaceGeometry): the face.
        subject (Subject): its owner (defines the neutral reference).

    Returns:
        dict[str, float]: ``mouth_corner_height`` (corners above the
        neutral lip line), ``brow_inner_height``, ``brow_outer_height``
        (above the neutral brow line), ``eye_opening`` (lid distance),
        ``mouth_opening``, ``mouth_width``, ``lip_thickness``,
        ``brow_knit`` (inner brows moved toward the midline),
        ``nose_wrinkle``.
    """
    base_y = subject.eye_y - subject.brow_gap
    neutral_inner_x = max(0.06, subject.eye_x - subject.eye_w + 0.02)
    return {
        'mouth_corner_height': float(subject.mouth_y -
                                     geom.corner[:, 1].mean()),
        'brow_inner_height': float(base_y - geom.brow[:, 0, 1].mean()),
        'brow_outer_height': float(base_y + 0.025 -
                                   geom.brow[:, 3, 1].mean()),
        'eye_opening': float((geom.lid_low - geom.lid_up).mean()),
        'mouth_opening': float(geom.low_in - geom.up_in),
        'mouth_width': float(geom.corner[1, 0] - geom.corner[0, 0]),
        'lip_thickness': float((geom.up_in - geom.up_out) +
                               (geom.low_out - geom.low_in)),
        'brow_knit': float(neutral_inner_x -
                           np.abs(geom.brow[:, 0, 0] -
                                  geom.mouth_c[0]).mean()),
        'nose_wrinkle': geom.wrinkle_nose,
    }


# ----------------------------------------------------------------- drawing
def _mix(c1, c2, w: float) -> Tuple[int, int, int]:
    """Colour ``(1-w)*c1 + w*c2`` as an int BGR tuple."""
    w = float(np.clip(w, 0.0, 1.0))
    return tuple(int(round((1 - w) * a + w * b)) for a, b in zip(c1, c2))


def _scale(c, f: float) -> Tuple[int, int, int]:
    """Colour scaled by ``f`` (clipped)."""
    return tuple(int(min(255, max(0, round(v * f)))) for v in c)


def _fx(tf: FaceTransform, pts) -> np.ndarray:
    """Face-unit points -> fixed-point int32 pixel array for cv2."""
    p = np.asarray(pts, dtype=np.float64).reshape(-1, 2) @ tf._lin + tf._off
    return (p * _ONE + 0.5).astype(np.int32)


_GRIDS: Dict[int, Tuple[np.ndarray, np.ndarray]] = {}


def _grid(n: int) -> Tuple[np.ndarray, np.ndarray]:
    """Cached (t in [0, 1], 1 - (2t-1)^2) sample grids of n points."""
    if n not in _GRIDS:
        t = np.linspace(0.0, 1.0, n)
        _GRIDS[n] = (t, 1.0 - (2.0 * t - 1.0)**2)
    return _GRIDS[n]


def _curve(x0: float, x1: float, y_end0: float, y_end1: float, y_mid: float,
           mid_x: float, n: int = 9, power: float = 1.0) -> np.ndarray:
    """Points of a bulged curve between two end points.

    The curve interpolates the end heights linearly and adds a parabolic
    bump (raised to ``power``) so that it passes through ``y_mid`` at the
    middle of the span; ``mid_x`` is accepted for readability only (the
    bump is centred on the span).
    """
    t, bump = _grid(n)
    if power != 1.0:
        bump = bump**power
    base = y_end0 + (y_end1 - y_end0) * t
    out = np.empty((n, 2))
    out[:, 0] = x0 + (x1 - x0) * t
    out[:, 1] = base + (y_mid - 0.5 * (y_end0 + y_end1)) * bump
    return out


def _poly(img, tf, pts, color) -> None:
    cv2.fillPoly(img, [_fx(tf, pts)], color, _AA, _SHIFT)


def _line(img, tf, pts, color, thick_px: int = 1) -> None:
    cv2.polylines(img, [_fx(tf, pts)], False, color, max(1, thick_px), _AA,
                  _SHIFT)


def _ellipse(img, tf, centre, axes, color, angle: float = 0.0,
             start: int = 0, end: int = 360, thickness: int = -1) -> None:
    c = _fx(tf, centre)[0]
    ax = (max(1, int(round(axes[0] * tf.scale * _ONE))),
          max(1, int(round(axes[1] * tf.scale * _ONE))))
    cv2.ellipse(img, (int(c[0]), int(c[1])), ax,
                angle + np.degrees(tf.roll), start, end, color, thickness,
                _AA, _SHIFT)


def draw_head_background(img: np.ndarray, subject: Subject,
                         tf: FaceTransform) -> None:
    """Draw hair (back), neck, shoulders and ears: what lies behind the face.

    Args:
        img (np.ndarray): BGR uint8 canvas, modified in place.
        subject (Subject): appearance.
        tf (FaceTransform): head placement.
    """
    s = subject
    if s.hair_style == 1:   # long hair falls behind the face to the chin
        _ellipse(img, tf, (0, 0.05), (1.22, s.aspect + 0.25), s.hair)
    _poly(img, tf, [(-0.5, 0.6), (0.5, 0.6), (0.6, s.aspect + 0.9),
                    (-0.6, s.aspect + 0.9)], _scale(s.skin, 0.8))
    _ellipse(img, tf, (0, s.aspect + 1.35), (2.0, 0.75), s.shirt)
    ear_col = _scale(s.skin, 0.88)
    for sign in (-1, 1):
        _ellipse(img, tf, (sign * 0.97, s.eye_y + 0.12), (0.13, 0.24),
                 ear_col)


def draw_face(img: np.ndarray, geom: FaceGeometry, subject: Subject,
              tf: FaceTransform, draw_background: bool = True) -> None:
    """Render a face onto ``img`` in place.

    Args:
        img (np.ndarray): BGR uint8 canvas.
        geom (FaceGeometry): part positions.
        subject (Subject): appearance (colours, hair).
        tf (FaceTransform): placement (pixels).
        draw_background (bool): also draw hair, ears, neck and shoulders.
    """
    s = subject
    skin = s.skin
    dark = _scale(skin, 0.45)
    if draw_background:
        draw_head_background(img, s, tf)

    # face oval with 3-step shading (edges darker, centre lit).
    asp = s.aspect
    theta = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    ys = np.sin(theta) * asp
    ys = np.where(ys > 0, ys * (geom.chin_y / asp), ys)
    xs = np.cos(theta) * np.where(ys > 0, 1 - 0.18 * (ys / geom.chin_y)**2,
                                  1.0)
    oval = np.stack([xs, ys], 1)
    _poly(img, tf, oval, _scale(skin, 0.8))
    _poly(img, tf, oval * [0.9, 0.94], _scale(skin, 0.91))
    _poly(img, tf, oval * [0.72, 0.8] + [0, -0.05], skin)

    # hair cap / fringe.
    top = -asp
    if s.hair_style != 2:
        fringe = top + 0.42 + 0.08 * (s.hair_style == 1)
        cap = _curve(-1.02, 1.02, s.eye_y - 0.05, s.eye_y - 0.05, top - 0.12,
                     0.0, n=15, power=0.5)
        hair_line = _curve(-1.02, 1.02, s.eye_y - 0.05, s.eye_y - 0.05,
                           fringe, 0.0, n=15, power=0.15)
        _poly(img, tf, np.concatenate([cap, hair_line[::-1]]), s.hair)
    else:
        _ellipse(img, tf, (0, top + 0.28), (0.93, 0.42), _mix(skin, s.hair,
                                                                 0.55),
                 start=180, end=360)

    # forehead wrinkles (AU1+2) and brow furrows (AU4/9).
    if geom.wrinkle_forehead > 0.05:
        col = _mix(skin, dark, 0.55 * geom.wrinkle_forehead)
        by = min(geom.brow[0, 1, 1], geom.brow[1, 1, 1])
        for k in range(2):
            y = by - 0.1 - 0.085 * k
            _line(img, tf, _curve(-0.45, 0.45, y + 0.02, y + 0.02, y, 0.0,
                                  n=7), col)
    if geom.wrinkle_glabella > 0.05:
        col = _mix(skin, dark, 0.6 * geom.wrinkle_glabella)
        y0 = min(geom.brow[0, 0, 1], geom.brow[1, 0, 1])
        cx = geom.mouth_c[0]
        for sign in (-1, 1):
            _line(img, tf, [(cx + sign * 0.045, y0 - 0.06),
                            (cx + sign * 0.035, y0 + 0.08)], col)

    # eye sockets (shadow) and cheeks (AU6 moves them up).
    socket = _scale(skin, 0.84)
    cheek = _mix(skin, s.lip, 0.15 + 0.15 * geom.cheek_raise)
    for k in range(2):
        ex, ey = geom.eye_c[k]
        _ellipse(img, tf, (ex, ey - 0.035), (geom.eye_w + 0.07, 0.13),
                 socket)
        _ellipse(img, tf, (ex * 0.95, ey + 0.3 - 0.07 * geom.cheek_raise),
                 (0.17 + 0.03 * geom.cheek_raise,
                  0.1 + 0.02 * geom.cheek_raise), cheek)

    # brows.
    for k in range(2):
        line = geom.brow[k]
        half = 0.5 * geom.brow_thick
        taper = np.array([1.0, 1.0, 0.85, 0.5])[:, None]
        upper = line - [0, half] * taper
        lower = line + [0, half] * taper
        _poly(img, tf, np.concatenate([upper, lower[::-1]]), s.hair)

    # eyes.
    for k in range(2):
        _draw_eye(img, geom, s, tf, k)

    # nose.
    nx, ny = geom.nose_tip
    nose_shadow = _scale(skin, 0.78)
    for sign in (-1, 1):
        _line(img, tf, [(nx * 0.4 + sign * 0.075, s.eye_y + 0.03),
                        (nx * 0.8 + sign * 0.085, ny - 0.1),
                        (nx + sign * geom.nostril_w * 1.05,
                         geom.nostril_y - 0.02)], nose_shadow)
        _ellipse(img, tf, (nx + sign * geom.nostril_w * 0.55,
                           geom.nostril_y), (0.045, 0.022), _scale(skin,
                                                                   0.5))
    _ellipse(img, tf, (nx, ny - 0.03), (0.07, 0.05), _scale(skin, 1.06))
    if geom.wrinkle_nose > 0.05:
        col = _mix(skin, dark, 0.7 * geom.wrinkle_nose)
        for k in range(3):
            y = s.eye_y + 0.01 + 0.045 * k
            _line(img, tf, [(nx * 0.5 - 0.09, y), (nx * 0.5, y - 0.015),
                            (nx * 0.5 + 0.09, y)], col)

    # nasolabial folds.
    col = _mix(skin, dark, 0.55 * geom.nasolabial)
    for k, sign in enumerate((-1, 1)):
        cx, cy = geom.corner[k]
        _line(img, tf, [(nx + sign * (geom.nostril_w + 0.06),
                         geom.nostril_y - 0.04),
                        (cx + sign * 0.1, 0.5 * (geom.nostril_y + cy)),
                        (cx + sign * 0.07, cy + 0.06)], col)

    _draw_mouth(img, geom, s, tf)


def _draw_eye(img: np.ndarray, geom: FaceGeometry, s: Subject,
              tf: FaceTransform, k: int) -> None:
    """Sclera, clipped iris/pupil and lids of eye ``k``."""
    ex, ey = geom.eye_c[k]
    w = geom.eye_w
    up = _curve(ex - w, ex + w, ey, ey, geom.lid_up[k], ex, n=9, power=0.8)
    low = _curve(ex - w, ex + w, ey, ey, geom.lid_low[k], ex, n=9)
    opening = np.concatenate([up, low[::-1]])
    lid_col = _scale(s.skin, 0.35)
    if geom.lid_low[k] - geom.lid_up[k] > 0.012:
        pts = _fx(tf, opening)
        x0, y0 = (pts.min(0) >> _SHIFT) - 1
        x1, y1 = (pts.max(0) >> _SHIFT) + 2
        h, wid = img.shape[:2]
        x0, y0 = max(x0, 0), max(y0, 0)
        x1, y1 = min(x1, wid), min(y1, h)
        if x1 > x0 and y1 > y0:
            roi = img[y0:y1, x0:x1]
            off = np.array([x0, y0]) * _ONE
            mask = np.zeros(roi.shape[:2], np.uint8)
            cv2.fillPoly(mask, [pts - off], 255, _AA, _SHIFT)
            layer = np.empty_like(roi)
            layer[:] = (225, 232, 236)
            free_x = max(w - geom.iris_r, 0.0)
            ic = np.array([ex + geom.gaze[0] * free_x * 0.6,
                           ey + geom.gaze[1] * 0.02])
            c = _fx(tf, ic)[0] - off
            r = int(round(geom.iris_r * tf.scale * _ONE))
            cv2.circle(layer, (int(c[0]), int(c[1])), r, s.iris, -1, _AA,
                       _SHIFT)
            cv2.circle(layer, (int(c[0]), int(c[1])), max(1, r // 2),
                       (15, 15, 15), -1, _AA, _SHIFT)
            alpha = mask.astype(np.float32)[..., None] * (1.0 / 255.0)
            roi[:] = (roi * (1 - alpha) + layer * alpha).astype(np.uint8)
    _line(img, tf, up, lid_col, 1 if tf.scale < 40 else 2)
    _line(img, tf, low, _scale(s.skin, 0.6), 1)
    if geom.cheek_raise > 0.2:   # AU6 lower-lid crease
        crease = low + [0, 0.04]
        _line(img, tf, crease, _mix(s.skin, lid_col,
                                    0.35 * geom.cheek_raise))


def _draw_mouth(img: np.ndarray, geom: FaceGeometry, s: Subject,
                tf: FaceTransform) -> None:
    """Lips, mouth interior and teeth."""
    (lx, ly), (rx, ry) = geom.corner
    mx = geom.mouth_c[0]
    up_out = _curve(lx, rx, ly, ry, geom.up_out, mx, n=11, power=0.7)
    up_out[5, 1] += 0.012    # cupid's bow dip
    up_in = _curve(lx, rx, ly, ry, geom.up_in, mx, n=11)
    low_in = _curve(lx, rx, ly, ry, geom.low_in, mx, n=11)
    low_out = _curve(lx, rx, ly, ry, geom.low_out, mx, n=11, power=0.8)
    _poly(img, tf, np.concatenate([up_out, low_out[::-1]]), s.lip)
    line_col = _scale(s.lip, 0.45)
    if geom.low_in - geom.up_in > 0.012:
        inner = np.concatenate([up_in, low_in[::-1]])
        _poly(img, tf, inner, (30, 25, 45))
        if geom.teeth > 0.005:
            teeth_low = up_in + [0, geom.teeth]
            teeth_low[:, 1] = np.minimum(teeth_low[:, 1], low_in[:, 1])
            _poly(img, tf, np.concatenate([up_in[1:-1], teeth_low[-2:0:-1]]),
                  (215, 225, 230))
        _line(img, tf, inner, line_col)
    else:
        _line(img, tf, up_in, line_col)
    # shadow under the lower lip
    _line(img, tf, low_out[3:8] + [0, 0.05], _scale(s.skin, 0.8))
