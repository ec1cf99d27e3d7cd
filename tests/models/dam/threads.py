"""Autouse fixture: run DAM tests on one torch thread.

The small tensors of these tests gain nothing from intra-op parallelism,
and on a shared CPU OpenMP threads spin-wait for each other (a 10x
slow-down was measured under load). The previous setting is restored.
"""
import pytest
import torch


@pytest.fixture(autouse=True)
def single_torch_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)
