"""FERV39kDataset and MAFWDataset on fake official trees."""

import numpy as np
import pytest
from mmaction.registry import DATASETS

from mmhdf.datasets import (DFERDatasetError, FERV39kDataset, MAFWDataset,
                            get_label_order)
from mmhdf.testing.fake_dfer import (FERV_TEST, FERV_TRAIN, MAFW_LABELS,
                                     make_ferv39k, make_mafw)


def _infos(ds):
    return [ds.get_data_info(i) for i in range(len(ds))]


@pytest.fixture(scope='module')
def ferv_root(tmp_path_factory):
    return make_ferv39k(str(tmp_path_factory.mktemp('FERV39k')))


@pytest.fixture(scope='module')
def mafw_root(tmp_path_factory):
    return make_mafw(str(tmp_path_factory.mktemp('MAFW')))


def test_ferv39k_counts_labels_scenes_no_header(ferv_root):
    train = FERV39kDataset(ferv_root, split='train')
    test = FERV39kDataset(ferv_root, split='test', test_mode=True)
    # no line is skipped as a "header": first row Crime/Angry/0063 is kept
    assert len(train) == len(FERV_TRAIN) == 15
    assert len(test) == len(FERV_TEST) == 3
    infos = _infos(train)
    assert infos[0]['clip_id'] == 'Crime/Angry/0063'
    assert infos[0]['scene'] == 'Crime'
    names = train.metainfo['classes']
    assert names == ('Happy', 'Sad', 'Neutral', 'Angry', 'Surprise',
                     'Disgust', 'Fear')
    for info, (sc, emo, _, n) in zip(infos, FERV_TRAIN):
        assert names[info['label']] == emo and info['scene'] == sc
        assert info['total_frames'] == n
        # doubled 2_ClipsforFaceCrop nesting resolved
        assert '2_ClipsforFaceCrop/2_ClipsforFaceCrop' in info['frame_dir']
    assert train.metainfo['scenes'] == ['Crime', 'DailyLife', 'Interview']
    assert train.metainfo['fold'] is None
    alpha = FERV39kDataset(ferv_root, split='train',
                           label_order='alphabetical')
    assert [alpha.metainfo['classes'][d['label']] for d in _infos(alpha)] \
        == [r[1] for r in FERV_TRAIN]


def test_ferv39k_single_nesting_and_scene_reaches_sample(tmp_path):
    root = make_ferv39k(str(tmp_path / 'F'), double_nested=False)
    pipeline = [
        dict(type='DFERUniformSample', clip_len=16, test_mode=True),
        dict(type='DFERFrameDecode'),
        dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackActionInputs', algorithm_keys=('scene', )),
    ]
    ds = DATASETS.build(
        dict(type='FERV39kDataset', data_root=root, split='train',
             pipeline=pipeline, test_mode=True))
    idx = [d['clip_id'] for d in _infos(ds)].index('Interview/Fear/0002')
    out = ds[idx]  # 8-frame clip padded to 16
    assert tuple(out['inputs'].shape) == (1, 3, 16, 8, 8)
    assert out['data_samples'].scene == 'Interview'


def test_ferv39k_errors(tmp_path, ferv_root):
    bad = tmp_path / 'bad.csv'
    bad.write_text('Crime/Angry/0063 Angry\nclip_path label extra\n')
    with pytest.raises(DFERDatasetError, match='bad.csv:2: malformed line'):
        FERV39kDataset(ferv_root, ann_file=str(bad))
    bad.write_text('Crime/Angry/0063 Sad\n')
    with pytest.raises(DFERDatasetError, match='bad.csv:1: label .*disagrees'):
        FERV39kDataset(ferv_root, ann_file=str(bad))
    bad.write_text('Crime/Angry/0063 Angry\nCrime/Joy/0001 Joy\n')
    with pytest.raises(DFERDatasetError, match="bad.csv:2: unknown label"):
        FERV39kDataset(ferv_root, ann_file=str(bad))
    bad.write_text('Crime/Angry/0063 Angry\nWar/Sad/9999 Sad\n')
    with pytest.raises(DFERDatasetError, match='bad.csv:2: frame folder'):
        FERV39kDataset(ferv_root, ann_file=str(bad))
    ds = FERV39kDataset(ferv_root, ann_file=str(bad), on_missing='skip')
    assert len(ds) == 1 and ds.metainfo['num_skipped'] == 1


def test_ferv39k_val_carve(ferv_root):
    tr = FERV39kDataset(ferv_root, val_carve=dict(ratio=0.5, seed=3))
    va = FERV39kDataset(ferv_root,
                        val_carve=dict(ratio=0.5, seed=3, subset='val'))
    a = {d['clip_id'] for d in _infos(tr)}
    b = {d['clip_id'] for d in _infos(va)}
    assert not a & b and len(a | b) == 15
    # round-half-up per class: Angry 3 clips -> 2 val, the 6 others 2 -> 1
    assert len(b) == 8


def test_mafw_counts_labels_folds_png(mafw_root):
    train = MAFWDataset(mafw_root, fold=1, split='train')
    test = MAFWDataset(mafw_root, fold=1, split='test')
    assert len(train) == 16 and len(test) == 6
    assert train.metainfo['classes'] == MAFW_LABELS
    assert len(train.metainfo['classes']) == 11
    infos = _infos(train)
    assert [train.metainfo['classes'][d['label']] for d in infos] == \
        [MAFW_LABELS[(i - 1) % 11] for i in range(1, 17)]
    assert infos[1]['total_frames'] == 10
    assert infos[0]['filename_tmpl'] == '{}.png'
    assert train.metainfo['frames_variant'] == 'frames'
    assert 'caption_en' not in infos[0]
    test_ids = {d['clip_id'] for d in _infos(test)}
    assert not test_ids & {d['clip_id'] for d in infos}
    for preset in ('dfer_clip', 'alphabetical', 'mae_dfer'):
        ds = MAFWDataset(mafw_root, fold=1, split='train',
                         label_order=preset)
        order = get_label_order('mafw', preset)
        got = [order[d['label']].lower() for d in _infos(ds)]
        assert got == [MAFW_LABELS[(i - 1) % 11] for i in range(1, 17)]


def test_mafw_gbk_captions(mafw_root):
    ds = MAFWDataset(mafw_root, fold=1, split='train', with_captions=True)
    infos = {d['clip_id']: d for d in _infos(ds)}
    assert infos['00002']['caption_zh'] == '一个人在笑2'
    assert infos['00002']['caption_en'] == 'A person 2'
    assert infos['00001']['caption_en'] == ''  # not covered by captions


def test_mafw_errors(tmp_path, mafw_root):
    bad = tmp_path / 'bad.txt'
    bad.write_text('00001.mp4 anger\n00002.mp4 anger_disgust\n')
    with pytest.raises(DFERDatasetError,
                       match="bad.txt:2: unknown label name 'anger_disgust'"):
        MAFWDataset(mafw_root, ann_file=str(bad))
    bad.write_text('00001.mp4\n')
    with pytest.raises(DFERDatasetError, match='bad.txt:1: malformed line'):
        MAFWDataset(mafw_root, ann_file=str(bad))
    with pytest.raises(DFERDatasetError, match='split file not found'):
        MAFWDataset(mafw_root, fold=4)


def test_mafw_decode_png_frames(mafw_root):
    pipeline = [
        dict(type='DFERUniformSample', clip_len=16, test_mode=True),
        dict(type='DFERFrameDecode'),
    ]
    ds = MAFWDataset(mafw_root, split='train', pipeline=pipeline,
                     test_mode=True)
    out = ds[1]  # 10 frames -> padded
    vals = [int(im[0, 0, 0]) for im in out['imgs']]
    assert vals == [10 * (k + 1) for k in
                    (2 * np.arange(16) + 1) * 10 // 32]
