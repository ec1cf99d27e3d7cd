"""Shared machinery of the DFER dataset classes (DFEW, FERV39k, MAFW).

Subclasses only locate and parse their split files into *records*; this base
turns records into mmaction2 samples (frames or video), applies the
missing-media policy, and carves a deterministic, stratified validation
subset out of a training split (the honest-protocol default, see
``docs``/``tools/data/*/README.md``).
"""
import os.path as osp
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from mmaction.datasets import BaseActionDataset
from mmengine.logging import print_log

from .errors import DFERDatasetError, SkipCounter
from .frames import (FrameFolderError, infer_template, list_frames,
                     natural_key)
from .label_presets import build_label_map, canonical_emotion, get_label_order

Record = Dict[str, Any]

VAL_CARVE_SUBSETS = ('train', 'val')


def stratified_carve(labels: Sequence[int],
                     keys: Sequence[str],
                     ratio: float,
                     seed: int = 0,
                     class_keys: Optional[Sequence[str]] = None
                     ) -> Tuple[List[int], List[int]]:
    """Split sample indices into (train, val) per class, deterministically.

    For each class the samples are ordered by their ``keys`` (numeric-aware),
    permuted with a generator seeded by ``(seed, class position)`` and the
    first ``floor(ratio * n + 0.5)`` go to val (at least one and at most
    ``n - 1`` when the class has two or more samples; singletons stay in
    train).  The
    result depends neither on the row order of the split file nor on the
    chosen label order, as classes are visited by their canonical name.

    Args:
        labels (Sequence[int]): class id per sample.
        keys (Sequence[str]): unique, stable id per sample (clip id).
        ratio (float): fraction held out, in (0, 1).
        seed (int): carve seed.
        class_keys (Sequence[str], optional): stable name per class id used
            to seed each class; defaults to ``str(class_id)``.

    Returns:
        tuple[list[int], list[int]]: sorted train and val indices; disjoint
        and together covering ``range(len(labels))``.
    """
    if not 0.0 < ratio < 1.0:
        raise ValueError(f'val_carve ratio must be in (0, 1), got {ratio}')
    by_class: Dict[int, List[int]] = {}
    for i, lab in enumerate(labels):
        by_class.setdefault(int(lab), []).append(i)
    name_of = (lambda c: class_keys[c]) if class_keys is not None else str
    ordered = sorted(by_class, key=lambda c: name_of(c))
    val: List[int] = []
    for pos, cls in enumerate(ordered):
        idx = sorted(by_class[cls], key=lambda i: natural_key(str(keys[i])))
        n = len(idx)
        if n < 2:
            continue
        n_val = min(max(int(np.floor(ratio * n + 0.5)), 1), n - 1)
        rng = np.random.default_rng([int(seed), pos])
        perm = rng.permutation(n)
        val.extend(idx[j] for j in perm[:n_val])
    val_set = set(val)
    train = [i for i in range(len(labels)) if i not in val_set]
    return train, sorted(val)


class BaseDFERDataset(BaseActionDataset):
    """Base class of the DFER datasets.

    Subclasses set ``DATASET_NAME`` and implement :meth:`_resolve_ann_file`
    and :meth:`_parse_records`, which returns one record per split-file row
    with the keys ``clip_id`` (str), ``label_name`` (any accepted spelling),
    ``ann_file``, ``line`` and either ``frame_dir`` or ``filename``, plus any
    per-sample metadata (e.g. ``scene``) that is copied into the sample.

    Args:
        data_root (str): dataset root (the folder of the official release).
        pipeline (list): data transforms.
        split (str): split name (``'train'``, ``'test'``, or any name the
            layout provides).
        fold (int, optional): fold number (1..5) where the dataset has folds.
        ann_file (str, optional): explicit split file, overriding the layout
            lookup (relative paths are joined to ``data_root``).
        label_order (str | Sequence[str], optional): class-order preset
            (see :mod:`mmhdf.datasets.label_presets`) or explicit list.
        source (str): ``'frames'`` (face-crop frame folders) or ``'video'``
            (clips decoded with decord in the pipeline).
        frames_variant (str): which frame folder of the release to read;
            recorded in ``metainfo['frames_variant']``.
        val_carve (dict, optional): ``dict(ratio=0.1, seed=0, subset='train'
            | 'val')`` carves a stratified validation part out of the split;
            ``subset='val'`` returns the held-out part, ``'train'`` the rest.
        on_missing (str): ``'error'`` (default) raises
            :class:`DFERDatasetError` naming the split file and line when a
            clip's frames or video are missing or too short, or its frame
            folder is no readable folder (a regular file, a symbolic-link
            loop); ``'skip'`` drops such rows, counts them and logs a
            summary. Malformed rows (bad label, a clip path leaving the
            media root, a byte that does not decode) are always errors; see
            :mod:`mmhdf.datasets.split_files`.
        min_frames (int): fewer frames than this counts as missing media.
            Defaults to 1 (short clips are padded by the sampler).
        test_mode (bool): mmengine test mode.
        **kwargs: forwarded to :class:`BaseActionDataset`.
    """

    DATASET_NAME = ''
    SOURCES = ('frames', 'video')

    def __init__(self,
                 data_root: str,
                 pipeline: List[Union[dict, Callable]] = [],
                 split: str = 'train',
                 fold: Optional[int] = None,
                 ann_file: Optional[str] = None,
                 label_order: Union[str, Sequence[str], None] = None,
                 source: str = 'frames',
                 frames_variant: str = '',
                 val_carve: Optional[dict] = None,
                 on_missing: str = 'error',
                 min_frames: int = 1,
                 test_mode: bool = False,
                 **kwargs) -> None:
        if source not in self.SOURCES:
            raise ValueError(f'{type(self).__name__}: source must be one of '
                             f'{self.SOURCES}, got {source!r}')
        if val_carve is not None:
            val_carve = dict(val_carve)
            subset = val_carve.setdefault('subset', 'train')
            if subset not in VAL_CARVE_SUBSETS:
                raise ValueError(f'val_carve subset must be one of '
                                 f'{VAL_CARVE_SUBSETS}, got {subset!r}')
            val_carve.setdefault('seed', 0)
            val_carve.setdefault('ratio', 0.1)
            unknown = set(val_carve) - {'ratio', 'seed', 'subset'}
            if unknown:
                raise ValueError(f'unknown val_carve keys {sorted(unknown)}')
        self.data_root_abs = osp.abspath(osp.expanduser(data_root))
        self.split = split
        self.fold = fold
        self.source = source
        self.frames_variant = frames_variant
        self.val_carve = val_carve
        self.on_missing = on_missing
        self.min_frames = int(min_frames)
        self.label_order_arg = label_order
        self.classes = get_label_order(self.DATASET_NAME, label_order)
        self.label_map = build_label_map(self.classes)
        # validates the policy early
        SkipCounter(self.DATASET_NAME, on_missing)
        self.num_skipped = 0
        if ann_file is None:
            ann_file = self._resolve_ann_file()
        elif not osp.isabs(ann_file):
            ann_file = osp.join(self.data_root_abs, ann_file)
        if not osp.isfile(ann_file):
            raise DFERDatasetError('split file not found', ann_file)
        kwargs.setdefault('start_index', 0)
        super().__init__(
            ann_file=ann_file,
            pipeline=pipeline,
            data_root=data_root,
            test_mode=test_mode,
            metainfo=dict(classes=tuple(self.classes)),
            **kwargs)
        # string-valued entries are set here: mmengine would try to read a
        # string passed through ``metainfo`` as a file name.
        self._metainfo.update(
            dataset=self.DATASET_NAME,
            split=split,
            fold=fold,
            source=source,
            frames_variant=frames_variant if source == 'frames' else 'video',
            label_order=(label_order if isinstance(label_order, str)
                         or label_order is None else list(label_order)),
            val_carve=val_carve,
            ann_file=ann_file,
            num_skipped=self.num_skipped)
        if self._metainfo['label_order'] is None:
            from .label_presets import DEFAULT_PRESET
            self._metainfo['label_order'] = DEFAULT_PRESET[self.DATASET_NAME]

    # ------------------------------------------------------------ subclass
    def _resolve_ann_file(self) -> str:
        """Locate the split file of ``self.split`` / ``self.fold``."""
        raise NotImplementedError

    def _parse_records(self, ann_file: str,
                       skip: SkipCounter) -> List[Record]:
        """Parse a split file into records (see class docstring)."""
        raise NotImplementedError

    # ------------------------------------------------------------- helpers
    def _label_id(self, name: str, ann_file: str, line: int) -> int:
        """Map a label word to its id, or raise naming the file and line."""
        try:
            canon = canonical_emotion(name)
        except KeyError:
            raise DFERDatasetError(
                f'unknown label name {name!r} for {self.DATASET_NAME} '
                f'(classes: {", ".join(self.classes)})', ann_file, line)
        if canon not in self.label_map:
            raise DFERDatasetError(
                f'label {name!r} is not a {self.DATASET_NAME} class '
                f'(classes: {", ".join(self.classes)})', ann_file, line)
        return self.label_map[canon]

    def _make_sample(self, rec: Record, skip: SkipCounter) -> Optional[dict]:
        """Attach media information to a record; ``None`` when skipped."""
        sample = {
            k: v
            for k, v in rec.items()
            if k not in ('label_name', 'ann_file', 'line')
        }
        sample['label'] = self._label_id(rec['label_name'], rec['ann_file'],
                                         rec['line'])
        if self.source == 'video':
            if not osp.isfile(rec['filename']):
                skip(f'video file {rec["filename"]} of clip '
                     f'{rec["clip_id"]} not found', rec['ann_file'],
                     rec['line'])
                return None
            return sample
        frame_dir = rec['frame_dir']
        try:
            names = list_frames(frame_dir)
        except FrameFolderError as err:
            skip(f'frame folder {frame_dir} of clip {rec["clip_id"]} '
                 f'{err.reason}', rec['ann_file'], rec['line'])
            return None
        if names is None:
            skip(f'frame folder {frame_dir} of clip {rec["clip_id"]} not '
                 'found', rec['ann_file'], rec['line'])
            return None
        if len(names) < max(self.min_frames, 1):
            skip(f'frame folder {frame_dir} of clip {rec["clip_id"]} holds '
                 f'{len(names)} frames (< {max(self.min_frames, 1)})',
                 rec['ann_file'], rec['line'])
            return None
        sample['total_frames'] = len(names)
        tmpl = infer_template(names)
        if tmpl is not None:
            sample['filename_tmpl'], sample['offset'] = tmpl
        else:
            sample['filename_tmpl'] = None
            sample['offset'] = 0
            sample['frame_list'] = names
        return sample

    def load_data_list(self) -> List[dict]:
        """Parse the split file, resolve media, apply the val carve."""
        skip = SkipCounter(self.DATASET_NAME, self.on_missing)
        records = self._parse_records(self.ann_file, skip)
        seen: Dict[str, int] = {}
        data_list = []
        for rec in records:
            if rec['clip_id'] in seen:
                raise DFERDatasetError(
                    f'clip {rec["clip_id"]} listed twice (first on line '
                    f'{seen[rec["clip_id"]]})', rec['ann_file'], rec['line'])
            seen[rec['clip_id']] = rec['line']
            sample = self._make_sample(rec, skip)
            if sample is not None:
                data_list.append(sample)
        skip.report()
        self.num_skipped = skip.count
        self._metainfo['num_skipped'] = skip.count
        if self.val_carve is not None:
            train_idx, val_idx = stratified_carve(
                [d['label'] for d in data_list],
                [d['clip_id'] for d in data_list],
                ratio=float(self.val_carve['ratio']),
                seed=int(self.val_carve['seed']),
                class_keys=[canonical_emotion(c) for c in self.classes])
            keep = val_idx if self.val_carve['subset'] == 'val' else train_idx
            data_list = [data_list[i] for i in keep]
        if not data_list:
            raise DFERDatasetError(
                f'no usable samples (split={self.split!r}, '
                f'fold={self.fold}, skipped={skip.count})', self.ann_file)
        print_log(
            f'{type(self).__name__}: {len(data_list)} samples '
            f'(split={self.split}, fold={self.fold}, '
            f'source={self.source}, frames_variant={self.frames_variant}, '
            f'val_carve={self.val_carve}, skipped={skip.count})',
            logger='current')
        return data_list

    def class_counts(self) -> List[int]:
        """Number of samples per class id (for imbalance reports)."""
        counts = [0] * len(self.classes)
        for i in range(len(self)):
            counts[self.get_data_info(i)['label']] += 1
        return counts
