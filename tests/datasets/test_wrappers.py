"""mmhdf.datasets.wrappers: unwrapping built datasets and dataset configs."""
from types import SimpleNamespace

import pytest
from mmengine.config import Config
from mmengine.dataset import BaseDataset, ConcatDataset, RepeatDataset

from mmhdf.datasets.wrappers import leaf_cfg, leaf_datasets


class _Tiny(BaseDataset):

    def __init__(self, n: int) -> None:
        self.n = n
        super().__init__(pipeline=[], serialize_data=False)

    def load_data_list(self):
        return [dict(i=i) for i in range(self.n)]


def test_unwraps_mmengine_wrappers_in_order():
    a, b, c = _Tiny(1), _Tiny(2), _Tiny(3)
    assert list(leaf_datasets(ConcatDataset([a, b, c]))) == [a, b, c]
    assert list(leaf_datasets(RepeatDataset(b, times=3))) == [b]
    assert list(leaf_datasets(a)) == [a]


def test_unwraps_nested_wrappers():
    # wrappers are recognised by attribute, so nesting works at any depth
    a, b, c = (SimpleNamespace(pipeline=i) for i in 'abc')
    nested = SimpleNamespace(datasets=[
        SimpleNamespace(dataset=a),
        SimpleNamespace(datasets=[b, SimpleNamespace(dataset=c)])])
    assert list(leaf_datasets(nested)) == [a, b, c]
    assert list(leaf_datasets(a)) == [a]


def test_object_with_dataset_and_pipeline_is_a_leaf():
    # a dataset that has its own pipeline is not a wrapper, even if it has a
    # ``dataset`` attribute
    inner = SimpleNamespace(pipeline='inner')
    outer = SimpleNamespace(dataset=inner, pipeline='outer')
    assert list(leaf_datasets(outer)) == [outer]
    assert list(leaf_datasets(SimpleNamespace(dataset=inner))) == [inner]


def test_unwraps_dataset_configs_the_same_way():
    # configs: ``datasets`` lists and ``dataset`` entries are wrappers
    a, b, c = (dict(type='DFEWDataset', split=s) for s in 'abc')
    cfg = Config(dict(type='ConcatDataset', datasets=[
        dict(type='RepeatDataset', times=2, dataset=a),
        dict(type='ConcatDataset', datasets=[b, dict(
            type='LabelMappedDataset', classes=['Happy'], dataset=c)])]))
    leaves = list(leaf_datasets(cfg))
    assert [leaf['split'] for leaf in leaves] == ['a', 'b', 'c']
    # the leaves are the config's own dicts: editing them edits the config
    leaves[0]['split'] = 'x'
    assert cfg.datasets[0].dataset.split == 'x'
    assert list(leaf_datasets(None)) == []
    flat = dict(type='LabelMappedDataset', dataset_type='MAFWDataset')
    assert list(leaf_datasets(flat)) == [flat]


def test_leaf_cfg_is_the_only_leaf():
    inner = dict(type='DFEWDataset', split='test')
    assert leaf_cfg(dict(type='RepeatDataset', dataset=inner)) is inner
    assert leaf_cfg(inner) is inner
    with pytest.raises(ValueError, match='wraps 2 datasets'):
        leaf_cfg(dict(type='ConcatDataset', datasets=[inner, inner]))
