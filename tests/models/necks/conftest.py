"""Run these tests on one torch thread (see tests/models/dam/threads.py)."""
from tests.models.dam.threads import single_torch_thread  # noqa: F401
