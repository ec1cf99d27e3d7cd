"""Unwrap mmengine dataset wrappers down to the datasets that hold data."""
from typing import Any, Iterator


def leaf_datasets(dataset: Any) -> Iterator[Any]:
    """Yield the innermost datasets of ``dataset``.

    Wrappers are recognised by their attributes, as mmengine defines them:
    ``datasets`` (``ConcatDataset``) is descended into element by element;
    ``dataset`` without a ``pipeline`` of its own (``RepeatDataset``,
    ``ClassBalancedDataset``) is descended into. Anything else is a leaf.

    Args:
        dataset: A built dataset, possibly wrapped.

    Yields:
        The leaf datasets, in order.
    """
    if hasattr(dataset, 'datasets'):
        for d in dataset.datasets:
            yield from leaf_datasets(d)
    elif hasattr(dataset, 'dataset') and not hasattr(dataset, 'pipeline'):
        yield from leaf_datasets(dataset.dataset)
    else:
        yield dataset
