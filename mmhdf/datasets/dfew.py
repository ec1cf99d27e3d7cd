"""DFEW (Jiang et al., ACM MM 2020) in its official release layout."""
import csv
import os.path as osp
import re
from typing import Callable, List, Optional, Sequence, Union

from mmaction.registry import DATASETS

from .base_dfer import BaseDFERDataset, Record
from .errors import DFERDatasetError, SkipCounter
from .label_presets import DFEW_OFFICIAL_ORDER
from .split_files import check_clip_path, read_split_lines

LABEL_FORMATS = ('auto', 'official', 'zero_based')
_RESERVED = ('clip_id', 'label', 'label_name', 'frame_dir', 'filename',
             'total_frames', 'filename_tmpl', 'offset', 'frame_list',
             'start_index', 'modality', 'sample_idx', 'ann_file', 'line')
_ID = re.compile(r'^(\d+)(?:\.(?:mp4|avi))?$', re.IGNORECASE)
# a header cell is a column name, never a path: a first row whose first
# cell is a path is a data row (and checked as one), not a header to drop
_PATHLIKE = re.compile(r'[/\\]|\.\.')


@DATASETS.register_module()
class DFEWDataset(BaseDFERDataset):
    """DFEW, single-labelled clips, 5-fold cross-validation.

    Layout (``data_root`` = the ``DFEW`` release folder)::

        Clip/clip_224x224/<05d id>/*.jpg      # 'clip_224x224' (default)
        Clip/clip_224x224_16f/<05d id>/*.jpg  # 'clip_224x224_16f'
        Clip/original/<05d id>.mp4            # source='video'
        EmoLabel_DataSplit/<split>(single-labeled)/set_<fold>.csv
        EmoLabel_DataSplit/<split>(single_labeled)/set_<fold>.csv  # accepted

    Split files are CSV ``video_name,label``. The official files have a
    header and labels 1..7 (Happy, Sad, Neutral, Angry, Surprise, Disgust,
    Fear); community copies (S2D) use 0..6; label words are accepted too.
    Ids may be unpadded (``1``) and are zero-padded to 5 digits.  Extra
    named header columns (e.g. ``video_name,label,domain``) are copied into
    every sample as string fields, so per-sample metadata reaches the
    pipeline, ``PackActionInputs(algorithm_keys=...)`` and ``DFERMetric``.

    Frames are discovered by a numeric-aware sorted glob (jpg/png), so any
    frame naming works (``00001_00001.jpg``, ``1.jpg``, ...); the image size
    is never assumed.

    Args:
        data_root (str): the DFEW root folder.
        fold (int): 1..5 (any positive int for generated layouts).
        split (str): split folder name before ``(single-labeled)``, e.g.
            ``'train'``, ``'test'``, ``'val'``.
        frames_variant (str): frame folder under ``Clip/``.
        ann_file (str, optional): explicit CSV overriding the lookup.
        label_format (str): ``'auto'`` | ``'official'`` (1..7) |
            ``'zero_based'`` (0..6). ``'auto'`` decides per file: a 0 means
            zero-based, a 7 means official; a file with neither is treated
            as official when it sits in the official ``EmoLabel_DataSplit``
            tree and is rejected otherwise (set the format explicitly).
        source (str): ``'frames'`` or ``'video'`` (``Clip/original``).
        video_dir (str): folder of the mp4 clips relative to ``data_root``.
        **kwargs: see :class:`BaseDFERDataset` (``label_order``,
            ``val_carve``, ``on_missing``, ``pipeline``, ``test_mode``...).
    """

    DATASET_NAME = 'dfew'
    SPLIT_DIR_SPELLINGS = ('{}(single-labeled)', '{}(single_labeled)')

    def __init__(self,
                 data_root: str,
                 fold: int = 1,
                 split: str = 'train',
                 frames_variant: str = 'clip_224x224',
                 ann_file: Optional[str] = None,
                 label_format: str = 'auto',
                 source: str = 'frames',
                 video_dir: str = 'Clip/original',
                 pipeline: List[Union[dict, Callable]] = [],
                 label_order: Union[str, Sequence[str], None] = 'dfew',
                 **kwargs) -> None:
        if label_format not in LABEL_FORMATS:
            raise ValueError(f'label_format must be one of {LABEL_FORMATS}, '
                             f'got {label_format!r}')
        self.label_format = label_format
        self.video_dir = video_dir
        super().__init__(
            data_root=data_root,
            pipeline=pipeline,
            split=split,
            fold=fold,
            ann_file=ann_file,
            label_order=label_order,
            source=source,
            frames_variant=frames_variant,
            **kwargs)

    def _resolve_ann_file(self) -> str:
        tried = []
        for spelling in self.SPLIT_DIR_SPELLINGS:
            path = osp.join(self.data_root_abs, 'EmoLabel_DataSplit',
                            spelling.format(self.split),
                            f'set_{self.fold}.csv')
            if osp.isfile(path):
                return path
            tried.append(path)
        raise DFERDatasetError(
            'DFEW split file not found; tried ' + ', '.join(tried),
            self.data_root_abs)

    def _is_official_location(self, ann_file: str) -> bool:
        parent = osp.basename(osp.dirname(ann_file))
        return (osp.basename(osp.dirname(osp.dirname(ann_file)))
                == 'EmoLabel_DataSplit' and parent.endswith(
                    ('(single-labeled)', '(single_labeled)')))

    def _parse_records(self, ann_file: str,
                       skip: SkipCounter) -> List[Record]:
        lines = read_split_lines(ann_file)
        rows = [(i + 1, [c.strip() for c in row])
                for i, row in enumerate(csv.reader(lines))]
        rows = [(ln, r) for ln, r in rows if any(r)]
        if not rows:
            raise DFERDatasetError('empty split file', ann_file)
        extra_cols: List[str] = []
        first_ln, first = rows[0]
        if len(first) >= 2 and not _ID.match(first[0]) \
                and not _PATHLIKE.search(first[0]):
            # header row, e.g. ``video_name,label[,extra...]``
            extra_cols = [c for c in first[2:] if c]
            for c in extra_cols:
                if c in _RESERVED or not re.match(r'^[A-Za-z_]\w*$', c):
                    raise DFERDatasetError(
                        f'extra header column {c!r} is reserved or not an '
                        'identifier',
                        ann_file, first_ln)
            rows = rows[1:]
        parsed = []
        for ln, row in rows:
            while len(row) > 2 + len(extra_cols) and row[-1] == '':
                row = row[:-1]
            if len(row) != 2 + len(extra_cols):
                raise DFERDatasetError(
                    f'malformed row {",".join(row)!r}: expected '
                    f'{2 + len(extra_cols)} comma-separated fields '
                    '(video_name,label' +
                    ''.join(',' + c for c in extra_cols) + ')', ann_file, ln)
            check_clip_path(row[0], ann_file, ln, num_parts=1,
                            what='video_name')
            m = _ID.match(row[0])
            if m is None:
                raise DFERDatasetError(
                    f'malformed video_name {row[0]!r} (expected an integer '
                    'clip id)', ann_file, ln)
            parsed.append((ln, int(m.group(1)), row[1], row[2:]))
        if not parsed:
            raise DFERDatasetError('split file has a header but no rows',
                                   ann_file)

        ints = [
            int(lab) for _, _, lab, _ in parsed if lab.lstrip('-').isdigit()
        ]
        fmt = self.label_format
        if fmt == 'auto' and ints:
            if 0 in ints and 7 in ints:
                raise DFERDatasetError(
                    'labels contain both 0 and 7: neither 1-based nor '
                    '0-based', ann_file)
            if 0 in ints:
                fmt = 'zero_based'
            elif 7 in ints or self._is_official_location(ann_file):
                fmt = 'official'
            else:
                raise DFERDatasetError(
                    'cannot tell whether labels are 1-based or 0-based (no 0 '
                    "and no 7); set label_format='official' or 'zero_based'",
                    ann_file)
        base = 1 if fmt == 'official' else 0

        records = []
        for ln, vid, lab, extras in parsed:
            if lab.lstrip('-').isdigit():
                k = int(lab) - base
                if not 0 <= k < len(DFEW_OFFICIAL_ORDER):
                    raise DFERDatasetError(
                        f'label {lab} out of range for '
                        f'{"1..7" if base else "0..6"} ({fmt} format)',
                        ann_file, ln)
                name = DFEW_OFFICIAL_ORDER[k]
            else:
                name = lab
            clip_id = f'{vid:05d}'
            rec: Record = dict(
                clip_id=clip_id, label_name=name, ann_file=ann_file, line=ln)
            rec.update(zip(extra_cols, extras))
            if self.source == 'video':
                rec['filename'] = osp.join(self.data_root_abs,
                                           self.video_dir, f'{clip_id}.mp4')
            else:
                rec['frame_dir'] = osp.join(self.data_root_abs, 'Clip',
                                            self.frames_variant, clip_id)
            records.append(rec)
        return records
