"""Corrupted test pipelines: corruption selection and in-place switching.

The robustness grid (:func:`mmhdf.apis.robustness.evaluate_robustness`)
inserts :class:`~mmhdf.datasets.transforms.DFERCorruption` right after the
decode step of the config's own test pipeline; :class:`PipelineSwitch`
swaps the pipelines of an already built test dataset, so the dataset is
built once for the whole grid.
"""
import copy
from typing import Any, List, Optional, Sequence, Union

from mmengine.dataset import Compose

from mmhdf.datasets.transforms.corruptions import (CORRUPTIONS, CATEGORIES,
                                                   SEVERITIES,
                                                   DFERCorruption,
                                                   check_severity,
                                                   get_corruption)
from mmhdf.datasets.wrappers import leaf_datasets

#: transforms that turn a sample into decoded frames (``imgs``)
DECODE_TYPES = ('DFERFrameDecode', 'RawFrameDecode', 'DecordDecode',
                'SafeDecordDecode', 'PyAVDecode', 'OpenCVDecode',
                'PIMSDecode', 'ImageDecode')


# ------------------------------------------------------------- arguments
def parse_corruptions(spec: Union[str, Sequence[str], None]) -> List[str]:
    """Resolve a corruption selection.

    Args:
        spec (str | Sequence[str] | None): ``'all'`` / ``None`` (every
            registered corruption), a comma-separated string or a list of
            names and category names (``'temporal'`` = all temporal ones).

    Returns:
        list[str]: names, in registry order, without duplicates.
    """
    if spec is None or spec == 'all':
        return list(CORRUPTIONS)
    items = spec.split(',') if isinstance(spec, str) else list(spec)
    chosen = set()
    for item in (i.strip() for i in items):
        if not item:
            continue
        if item == 'all':
            chosen.update(CORRUPTIONS)
        elif item in CATEGORIES:
            chosen.update(n for n, s in CORRUPTIONS.items()
                          if s.category == item)
        else:
            chosen.add(get_corruption(item).name)
    if not chosen:
        raise ValueError(f'no corruption selected by {spec!r}')
    return [n for n in CORRUPTIONS if n in chosen]


def parse_severities(spec: Union[str, int, Sequence[int], None]) -> List[int]:
    """Resolve a severity selection: ``'1-5'``, ``'1,3,5'``, ``3`` or a list.

    Args:
        spec (str | int | Sequence[int] | None): the selection (``None`` =
            1..5).

    Returns:
        list[int]: sorted unique severities in 1..5.
    """
    if spec is None:
        return list(SEVERITIES)
    if isinstance(spec, int):
        return [check_severity(spec)]
    if isinstance(spec, str):
        out = []
        for part in (p.strip() for p in spec.split(',') if p.strip()):
            if '-' in part:
                lo, hi = (int(x) for x in part.split('-', 1))
                out.extend(range(lo, hi + 1))
            else:
                out.append(int(part))
        spec = out
    sevs = sorted({check_severity(s) for s in spec})
    if not sevs:
        raise ValueError('no severity selected')
    return sevs


# ---------------------------------------------------------------- pipeline
def type_name(step: Any) -> str:
    """The type name of a transform config (``dict(type=...)``) or object.

    Args:
        step: A transform config or a transform object.

    Returns:
        str: e.g. ``'DFERFrameDecode'``.
    """
    if isinstance(step, dict):
        t = step.get('type', '')
        return t if isinstance(t, str) else getattr(t, '__name__', str(t))
    return type(step).__name__


def find_decode_index(pipeline: Sequence[Any]) -> int:
    """Index of the (last) decode step of a pipeline (configs or objects).

    Args:
        pipeline (Sequence): transform configs (``dict(type=...)``) or
            transform objects.

    Returns:
        int: index of the step producing ``imgs``.

    Raises:
        ValueError: when no step is one of :data:`DECODE_TYPES`.
    """
    hits = [i for i, s in enumerate(pipeline)
            if type_name(s).split('.')[-1] in DECODE_TYPES]
    if not hits:
        raise ValueError(
            'no decode step in the test pipeline (looked for '
            f'{", ".join(DECODE_TYPES)}); steps: '
            f'{[type_name(s) for s in pipeline]}')
    return hits[-1]


def insert_corruption(pipeline: Sequence[Any], name: str, severity: int,
                      seed: Optional[int] = 0) -> list:
    """A copy of ``pipeline`` with ``DFERCorruption`` after the decode step.

    Works on config lists (inserts a dict) and on transform-object lists
    (inserts a transform object).

    Args:
        pipeline (Sequence): the clean test pipeline.
        name (str): corruption name.
        severity (int): 1..5.
        seed (int, optional): corruption seed.

    Returns:
        list: the corrupted pipeline (the input is not modified).
    """
    k = find_decode_index(pipeline)
    if all(isinstance(s, dict) for s in pipeline):
        step: Any = dict(type='DFERCorruption', name=name,
                         severity=int(severity), seed=seed)
        pipeline = copy.deepcopy(list(pipeline))
    else:
        step = DFERCorruption(name, severity, seed=seed)
        pipeline = list(pipeline)
    return pipeline[:k + 1] + [step] + pipeline[k + 1:]


class PipelineSwitch:
    """Switch the corruption of an already built test dataset in place.

    Args:
        dataset: the built test dataset (wrappers are unwrapped with
            :func:`~mmhdf.datasets.wrappers.leaf_datasets`).
    """

    def __init__(self, dataset: Any) -> None:
        self.leaves = list(leaf_datasets(dataset))
        for leaf in self.leaves:
            if not hasattr(leaf, 'pipeline'):
                raise TypeError(f'{type(leaf).__name__} has no pipeline')
        self.clean = [list(d.pipeline.transforms) for d in self.leaves]
        for steps in self.clean:
            find_decode_index(steps)  # fail early

    def set(self, name: Optional[str], severity: int = 1,
            seed: Optional[int] = 0) -> None:
        """Use the clean pipeline (``name=None``) or a corrupted one."""
        for leaf, steps in zip(self.leaves, self.clean):
            if name is None:
                leaf.pipeline = Compose(list(steps))
            else:
                leaf.pipeline = Compose(
                    insert_corruption(steps, name, severity, seed))
