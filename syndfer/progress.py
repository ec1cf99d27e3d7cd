"""A dependency-free progress printer (tqdm is not a dependency)."""
import sys
import time
from typing import Optional, TextIO


class Progress:
    """Prints ``desc [####......] done/total  rate/s  ETA`` to a stream.

    On a terminal the line is redrawn in place (at most ~10 times a
    second); otherwise a line is printed every 10 %.

    Args:
        total (int): number of items.
        desc (str): label printed in front of the bar.
        unit (str): item unit for the rate.
        stream (TextIO | None): output stream (default ``sys.stderr``).
        enabled (bool): print nothing when ``False``.
    """

    def __init__(self, total: int, desc: str = '', unit: str = 'it',
                 stream: Optional[TextIO] = None,
                 enabled: bool = True) -> None:
        self.total = max(int(total), 1)
        self.desc = desc
        self.unit = unit
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.done = 0
        self.start = time.perf_counter()
        self._last = 0.0
        self._last_decile = -1
        self._tty = hasattr(self.stream, 'isatty') and self.stream.isatty()

    def update(self, n: int = 1) -> None:
        """Mark ``n`` more items done and maybe redraw."""
        self.done += n
        if not self.enabled:
            return
        now = time.perf_counter()
        if self._tty:
            if now - self._last > 0.1 or self.done >= self.total:
                self._last = now
                self.stream.write('\r' + self.line())
                self.stream.flush()
        else:
            decile = int(10 * self.done / self.total)
            if decile != self._last_decile:
                self._last_decile = decile
                self.stream.write(self.line() + '\n')
                self.stream.flush()

    def line(self) -> str:
        """The current progress line."""
        elapsed = max(time.perf_counter() - self.start, 1e-9)
        rate = self.done / elapsed
        frac = min(self.done / self.total, 1.0)
        bar = '#' * int(30 * frac) + '.' * (30 - int(30 * frac))
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        return (f'{self.desc} [{bar}] {self.done}/{self.total} '
                f'{rate:.1f} {self.unit}/s ETA {eta:.0f}s')

    def close(self) -> None:
        """Finish the line."""
        if self.enabled and self._tty:
            self.stream.write('\n')
            self.stream.flush()
