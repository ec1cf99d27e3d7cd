"""Face geometry: AU activations -> positions of the face parts, landmarks.

Coordinates are in *face units*: origin at the face centre, x to the
subject's left in the image (right of the picture), y downward, 1 unit = the
face half-width.  :class:`FaceTransform` maps face units to pixels (head
position, size, roll); :mod:`.draw` renders a :class:`FaceGeometry`.
"""
from dataclasses import dataclass
from typing import Dict, Tuple

import numpy as np

from .expressions import AU
from .subjects import Subject

_T4 = np.linspace(0.0, 1.0, 4)


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
        inner_y = base_y - g * (0.17 * a['AU1'] - 0.12 * a['AU4'] -
                                0.04 * a['AU9'])
        outer_y = base_y + 0.025 - g * (0.17 * a['AU2'] + 0.03 * a['AU1'] -
                                        0.04 * a['AU4'])
        inner_x = max(0.06, s.eye_x - s.eye_w + 0.02 - 0.07 * a['AU4'])
        outer_x = s.eye_x + s.eye_w + 0.06
        xs = inner_x + (outer_x - inner_x) * _T4
        ys = inner_y + (outer_y - inner_y) * _T4
        arch = s.brow_arch + 0.03 * a['AU2'] - 0.02 * a['AU4']
        ys[1:3] -= arch
        brow[k, :, 0] = sign * xs + shift
        brow[k, :, 1] = ys

    # --- eyes: AU5 widens, AU6/AU7 raise the lower lid, blink closes.
    eye_c = np.array([[-s.eye_x + shift, s.eye_y], [s.eye_x + shift,
                                                    s.eye_y]])
    up_h = s.eye_up * (1 + 1.1 * a['AU5'] - 0.3 * a['AU7'] -
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
    mw = s.mouth_w * (1 + 0.22 * a['AU12'] + 0.35 * a['AU20'] -
                      0.2 * a['AU23'] - 0.04 * a['AU26'])
    corner = np.zeros((2, 2))
    for k, sign in enumerate((-1.0, 1.0)):
        g = side_gain[k]
        dy = g * (-0.16 * a['AU12'] + 0.14 * a['AU15'] + 0.025 * a['AU20'] +
                  0.03 * a['AU26'] - 0.02 * a['AU10'])
        corner[k] = (sign * mw * (1 + 0.05 * (g - 1)) + shift,
                     s.mouth_y + dy)
    up_in = s.mouth_y - 0.055 * a['AU10'] - 0.012 * a['AU12'] \
        - 0.02 * a['AU26']
    up_out = up_in - s.lip_up * max(
        0.25, 1 - 0.55 * a['AU23'] - 0.2 * a['AU20'] - 0.2 * a['AU12']) \
        - 0.015 * a['AU10']
    gap = (0.34 * a['AU26'] + 0.03 * max(a['AU12'] - 0.4, 0.0) +
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
        chin_y=s.aspect + 0.24 * a['AU26'],
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
