"""Class imbalance (DFEW-shaped) and the split design of the plan."""
import numpy as np
import pytest

from syndfer import (CLASS_NAMES, IN_DOMAIN_STYLES, SHIFTED_STYLES,
                           make_config, make_plan, split_class_counts)

# DFEW fold-1 order from most to least frequent.
DFEW_ORDER = ['Neutral', 'Happy', 'Angry', 'Sad', 'Surprise', 'Fear',
              'Disgust']


def _counts(tasks, split):
    labels = [t.label for t in tasks if t.split == split]
    return dict(zip(CLASS_NAMES, np.bincount(labels, minlength=7)))


def test_split_class_counts_sum_and_floor():
    for total, floor in [(1400, 5), (250, 5), (350, 5), (19, 1), (7, 1)]:
        counts = split_class_counts(total, floor)
        assert sum(counts) == total
        assert min(counts) >= floor
    with pytest.raises(ValueError):
        split_class_counts(6, 1)


@pytest.fixture(scope='module')
def default_plan():
    cfg = make_config('default')
    return cfg, make_plan(cfg, seed=0)


def test_default_plan_sizes_and_dfew_ordering(default_plan):
    cfg, tasks = default_plan
    sizes = cfg.split_sizes()
    for split, n in sizes.items():
        counts = _counts(tasks, split)
        assert sum(counts.values()) == n
        assert counts['Disgust'] >= 5, split
        values = [counts[c] for c in DFEW_ORDER]
        # DFEW ordering (non-increasing; ties allowed in small splits)
        assert values == sorted(values, reverse=True), (split, counts)
    train = _counts(tasks, 'train')
    assert train['Neutral'] > train['Happy'] > train['Angry'] > \
        train['Sad'] > train['Surprise'] > train['Fear'] > \
        train['Disgust']
    # imbalance ratio of the same order of magnitude as DFEW (2135/116)
    assert train['Neutral'] / train['Disgust'] > 8


def test_ids_are_a_permutation(default_plan):
    _, tasks = default_plan
    ids = [t.clip_id for t in tasks]
    assert sorted(ids) == list(range(1, len(tasks) + 1))
    train_ids = [t.clip_id for t in tasks if t.split == 'train']
    # ids are shuffled across splits, not one contiguous block per split
    assert max(train_ids) - min(train_ids) + 1 > len(train_ids)


def test_shifted_split_is_disjoint_in_styles_and_subjects(default_plan):
    _, tasks = default_plan
    seen_styles = {t.style for t in tasks if t.split in ('train', 'val')}
    seen_subjects = {t.subject_id for t in tasks
                     if t.split in ('train', 'val')}
    shifted = [t for t in tasks if t.split == 'test_shifted']
    assert {t.style for t in shifted} == set(SHIFTED_STYLES)
    assert not {t.style for t in shifted} & seen_styles
    assert not {t.subject_id for t in shifted} & seen_subjects
    # in-domain splits share styles and subjects (same distribution)
    for split in ('train', 'val', 'test'):
        assert {t.style for t in tasks if t.split == split} == \
            set(IN_DOMAIN_STYLES)
    test_subjects = {t.subject_id for t in tasks if t.split == 'test'}
    assert test_subjects <= {t.subject_id for t in tasks
                             if t.split == 'train'}


def test_plan_is_deterministic_and_seed_dependent():
    cfg = make_config('tiny')
    a, b, c = make_plan(cfg, 3), make_plan(cfg, 3), make_plan(cfg, 4)
    assert a == b
    assert a != c


def test_make_config_scale_and_overrides():
    cfg = make_config('default', scale=0.5, size=72)
    assert cfg.num_train == 700 and cfg.num_shifted == 175
    assert cfg.size == 72
    with pytest.raises(TypeError):
        make_config('default', bogus=1)
    with pytest.raises(KeyError):
        make_config('huge')
