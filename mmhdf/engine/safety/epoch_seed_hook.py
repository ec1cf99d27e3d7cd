"""Reseed every RNG at the start of each epoch, for bit-exact resume."""
import hashlib
import random
from typing import Optional

import numpy as np
import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmaction.registry import HOOKS


def epoch_seed(seed: int, epoch: int, rank: int = 0) -> int:
    """A well-mixed 32-bit seed for (seed, epoch, rank).

    Args:
        seed (int): The run's base seed.
        epoch (int): 0-based epoch index.
        rank (int): Process rank.

    Returns:
        int: Seed in ``[0, 2**32)``.
    """
    digest = hashlib.sha256(f'{seed}/{epoch}/{rank}'.encode()).digest()
    return int.from_bytes(digest[:4], 'little')


@HOOKS.register_module()
class EpochSeedHook(Hook):
    """Make each epoch's randomness a function of (seed, epoch, rank) only.

    mmengine restores weights, optimizer and schedulers on ``--resume`` but
    not the Python / numpy / torch RNG states, and the validation loop
    consumes random numbers between epochs; a resumed run therefore draws
    other augmentations and dropout masks than an uninterrupted one. This
    hook reseeds all three RNGs in ``before_train_epoch``, so a run killed
    anywhere inside epoch ``e`` and resumed from the checkpoint of epoch
    ``e - 1`` replays epoch ``e`` exactly (bit-identical weights on CPU with
    deterministic kernels). Data-loader workers derive their seeds from the
    torch RNG, so they are covered too.

    Args:
        seed (int, optional): Base seed; default: the Runner's seed.
    """

    priority = 'VERY_HIGH'

    def __init__(self, seed: Optional[int] = None) -> None:
        self.seed = seed

    def before_train_epoch(self, runner) -> None:
        """Reseed python, numpy and torch for the coming epoch.

        Args:
            runner: The mmengine runner.
        """
        base = self.seed if self.seed is not None else runner.seed
        s = epoch_seed(int(base), runner.epoch, get_rank())
        random.seed(s)
        np.random.seed(s)
        torch.manual_seed(s)
