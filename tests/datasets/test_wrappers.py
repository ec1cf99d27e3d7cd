"""mmhdf.datasets.wrappers.leaf_datasets on mmengine's dataset wrappers."""
from types import SimpleNamespace

from mmengine.dataset import BaseDataset, ConcatDataset, RepeatDataset

from mmhdf.datasets.wrappers import leaf_datasets


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
