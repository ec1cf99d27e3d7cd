"""Robustness summaries: mPC / rPC arithmetic on hand-made numbers."""
import math

import pytest

from mmhdf.evaluation.robustness import corruption_summary, summarize
from mmhdf.evaluation.robustness.summary import json_ready


def test_mpc_rpc_on_hand_made_numbers():
    grid = {'a': {'1': 60.0, '2': 40.0}, 'b': {'1': 50.0, '2': 30.0}}
    s = corruption_summary(grid, clean=80.0,
                           categories={'a': 'noise', 'b': 'blur'})
    assert s['per_corruption'] == {'a': 50.0, 'b': 40.0}
    assert s['per_severity'] == {'1': 55.0, '2': 35.0}
    assert s['mPC'] == pytest.approx(45.0)
    assert s['rPC'] == pytest.approx(45.0 / 80.0)
    assert s['per_category'] == {'noise': 50.0, 'blur': 40.0}
    # mPC weighs corruptions equally even with an incomplete grid
    s = corruption_summary({'a': {'1': 10.0, '2': 30.0}, 'b': {'1': 50.0}},
                           clean=50.0)
    assert s['mPC'] == pytest.approx((20.0 + 50.0) / 2)
    assert s['rPC'] == pytest.approx(0.7)
    # clean 0: rPC undefined, written as null
    s = corruption_summary({'a': {'1': 0.0}}, clean=0.0)
    assert math.isnan(s['rPC']) and json_ready(s)['rPC'] is None
    both = summarize({'UAR': 40.0, 'WAR': 50.0},
                     {'a': {'1': {'UAR': 20.0, 'WAR': 25.0}}})
    assert both['UAR']['rPC'] == 0.5 and both['WAR']['rPC'] == 0.5
