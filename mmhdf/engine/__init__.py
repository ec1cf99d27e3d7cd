"""Training machinery: DSM scaling hook, SAM optimizer wrapper, safety hooks."""
from . import hooks, optimizers, safety  # noqa: F401
