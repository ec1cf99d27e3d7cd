"""Pick the checkpoint ``--resume`` continues from, robust to crashes.

mmengine's auto-resume reads ``<work_dir>/last_checkpoint`` and trusts it. If
the job died while saving, that file may be missing or empty, or name a file
that was deleted or is truncated; mmengine then fails (or starts from
scratch). :func:`resolve_auto_resume` keeps mmengine's choice whenever it is
a complete file and otherwise falls back to the newest complete periodic
checkpoint (``epoch_N.pth`` / ``iter_N.pth``, by number, never by string
order), saying why.
"""
import os
import os.path as osp
import re
from typing import List, NamedTuple, Optional, Tuple

from .checkpoint_integrity import checkpoint_problem

LAST_CHECKPOINT = 'last_checkpoint'


class ResumeChoice(NamedTuple):
    """The outcome of :func:`resolve_auto_resume`.

    Attributes:
        path (str, optional): The checkpoint to resume, None for none.
        reason (str): Why, in words (for the log).
        fallback (bool): True when ``last_checkpoint`` was not usable.
    """
    path: Optional[str]
    reason: str
    fallback: bool


def numbered_checkpoints(folder: str, filename_tmpl: str) -> List[
        Tuple[int, str]]:
    """Checkpoints named by ``filename_tmpl`` in ``folder``, newest first.

    Args:
        folder (str): The folder.
        filename_tmpl (str): e.g. ``'epoch_{}.pth'``.

    Returns:
        list: ``(number, path)`` pairs sorted by number, descending.
    """
    if not osp.isdir(folder):
        return []
    head, _, tail = filename_tmpl.partition('{}')
    pattern = re.compile(re.escape(head) + r'(\d+)' + re.escape(tail) + '$')
    found = []
    for name in os.listdir(folder):
        m = pattern.match(name)
        if m:
            found.append((int(m.group(1)), osp.join(folder, name)))
    return sorted(found, reverse=True)


def _read_last(work_dir: str) -> Tuple[Optional[str], Optional[str]]:
    path = osp.join(work_dir, LAST_CHECKPOINT)
    if not osp.isfile(path):
        return None, f'{path} is missing'
    with open(path) as f:
        target = f.read().strip()
    if not target:
        return None, f'{path} is empty'
    return target, None


def resolve_auto_resume(work_dir: str, folders: List[str],
                        filename_tmpl: str) -> ResumeChoice:
    """The checkpoint an automatic ``--resume`` should load.

    Args:
        work_dir (str): The run's work dir (holds ``last_checkpoint``).
        folders (list[str]): Where periodic checkpoints are saved.
        filename_tmpl (str): Their name template, e.g. ``'epoch_{}.pth'``.

    Returns:
        ResumeChoice: ``last_checkpoint``'s target when that is complete,
        else the newest complete numbered checkpoint, else None (start from
        scratch).
    """
    target, why = _read_last(work_dir)
    if target is not None:
        problem = checkpoint_problem(target, verify_crc=True)
        if problem is None:
            return ResumeChoice(target, f'{LAST_CHECKPOINT} names {target}',
                                False)
        why = f'{LAST_CHECKPOINT} names {target}, which is {problem}'
    candidates = sorted(
        {c for folder in folders
         for c in numbered_checkpoints(folder, filename_tmpl)},
        reverse=True)
    skipped = []
    for _, path in candidates:
        problem = checkpoint_problem(path, verify_crc=True)
        if problem is None:
            note = f'; skipped {", ".join(skipped)}' if skipped else ''
            return ResumeChoice(
                path, f'{why}; falling back to the newest complete '
                f'checkpoint {path}{note}', True)
        skipped.append(f'{osp.basename(path)} ({problem})')
    note = f' (skipped {", ".join(skipped)})' if skipped else ''
    return ResumeChoice(
        None, f'{why} and no complete checkpoint was found{note}', True)
