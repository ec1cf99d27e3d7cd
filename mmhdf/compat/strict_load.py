"""Refuse a checkpoint that does not match the model (unless opted in).

mmengine's ``Runner.load_checkpoint`` (``load_from``, ``tools/test.py``,
``--resume``) loads with ``strict=False``: parameters with other names or
shapes are skipped with a warning, and the run goes on with randomly
initialised weights for them. A test of the wrong checkpoint then prints
numbers as if nothing happened. :class:`StrictLoadHook` compares the
checkpoint with the model in ``after_load_checkpoint`` (before any weight is
copied) and raises :class:`CheckpointMismatchError` listing the first
missing keys, unexpected keys and shape mismatches. ``allow_partial=True``
(``--allow-partial`` in mmhdf's tools) loads the matching part anyway, with
a warning, and the report says so.

Pretrained-backbone initialisation (``model.backbone.pretrained=...``) goes
through ``init_weights``, not the runner, and stays partial by design.
"""
import re
from dataclasses import dataclass, field
from typing import Iterable, List, Mapping, Optional, Sequence, Tuple

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmaction.registry import HOOKS

#: Runner.load_checkpoint's default key revision (DataParallel prefix).
DEFAULT_REVISE_KEYS = ((r'^module\.', ''), )


class CheckpointMismatchError(RuntimeError):
    """Raised when a checkpoint's parameters do not match the model."""


@dataclass
class LoadReport:
    """How a checkpoint's state dict matches a model's.

    Attributes:
        missing (list[str]): Model keys absent from the checkpoint.
        unexpected (list[str]): Checkpoint keys the model does not have.
        shape_mismatch (list[tuple]): ``(key, checkpoint shape, model
            shape)`` for keys present in both with different shapes.
        allowed_partial (bool): Whether partial loading was allowed.
    """
    missing: List[str] = field(default_factory=list)
    unexpected: List[str] = field(default_factory=list)
    shape_mismatch: List[Tuple[str, tuple, tuple]] = field(
        default_factory=list)
    allowed_partial: bool = False

    @property
    def matches(self) -> bool:
        """True when every key and shape matches."""
        return not (self.missing or self.unexpected or self.shape_mismatch)

    def counts(self) -> str:
        """E.g. ``'0 missing, 0 unexpected, 155 shape mismatches'``."""
        return (f'{len(self.missing)} missing, {len(self.unexpected)} '
                f'unexpected, {len(self.shape_mismatch)} shape mismatches')

    def describe(self) -> str:
        """One protocol field: ``strict`` or ``partial allowed (...)``."""
        if not self.allowed_partial:
            return 'strict'
        if self.matches:
            return 'partial allowed (all keys matched)'
        return f'PARTIAL (allowed: {self.counts()})'


def _revise(keys: Iterable[str],
            revise_keys: Sequence[Tuple[str, str]]) -> List[str]:
    out = []
    for k in keys:
        for pattern, repl in revise_keys:
            k = re.sub(pattern, repl, k)
        out.append(k)
    return out


def compare_state_dict(model: torch.nn.Module, state_dict: Mapping,
                       revise_keys: Sequence[Tuple[str, str]] = (
                           DEFAULT_REVISE_KEYS)) -> LoadReport:
    """Compare a checkpoint's state dict with ``model.state_dict()``.

    Missing ``num_batches_tracked`` buffers are ignored, as mmengine does.

    Args:
        model (torch.nn.Module): The (unwrapped) model.
        state_dict (Mapping): The checkpoint's ``state_dict``.
        revise_keys (Sequence): ``(pattern, replacement)`` pairs applied to
            the checkpoint keys, as in ``Runner.load_checkpoint``.

    Returns:
        LoadReport: The mismatches (empty lists when all match).
    """
    ckpt = dict(zip(_revise(state_dict.keys(), revise_keys),
                    state_dict.values()))
    own = model.state_dict()
    report = LoadReport()
    report.missing = [k for k in own if k not in ckpt
                      and not k.endswith('num_batches_tracked')]
    report.unexpected = [k for k in ckpt if k not in own]
    for k, v in ckpt.items():
        if k in own and hasattr(v, 'shape') and \
                tuple(v.shape) != tuple(own[k].shape):
            report.shape_mismatch.append(
                (k, tuple(v.shape), tuple(own[k].shape)))
    return report


def mismatch_message(source: str, report: LoadReport, limit: int = 5) -> str:
    """The refusal message, listing the first ``limit`` of each kind.

    Args:
        source (str): The checkpoint path or URL.
        report (LoadReport): What :func:`compare_state_dict` found.
        limit (int): How many keys of each kind to list.

    Returns:
        str: A multi-line message.
    """
    lines = [f'Checkpoint {source} does not match the model '
             f'({report.counts()}).']

    def add(title: str, items: List[str]) -> None:
        if items:
            more = f' (+{len(items) - limit} more)' if len(
                items) > limit else ''
            lines.append(f'  {title}: {", ".join(items[:limit])}{more}')

    add('missing keys', report.missing)
    add('unexpected keys', report.unexpected)
    add('shape mismatches', [
        f'{k} checkpoint {list(a)} vs model {list(b)}'
        for k, a, b in report.shape_mismatch])
    lines.append(
        'Refusing to load it partially: the listed parameters would keep '
        'their random initialisation. Check that the config matches the '
        'checkpoint, or load the matching part deliberately with '
        '--allow-partial (mmhdf tools/train.py, tools/test.py) / '
        'default_hooks.strict_load.allow_partial=True.')
    return '\n'.join(lines)


@HOOKS.register_module()
class StrictLoadHook(Hook):
    """Check every checkpoint the runner loads against the model.

    Runs in ``after_load_checkpoint``, which ``Runner.load_checkpoint``
    calls (for ``load_from``, testing and ``--resume``) before it copies
    weights into the model. mmhdf's base runtime config enables it as
    ``default_hooks.strict_load``.

    Args:
        allow_partial (bool): Load a mismatching checkpoint anyway (with a
            warning) instead of raising. Defaults to False.

    Attributes:
        last_report (LoadReport, optional): The last comparison, read by
            ``tools/test.py`` for the protocol line.
    """

    priority = 'VERY_LOW'

    def __init__(self, allow_partial: bool = False) -> None:
        self.allow_partial = allow_partial
        self.last_report: Optional[LoadReport] = None

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Compare, then raise or warn on a mismatch.

        Args:
            runner: The mmengine runner.
            checkpoint (dict): The loaded checkpoint.

        Raises:
            CheckpointMismatchError: On a mismatch without ``allow_partial``.
        """
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        state_dict = checkpoint.get('state_dict', checkpoint)
        report = compare_state_dict(model, state_dict)
        report.allowed_partial = self.allow_partial
        self.last_report = report
        if report.matches:
            return
        source = getattr(runner, '_load_from', None) or 'the checkpoint'
        message = mismatch_message(str(source), report)
        if not self.allow_partial:
            raise CheckpointMismatchError(message)
        runner.logger.warning(
            message.rsplit('\n', 1)[0] + '\nLoading the matching part '
            'anyway (partial loading allowed).')
