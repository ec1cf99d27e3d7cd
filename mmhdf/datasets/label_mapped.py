"""Test a model on another DFER dataset: labels re-expressed by name.

Labels are mapped **by name** (:func:`mmhdf.datasets.canonical_emotion`):
the target dataset is read with its own class list, then every sample's
label is re-expressed in the *source model's* class order.  Target samples
whose emotion is not a source class (e.g. MAFW's contempt, anxiety,
helplessness and disappointment for a 7-class DFEW / FERV39k model) are
dropped, counted per class and reported; source classes without target
samples get no recall (UAR averages the classes present in the target).
Predictions stay over all source classes: predicting a class the target
does not have counts as an error.

:class:`LabelMappedDataset` does the mapping inside any config; the
cross-dataset harness (:mod:`mmhdf.apis.cross_dataset`) builds such a
config from a source config.
"""
import copy
from collections import Counter
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from mmaction.registry import DATASETS
from mmengine.logging import print_log
from torch.utils.data import Dataset

from .label_presets import build_label_map, canonical_emotion


def map_labels_by_name(labels: Sequence[int], target_classes: Sequence[str],
                       source_classes: Sequence[str]
                       ) -> Tuple[List[Optional[int]], Dict[str, int]]:
    """Re-express target label ids in the source class order, by name.

    Args:
        labels (Sequence[int]): ids in ``target_classes``.
        target_classes (Sequence[str]): the target dataset's class names.
        source_classes (Sequence[str]): the model's class names.

    Returns:
        tuple: ``(mapped, dropped)``; ``mapped[i]`` is the source id of
        sample ``i`` or ``None`` when its emotion is not a source class;
        ``dropped`` counts the unmapped samples per target class name.
    """
    src = build_label_map(source_classes)
    mapped: List[Optional[int]] = []
    dropped: Counter = Counter()
    for lab in labels:
        name = target_classes[int(lab)]
        sid = src.get(canonical_emotion(name))
        if sid is None:
            dropped[str(name)] += 1
        mapped.append(sid)
    return mapped, dict(dropped)


@DATASETS.register_module()
class LabelMappedDataset(Dataset):
    """Wrap a DFER test dataset so that its labels follow another class order.

    Two spellings (the flat one is convenient with ``--cfg-options``)::

        dict(type='LabelMappedDataset', classes=[...7 names...],
             dataset=dict(type='MAFWDataset', data_root=..., fold=1,
                          split='test', pipeline=..., test_mode=True))
        dict(type='LabelMappedDataset', classes=[...],
             dataset_type='MAFWDataset', data_root=..., fold=1,
             split='test', pipeline=..., test_mode=True)

    ``metainfo['classes']`` is ``classes`` (so metrics and heads agree on
    ``K``); the target metainfo is kept, plus ``target_classes``,
    ``label_mapping`` (target name -> source name or ``None``),
    ``num_target_samples``, ``num_dropped``, ``dropped_per_class`` and
    ``source_classes_without_samples``.

    Args:
        classes (Sequence[str]): the model's (source) class names, in id
            order; any spelling :func:`canonical_emotion` knows.
        dataset (dict | Dataset, optional): the target dataset (config or
            object).
        dataset_type (str, optional): the target type for the flat form.
        drop_unmapped (bool): drop target samples whose emotion is not a
            source class (default); ``False`` raises instead.
        **dataset_kwargs: the target's arguments for the flat form.
    """

    def __init__(self,
                 classes: Sequence[str],
                 dataset: Union[dict, Dataset, None] = None,
                 dataset_type: Optional[str] = None,
                 drop_unmapped: bool = True,
                 **dataset_kwargs) -> None:
        if (dataset is None) == (dataset_type is None):
            raise ValueError('LabelMappedDataset: give exactly one of '
                             '`dataset` and `dataset_type`')
        if dataset is None:
            dataset = dict(type=dataset_type, **dataset_kwargs)
        elif dataset_kwargs:
            raise ValueError(f'LabelMappedDataset: unexpected arguments '
                             f'{sorted(dataset_kwargs)} next to `dataset`')
        self.dataset = (DATASETS.build(dataset)
                        if isinstance(dataset, dict) else dataset)
        self.classes = tuple(str(c) for c in classes)
        build_label_map(self.classes)  # validates the names
        inner = self.dataset
        target = tuple(inner.metainfo['classes'])
        labels = [inner.get_data_info(i)['label'] for i in range(len(inner))]
        mapped, dropped = map_labels_by_name(labels, target, self.classes)
        if dropped and not drop_unmapped:
            raise ValueError(f'target samples with labels outside the '
                             f'source classes: {dropped}')
        self._index = [i for i, m in enumerate(mapped) if m is not None]
        self._labels = [m for m in mapped if m is not None]
        if not self._index:
            raise ValueError('LabelMappedDataset: no target sample has a '
                             f'source class ({self.classes}); dropped '
                             f'{dropped}')
        src_map = build_label_map(self.classes)
        present = {self._labels[i] for i in range(len(self._labels))}
        self._metainfo = dict(copy.deepcopy(inner.metainfo))
        self._metainfo.update(
            classes=self.classes,
            label_order=list(self.classes),
            target_classes=list(target),
            label_mapping={
                t: (self.classes[src_map[canonical_emotion(t)]]
                    if canonical_emotion(t) in src_map else None)
                for t in target
            },
            num_target_samples=len(inner),
            num_dropped=len(inner) - len(self._index),
            dropped_per_class=dropped,
            source_classes_without_samples=[
                c for i, c in enumerate(self.classes) if i not in present
            ])
        print_log(
            f'LabelMappedDataset: {type(inner).__name__} -> source classes '
            f'{list(self.classes)}: kept {len(self._index)}/{len(inner)} '
            f'samples, dropped {len(inner) - len(self._index)} '
            f'{dropped or ""}'.rstrip(),
            logger='current')

    @property
    def metainfo(self) -> dict:
        """Target metainfo with the source classes (see class docstring)."""
        return copy.deepcopy(self._metainfo)

    def full_init(self) -> None:
        """Nothing to do (the wrapped dataset is initialised)."""

    def __len__(self) -> int:
        return len(self._index)

    def get_data_info(self, idx: int) -> dict:
        """Target sample ``idx`` with its label in the source order."""
        info = self.dataset.get_data_info(self._index[idx])
        info['label'] = self._labels[idx]
        info['sample_idx'] = idx
        return info

    def __getitem__(self, idx: int) -> Any:
        return self.dataset.pipeline(self.get_data_info(idx))
