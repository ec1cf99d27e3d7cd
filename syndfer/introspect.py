"""Introspection helpers: what a class looks like at apex, in numbers."""
from typing import Dict, Optional, Union

from .classes import CLASS_NAMES
from .expressions import prototype
from .face import face_geometry, geometry_measures
from .subjects import Subject, neutral_subject


def apex_measures(label: Union[int, str], subject: Optional[Subject] = None,
                  intensity: float = 1.0,
                  with_rest_bias: bool = True) -> Dict[str, float]:
    """Geometric measures of a class's apex face for a subject.

    Args:
        label (int | str): 0-based class or class name.
        subject (Subject | None): the person (default: an average subject
            without resting bias).
        intensity (float): expression intensity (1 = prototype).
        with_rest_bias (bool): add the subject's resting-face bias, as the
            renderer does.

    Returns:
        dict[str, float]: :func:`~.face.geometry_measures` of the apex face
        (e.g. ``mouth_corner_height``, ``brow_inner_height``), relative to
        the subject's neutral geometry, in face half-widths.
    """
    name = CLASS_NAMES[label] if isinstance(label, int) else label
    subject = subject or neutral_subject()
    au = prototype(name) * intensity
    if with_rest_bias:
        au = au + subject.rest_au
    return geometry_measures(face_geometry(subject, au), subject)
