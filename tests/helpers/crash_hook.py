"""A hook that simulates a crash (e.g. a killed job) at a given iteration."""
from mmengine.hooks import Hook
from mmaction.registry import HOOKS


@HOOKS.register_module()
class CrashAtIterHook(Hook):
    """Exit the process hard before iteration ``at_iter`` (0-based, global).

    ``os._exit`` skips every remaining hook, like a SIGKILL would.
    """

    def __init__(self, at_iter: int) -> None:
        self.at_iter = at_iter

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        if runner.iter == self.at_iter:
            import os
            os._exit(3)
