"""Questions about a live mmengine runner that hooks need answered."""
from mmengine.runner import BaseLoop


def is_training(runner) -> bool:
    """Whether ``runner`` is inside ``Runner.train`` (not test / val).

    ``Runner.train`` builds the train loop before calling ``before_run``;
    ``test()`` and ``val()`` leave it a config dict (or None).

    Args:
        runner: The mmengine runner.

    Returns:
        bool: True during training.
    """
    return isinstance(getattr(runner, '_train_loop', None), BaseLoop)
