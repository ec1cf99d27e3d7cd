"""Label-order presets map by name."""
import pytest

from mmhdf.datasets import (LABEL_PRESETS, build_label_map,
                            canonical_emotion, get_label_order, remap_labels)


def test_presets_are_permutations_of_one_class_set():
    for dataset, presets in LABEL_PRESETS.items():
        sets = {frozenset(canonical_emotion(n) for n in order)
                for order in presets.values()}
        assert len(sets) == 1, dataset
        k = 11 if dataset == 'mafw' else 7
        assert all(len(o) == k for o in presets.values())


def test_known_orders():
    assert get_label_order('dfew') == ('Happy', 'Sad', 'Neutral', 'Angry',
                                       'Surprise', 'Disgust', 'Fear')
    assert get_label_order('ferv39k', 'alphabetical')[0] == 'Angry'
    assert get_label_order('mafw')[7:] == ('contempt', 'anxiety',
                                           'helplessness', 'disappointment')
    assert get_label_order('mafw', 'dfer_clip')[0] == 'happiness'
    assert get_label_order('mafw', 'alphabetical')[:3] == (
        'anger', 'anxiety', 'contempt')
    with pytest.raises(KeyError):
        get_label_order('dfew', 'mafw')


def test_spellings_and_remap():
    m = build_label_map(get_label_order('dfew'))
    assert m[canonical_emotion('hap')] == 0
    assert m[canonical_emotion('ANGER')] == 3
    assert m[canonical_emotion('fea')] == 6
    with pytest.raises(KeyError):
        canonical_emotion('joy')
    # alphabetical ids of a S2D-trained head -> DFEW order
    assert remap_labels([0, 3, 6], get_label_order('dfew', 'alphabetical'),
                        get_label_order('dfew')) == [3, 0, 4]
    explicit = get_label_order('dfew', ['fear', 'sad', 'happy', 'neutral',
                                        'angry', 'surprise', 'disgust'])
    assert explicit[0] == 'fear'
    with pytest.raises(ValueError):
        get_label_order('dfew', ['happy', 'sad'])
