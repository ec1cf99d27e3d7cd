"""An exclusive lock on a training work dir, naming its holder.

Two trainings writing the same work dir overwrite each other's checkpoints
and ``last_checkpoint``. :class:`WorkDirLock` takes an ``fcntl.flock`` on
``<work_dir>/.mmhdf_train.lock`` and writes the holder's pid, host and
command line into it. The kernel drops the lock when the holder exits, even
on SIGKILL, so a lock left by a dead process is free: it is taken over, and
:meth:`WorkDirLock.acquire` returns the dead holder's record so the caller
can warn. ``flock`` works on local file systems and NFSv4.
"""
import fcntl
import json
import os
import os.path as osp
import socket
import sys
import time
from typing import Dict, Optional, Tuple

LOCK_NAME = '.mmhdf_train.lock'
# Locks this process holds, by real path: a run that raised (no after_run)
# keeps its lock until the process exits, and a later run of the same
# process on the same work dir (a retry in a notebook or a sweep) reuses it.
_HELD: Dict[str, 'WorkDirLock'] = {}


class WorkDirLockedError(RuntimeError):
    """Raised when another live process holds the work-dir lock."""


def _holder_text(info: Optional[dict]) -> str:
    if not info:
        return 'another process (no holder record)'
    return (f'pid {info.get("pid")} on host {info.get("host")} (started '
            f'{info.get("started")}: {info.get("command")})')


class WorkDirLock:
    """Exclusive, process-lifetime lock on one work dir.

    Args:
        work_dir (str): The folder to lock (created if needed).
    """

    def __init__(self, work_dir: str) -> None:
        self.work_dir = work_dir
        self.path = osp.join(work_dir, LOCK_NAME)
        self._fd: Optional[int] = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    @staticmethod
    def _read(fd: int) -> Optional[dict]:
        os.lseek(fd, 0, os.SEEK_SET)
        raw = b''
        while True:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            raw += chunk
        try:
            return json.loads(raw.decode()) if raw.strip() else None
        except ValueError:
            return None

    def _open_locked(self) -> int:
        """Open the lock file and flock it; retries if it was replaced."""
        for _ in range(5):
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = self._read(fd)
                os.close(fd)
                raise WorkDirLockedError(
                    f'work dir {self.work_dir} is in use by '
                    f'{_holder_text(holder)}. Two runs in one work dir '
                    'overwrite each other\'s checkpoints: wait for it to '
                    'finish, stop it, or use another --work-dir.') from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                return fd
            os.close(fd)  # the holder removed the file as we opened it
        raise WorkDirLockedError(f'could not lock {self.path} (it keeps '
                                 'being replaced)')

    def acquire(self) -> Optional[dict]:
        """Take the lock.

        Returns:
            dict or None: The record of a dead holder whose stale lock was
            taken over, or None.

        Raises:
            WorkDirLockedError: If a live process holds it; the message
                names its pid and host.
        """
        if self.held:
            return None
        os.makedirs(self.work_dir, exist_ok=True)
        fd = self._open_locked()
        previous = self._read(fd)
        record = dict(pid=os.getpid(), host=socket.gethostname(),
                      started=time.strftime('%Y-%m-%d %H:%M:%S'),
                      command=' '.join(sys.argv))
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, json.dumps(record).encode())
        os.fsync(fd)
        self._fd = fd
        return previous

    def release(self) -> None:
        """Remove the lock file and drop the lock (no-op if not held)."""
        if self._fd is None:
            return
        try:
            os.remove(self.path)
        except FileNotFoundError:
            pass
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> 'WorkDirLock':
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def lock_work_dir(work_dir: str) -> Tuple[WorkDirLock, Optional[dict]]:
    """Lock ``work_dir`` for this process (re-entrant within the process).

    Args:
        work_dir (str): The folder.

    Returns:
        tuple: ``(lock, stale holder record or None)``.

    Raises:
        WorkDirLockedError: If another live process holds it.
    """
    key = osp.realpath(work_dir)
    lock = _HELD.get(key)
    if lock is not None and lock.held:
        return lock, None
    lock = WorkDirLock(work_dir)
    stale = lock.acquire()
    _HELD[key] = lock
    return lock, stale


def unlock_work_dir(lock: WorkDirLock) -> None:
    """Release a lock taken with :func:`lock_work_dir`.

    Args:
        lock (WorkDirLock): The lock.
    """
    _HELD.pop(osp.realpath(lock.work_dir), None)
    lock.release()


def describe_holder(info: Optional[dict]) -> str:
    """Human-readable holder record (``pid ... on host ...``).

    Args:
        info (dict, optional): A record returned by
            :meth:`WorkDirLock.acquire`.

    Returns:
        str: The description.
    """
    return _holder_text(info)
