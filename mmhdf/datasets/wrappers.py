"""Unwrap mmengine dataset wrappers down to the datasets that hold data.

One rule for built datasets and for dataset configs, so every caller (the
config checks, the robustness pipeline switch, the bad-sample hook, the
"config at a checkpoint and a split" helper, cross-dataset evaluation)
unwraps the same way.
"""
from typing import Any, Iterator, List, Mapping, Optional


def _wrapped(dataset: Any) -> Optional[List[Any]]:
    """The datasets a wrapper wraps, or ``None`` for a leaf.

    Configs (mappings): a ``datasets`` list (``ConcatDataset``) or a
    ``dataset`` entry (``RepeatDataset``, ``ClassBalancedDataset``,
    ``LabelMappedDataset``). Built datasets: a ``datasets`` attribute, or a
    ``dataset`` attribute without a ``pipeline`` of its own (a wrapper that
    delegates loading to the wrapped dataset).
    """
    if isinstance(dataset, Mapping):
        if dataset.get('datasets') is not None:
            return list(dataset['datasets'])
        if dataset.get('dataset') is not None:
            return [dataset['dataset']]
        return None
    if hasattr(dataset, 'datasets'):
        return list(dataset.datasets)
    if hasattr(dataset, 'dataset') and not hasattr(dataset, 'pipeline'):
        return [dataset.dataset]
    return None


def leaf_datasets(dataset: Any) -> Iterator[Any]:
    """Yield the innermost datasets (or dataset configs) of ``dataset``.

    Wrappers are recognised by their attributes (built datasets) or keys
    (configs), as mmengine defines them: ``datasets`` (``ConcatDataset``)
    is descended into element by element; ``dataset`` (``RepeatDataset``,
    ``ClassBalancedDataset``, ``LabelMappedDataset``; for a built dataset
    only when it has no ``pipeline`` of its own) is descended into.
    Anything else is a leaf.

    Args:
        dataset: A built dataset or a dataset config, possibly wrapped;
            ``None`` yields nothing.

    Yields:
        The leaf datasets (or leaf dataset configs, the same objects as in
        ``dataset``: editing them edits the config), in order.
    """
    if dataset is None:
        return
    inner = _wrapped(dataset)
    if inner is None:
        yield dataset
        return
    for d in inner:
        yield from leaf_datasets(d)


def leaf_cfg(dataset: Any) -> Any:
    """The one leaf of a dataset config (or built dataset).

    Args:
        dataset: A dataset config or built dataset, possibly wrapped.

    Returns:
        The leaf (the same object as in ``dataset``).

    Raises:
        ValueError: When ``dataset`` wraps no or several datasets
            (``ConcatDataset``): use :func:`leaf_datasets` there.
    """
    leaves = list(leaf_datasets(dataset))
    if len(leaves) != 1:
        raise ValueError(
            f'the dataset wraps {len(leaves)} datasets, expected one '
            f'(types: {[_type_name(d) for d in leaves]})')
    return leaves[0]


def _type_name(dataset: Any) -> str:
    if isinstance(dataset, Mapping):
        return str(dataset.get('type'))
    return type(dataset).__name__
