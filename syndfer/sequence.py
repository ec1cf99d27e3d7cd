"""Sequence inconsistency: dropped and duplicated frames, speed changes.

A clip is rendered from a continuous *source* timeline; ``Glitches.times``
maps every output frame to a source time.  A clean clip has times
``0, 1, 2, ...``; dropped frames skip source time, duplicated frames repeat
it and a speed change alters the step size from some frame on.
"""
from dataclasses import dataclass, field
from typing import List

import numpy as np


@dataclass
class Glitches:
    """Output-frame -> source-time mapping and what produced it.

    Attributes:
        times (np.ndarray): (T,) non-decreasing source times.
        dropped (int): number of dropped source frames.
        duplicated (int): number of duplicated output frames.
        speed (list[float]): playback speed before / after the change point
            (``[1.0]`` when constant).
    """
    times: np.ndarray
    dropped: int = 0
    duplicated: int = 0
    speed: List[float] = field(default_factory=lambda: [1.0])

    @property
    def duration(self) -> float:
        """Source duration covered by the clip (frames)."""
        return float(self.times[-1]) if len(self.times) else 0.0

    def summary(self) -> str:
        """Compact text such as ``drop=2;dup=1;speed=1.00>1.60``."""
        parts = []
        if self.dropped:
            parts.append(f'drop={self.dropped}')
        if self.duplicated:
            parts.append(f'dup={self.duplicated}')
        if len(self.speed) > 1:
            parts.append('speed=' + '>'.join(f'{s:.2f}' for s in self.speed))
        return ';'.join(parts) if parts else 'none'


def sample_glitches(rng: np.random.Generator, n_frames: int,
                    p_drop: float = 0.2, p_dup: float = 0.2,
                    p_speed: float = 0.2) -> Glitches:
    """Draw the sequence glitches of one clip.

    Args:
        rng (np.random.Generator): random source.
        n_frames (int): number of output frames.
        p_drop (float): probability that the clip has dropped frames.
        p_dup (float): probability that the clip has duplicated frames.
        p_speed (float): probability of a playback-speed change.

    Returns:
        Glitches: the mapping (``len(times) == n_frames``).
    """
    steps = np.ones(max(n_frames - 1, 0))
    speed = [1.0]
    dropped = duplicated = 0
    if n_frames > 3 and rng.uniform() < p_speed:
        change = int(rng.integers(1, n_frames - 1))
        before = 1.0 if rng.uniform() < 0.5 else float(rng.uniform(0.6, 1.6))
        after = float(rng.choice([rng.uniform(0.5, 0.8),
                                  rng.uniform(1.3, 2.0)]))
        steps[:change] = before
        steps[change:] = after
        speed = [before, after]
    if n_frames > 3 and rng.uniform() < p_drop:
        for _ in range(int(rng.integers(1, 4))):
            k = int(rng.integers(0, len(steps)))
            skip = int(rng.integers(1, 4))
            steps[k] += skip
            dropped += skip
    if n_frames > 3 and rng.uniform() < p_dup:
        for k in rng.choice(len(steps), size=min(len(steps),
                                                 int(rng.integers(1, 4))),
                            replace=False):
            steps[int(k)] = 0.0
            duplicated += 1
    times = np.concatenate([[0.0], np.cumsum(steps)])
    return Glitches(times=times, dropped=dropped, duplicated=duplicated,
                    speed=speed)
