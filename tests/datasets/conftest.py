"""Dataset tests build pipelines by name: use mmaction's registry scope."""
import pytest
from mmengine.registry import init_default_scope


@pytest.fixture(autouse=True)
def _mmaction_scope():
    init_default_scope('mmaction')
    yield
