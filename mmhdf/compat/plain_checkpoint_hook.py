"""Hook that keeps every checkpoint of a run loadable with weights_only."""
from mmengine.hooks import Hook
from mmaction.registry import HOOKS

from .plain_state import decode_plain_state, encode_plain_state


@HOOKS.register_module()
class PlainCheckpointHook(Hook):
    """Store mmengine's training state as tensors and plain Python types.

    ``before_save_checkpoint`` encodes the message hub's ``HistoryBuffer``
    objects and all numpy values (see :mod:`mmhdf.compat.plain_state`), so
    ``torch.load(weights_only=True)`` opens the file; ``after_load_checkpoint``
    decodes them before ``--resume`` hands them to the message hub. It runs
    with the lowest priority so that it sees what other hooks (e.g. EMA) add.
    mmhdf's base runtime config enables it as
    ``default_hooks.plain_checkpoint``.
    """

    priority = 'LOWEST'

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Encode the checkpoint in place.

        Args:
            runner: The mmengine runner.
            checkpoint (dict): The checkpoint about to be saved.
        """
        encoded = encode_plain_state(checkpoint)
        checkpoint.clear()
        checkpoint.update(encoded)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Decode the checkpoint in place (no-op on decoded state).

        Args:
            runner: The mmengine runner.
            checkpoint (dict): The checkpoint just loaded.
        """
        decoded = decode_plain_state(checkpoint)
        checkpoint.clear()
        checkpoint.update(decoded)
