"""Errors and the skip policy shared by the DFER dataset classes."""
import logging
from typing import List, Optional

from mmengine.logging import print_log


class DFERDatasetError(ValueError):
    """A problem in a DFER annotation file or frame tree.

    The message always names the offending file and, when the problem is in a
    split file, the 1-based line number.

    Args:
        msg (str): What is wrong.
        path (str, optional): The file (or folder) concerned.
        line (int, optional): 1-based line number inside ``path``.
    """

    def __init__(self,
                 msg: str,
                 path: Optional[str] = None,
                 line: Optional[int] = None) -> None:
        self.msg = msg
        self.path = path
        self.line = line
        where = ''
        if path is not None:
            where = f'{path}'
            if line is not None:
                where += f':{line}'
            where += ': '
        super().__init__(where + msg)


ON_MISSING_POLICIES = ('error', 'skip')


class SkipCounter:
    """Counts and logs annotation rows skipped under ``on_missing='skip'``.

    Args:
        dataset (str): Dataset name used in the log message.
        policy (str): ``'error'`` raises :class:`DFERDatasetError` on the
            first problem, ``'skip'`` drops the row, counts it and logs a
            summary (plus the first few reasons) at the end.
    """

    def __init__(self, dataset: str, policy: str = 'error') -> None:
        if policy not in ON_MISSING_POLICIES:
            raise ValueError(f'on_missing must be one of '
                             f'{ON_MISSING_POLICIES}, got {policy!r}')
        self.dataset = dataset
        self.policy = policy
        self.reasons: List[str] = []

    def __call__(self, msg: str, path: Optional[str] = None,
                 line: Optional[int] = None) -> None:
        """Raise or record one problem."""
        err = DFERDatasetError(msg, path, line)
        if self.policy == 'error':
            raise err
        self.reasons.append(str(err))

    @property
    def count(self) -> int:
        """Number of skipped rows."""
        return len(self.reasons)

    def report(self, max_shown: int = 5) -> None:
        """Log how many rows were skipped and why (first ``max_shown``)."""
        if not self.reasons:
            return
        shown = '\n  '.join(self.reasons[:max_shown])
        more = len(self.reasons) - max_shown
        tail = f'\n  ... and {more} more' if more > 0 else ''
        print_log(
            f'{self.dataset}: skipped {len(self.reasons)} annotation rows '
            f"(on_missing='skip'):\n  {shown}{tail}",
            logger='current',
            level=logging.WARNING)
