"""MAFW (Liu et al., ACM MM 2022), single-label set, 5 folds."""
import os.path as osp
from typing import Callable, Dict, List, Optional, Sequence, Union

from mmaction.registry import DATASETS

from .base_dfer import BaseDFERDataset, Record
from .errors import DFERDatasetError, SkipCounter
from .split_files import check_clip_path, read_split_lines


@DATASETS.register_module()
class MAFWDataset(BaseDFERDataset):
    """MAFW single-label (11 classes), 5-fold cross-validation.

    Layout (``data_root`` = the MAFW release folder)::

        anno/single/no_caption/set_<k>/{train,test}.txt    # "03747.mp4 anger"
        anno/single/with_caption/set_<k>/{train,test}.txt  # GBK, TABs
        data/<frames_variant>/<NNNNN>/*.jpg|png            # frames / faces
        <video_dir>/<NNNNN>.mp4                            # source='video'

    ``no_caption`` lines are ``<file> <label word>``; compound labels (joined
    with ``_``) are rejected as unknown labels. Captions are optional
    (``with_captions=True``): the GBK, tab-separated ``with_caption`` file of
    the same fold/split is read and ``caption_zh`` / ``caption_en`` are added
    to the samples it covers (empty strings for the others; the caption files
    cover fewer clips).

    Args:
        data_root (str): MAFW root.
        fold (int): 1..5.
        split (str): ``'train'`` or ``'test'``.
        frames_variant (str): frame folder under ``data/`` (``'frames'``
            as in MAE-DFER, ``'faces'`` as in DFER-CLIP).
        with_captions (bool): attach the bilingual captions.
        caption_encoding (str): encoding of the caption files (``'gbk'``).
        video_dir (str): mp4 folder relative to ``data_root``.
        ann_file (str, optional): explicit ``no_caption``-style file.
        **kwargs: see :class:`BaseDFERDataset` (``label_order`` presets:
            ``'mafw'`` (= ``'mae_dfer'``, default), ``'dfer_clip'``,
            ``'alphabetical'``).
    """

    DATASET_NAME = 'mafw'

    def __init__(self,
                 data_root: str,
                 fold: int = 1,
                 split: str = 'train',
                 frames_variant: str = 'frames',
                 with_captions: bool = False,
                 caption_encoding: str = 'gbk',
                 video_dir: str = 'data/clips',
                 ann_file: Optional[str] = None,
                 pipeline: List[Union[dict, Callable]] = [],
                 label_order: Union[str, Sequence[str], None] = 'mafw',
                 **kwargs) -> None:
        self.with_captions = with_captions
        self.caption_encoding = caption_encoding
        self.video_dir = video_dir
        super().__init__(
            data_root=data_root,
            pipeline=pipeline,
            split=split,
            fold=fold,
            ann_file=ann_file,
            label_order=label_order,
            frames_variant=frames_variant,
            **kwargs)

    def _anno(self, kind: str) -> str:
        return osp.join(self.data_root_abs, 'anno', 'single', kind,
                        f'set_{self.fold}', f'{self.split}.txt')

    def _resolve_ann_file(self) -> str:
        path = self._anno('no_caption')
        if not osp.isfile(path):
            raise DFERDatasetError('MAFW split file not found', path)
        return path

    def _read_captions(self) -> Dict[str, tuple]:
        path = self._anno('with_caption')
        if not osp.isfile(path):
            raise DFERDatasetError('MAFW caption file not found', path)
        caps = {}
        lines = [
            raw.rstrip('\r\n')
            for raw in read_split_lines(path, self.caption_encoding)
        ]
        for ln, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            parts = line.split('\t')
            if len(parts) < 4:
                raise DFERDatasetError(
                    'malformed caption line: expected '
                    'file<TAB>label<TAB>Chinese<TAB>English', path, ln)
            caps[parts[0].strip()] = (parts[2].strip(),
                                      '\t'.join(parts[3:]).strip())
        return caps

    def _parse_records(self, ann_file: str,
                       skip: SkipCounter) -> List[Record]:
        caps = self._read_captions() if self.with_captions else None
        records = []
        for ln, raw in enumerate(read_split_lines(ann_file), start=1):
            line = raw.strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 2:
                raise DFERDatasetError(
                    f'malformed line {line!r}: expected "<NNNNN>.mp4 '
                    '<label>"', ann_file, ln)
            fname, label = parts
            check_clip_path(fname, ann_file, ln, num_parts=1,
                            what='clip file')
            stem = osp.splitext(fname)[0]
            if not stem.isdigit():
                raise DFERDatasetError(
                    f'malformed clip name {fname!r}', ann_file, ln)
            rec: Record = dict(
                clip_id=stem, label_name=label, ann_file=ann_file, line=ln)
            if self.source == 'video':
                rec['filename'] = osp.join(self.data_root_abs,
                                           self.video_dir, fname)
            else:
                rec['frame_dir'] = osp.join(self.data_root_abs, 'data',
                                            self.frames_variant, stem)
            if caps is not None:
                zh, en = caps.get(fname, ('', ''))
                rec['caption_zh'], rec['caption_en'] = zh, en
            records.append(rec)
        return records
