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


@HOOKS.register_module()
class KillDuringSaveHook(Hook):
    """SIGKILL the process halfway through writing a periodic checkpoint.

    At the first save of epoch ``at_epoch`` (the one that carries optimizer
    state) the next file write of mmengine's local back end writes half of
    the checkpoint's bytes, flushes them to disk and then kills the
    process with SIGKILL, as an OOM killer or a pre-empted job would.
    """

    priority = 'LOWEST'

    def __init__(self, at_epoch: int) -> None:
        self.at_epoch = at_epoch

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if checkpoint['meta'].get('epoch') != self.at_epoch or \
                'optimizer' not in checkpoint:
            return
        import os
        import signal

        from mmengine.fileio.backends.local_backend import LocalBackend

        def put_half_then_die(backend, obj, filepath):
            with open(filepath, 'wb') as f:
                f.write(obj[:len(obj) // 2])
                f.flush()
                os.fsync(f.fileno())
            os.kill(os.getpid(), signal.SIGKILL)

        LocalBackend.put = put_half_then_die
