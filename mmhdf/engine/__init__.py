"""Training machinery: DSM scaling hook, SAM optimizer wrapper."""
from . import hooks, optimizers  # noqa: F401
