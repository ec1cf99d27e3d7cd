"""FERV39k (Wang et al., CVPR 2022) in its official release layout."""
import os.path as osp
from typing import Callable, List, Optional, Sequence, Union

from mmaction.registry import DATASETS

from .base_dfer import BaseDFERDataset, Record
from .errors import DFERDatasetError, SkipCounter
from .label_presets import canonical_emotion
from .split_files import check_clip_path, read_split_lines


@DATASETS.register_module()
class FERV39kDataset(BaseDFERDataset):
    """FERV39k, single official train/test split, 22 scenes.

    Layout (``data_root`` = the FERV39k release folder)::

        2_ClipsforFaceCrop/<Scene>/<Emotion>/<NNNN>/*.jpg
        2_ClipsforFaceCrop/2_ClipsforFaceCrop/<Scene>/...   # tolerated
        4_setups/All_scenes/train_All.csv, test_All.csv

    Split lines are ``<Scene>/<Emotion>/<NNNN> <Emotion>`` (space-separated,
    **no header**; every line is a sample). The label word is mapped by name
    (``label_order`` preset, DFEW order by default) and must agree with the
    emotion folder of the path. The scene (first path component) is kept per
    sample as ``scene`` for per-scene UAR (``DFERMetric(group_key='scene')``
    with ``PackActionInputs(algorithm_keys=('scene',))``).

    Args:
        data_root (str): FERV39k root.
        split (str): ``'train'`` or ``'test'`` (file ``<split>_All.csv``).
        frames_variant (str): frame folder, ``'2_ClipsforFaceCrop'``
            (face crops, default) or ``'3_ClipsforScenImages'``. The doubled
            ``<variant>/<variant>/`` nesting of some downloads is detected.
        setup (str): folder under ``4_setups``. For ``'All_scenes'`` the
            file is ``<split>_All.csv``; other setups are looked up as
            ``<split>_<setup>.csv`` (the per-scene file names are not
            documented: pass ``ann_file`` when they differ).
        ann_file (str, optional): explicit split file.
        **kwargs: see :class:`BaseDFERDataset`.
    """

    DATASET_NAME = 'ferv39k'
    SOURCES = ('frames', )

    def __init__(self,
                 data_root: str,
                 split: str = 'train',
                 frames_variant: str = '2_ClipsforFaceCrop',
                 setup: str = 'All_scenes',
                 ann_file: Optional[str] = None,
                 pipeline: List[Union[dict, Callable]] = [],
                 label_order: Union[str, Sequence[str], None] = 'dfew',
                 **kwargs) -> None:
        self.setup = setup
        kwargs.pop('fold', None)
        super().__init__(
            data_root=data_root,
            pipeline=pipeline,
            split=split,
            fold=None,
            ann_file=ann_file,
            label_order=label_order,
            frames_variant=frames_variant,
            **kwargs)

    def load_data_list(self) -> List[dict]:
        """Load samples and record the sorted scene names in metainfo."""
        data_list = super().load_data_list()
        self._metainfo['scenes'] = sorted({d['scene'] for d in data_list})
        return data_list

    def _resolve_ann_file(self) -> str:
        suffix = 'All' if self.setup == 'All_scenes' else self.setup
        path = osp.join(self.data_root_abs, '4_setups', self.setup,
                        f'{self.split}_{suffix}.csv')
        if not osp.isfile(path):
            raise DFERDatasetError('FERV39k split file not found', path)
        return path

    def _frames_root(self) -> str:
        outer = osp.join(self.data_root_abs, self.frames_variant)
        inner = osp.join(outer, self.frames_variant)
        return inner if osp.isdir(inner) else outer

    def _parse_records(self, ann_file: str,
                       skip: SkipCounter) -> List[Record]:
        root = self._frames_root()
        records = []
        for ln, raw in enumerate(read_split_lines(ann_file), start=1):
            line = raw.strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 2:
                raise DFERDatasetError(
                    f'malformed line {line!r}: expected '
                    '"<Scene>/<Emotion>/<NNNN> <Emotion>" (space-'
                    'separated, no header)', ann_file, ln)
            rel, label = parts
            comps = check_clip_path(rel, ann_file, ln)
            if len(comps) != 3:
                raise DFERDatasetError(
                    f'malformed clip path {rel!r}: expected '
                    '<Scene>/<Emotion>/<NNNN>', ann_file, ln)
            scene, folder_emotion, _ = comps
            try:
                same = (canonical_emotion(folder_emotion)
                        == canonical_emotion(label))
            except KeyError:
                same = True  # the unknown word is reported below
            if not same:
                raise DFERDatasetError(
                    f'label {label!r} disagrees with the emotion folder '
                    f'of {rel!r}', ann_file, ln)
            records.append(
                dict(
                    clip_id='/'.join(comps),
                    label_name=label,
                    scene=scene,
                    ann_file=ann_file,
                    line=ln,
                    frame_dir=osp.join(root, *comps)))
        return records
