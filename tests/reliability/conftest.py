"""Reliability tests build datasets / pipelines by name (mmaction scope) and
must never leak a skip-log path into other tests."""
import os

import pytest
from mmengine.registry import init_default_scope

from mmhdf.datasets.bad_samples import SKIP_LOG_ENV


@pytest.fixture(autouse=True)
def _mmaction_scope_and_clean_env():
    init_default_scope('mmaction')
    old = os.environ.pop(SKIP_LOG_ENV, None)
    yield
    os.environ.pop(SKIP_LOG_ENV, None)
    if old is not None:
        os.environ[SKIP_LOG_ENV] = old
