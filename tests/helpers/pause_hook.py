"""A hook that holds a training at its first iteration until told to go."""
import os
import time

from mmengine.hooks import Hook
from mmaction.registry import HOOKS


@HOOKS.register_module()
class PauseAtFirstIterHook(Hook):
    """Create ``ready`` before the first iteration, then wait for ``go``.

    Lets a test act while a real training is running (e.g. start a second
    one on the same work dir).

    Args:
        ready (str): File created when the pause starts.
        go (str): File whose appearance ends the pause.
        timeout (float): Seconds to wait at most.
    """

    def __init__(self, ready: str, go: str, timeout: float = 300) -> None:
        self.ready, self.go, self.timeout = ready, go, timeout
        self._done = False

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        if self._done:
            return
        self._done = True
        with open(self.ready, 'w') as f:
            f.write(str(os.getpid()))
        deadline = time.time() + self.timeout
        while not os.path.exists(self.go) and time.time() < deadline:
            time.sleep(0.1)
