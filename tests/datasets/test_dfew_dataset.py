"""DFEWDataset on fake trees in the official layout."""
import os
import os.path as osp
import shutil

import numpy as np
import pytest
from mmaction.registry import DATASETS

from mmhdf.datasets import DFERDatasetError, DFEWDataset
from mmhdf.testing.fake_dfer import (DFEW_CLIPS, DFEW_FOLD1_TEST,
                                     DFEW_FOLD1_TRAIN, DFEW_NAMES, frame_value,
                                     make_dfew, write_dfew_csv, write_frames)


@pytest.fixture(scope='module')
def dfew_root(tmp_path_factory):
    return make_dfew(str(tmp_path_factory.mktemp('DFEW')))


def _by_id(ds):
    return {ds.get_data_info(i)['clip_id']: ds.get_data_info(i)
            for i in range(len(ds))}


def test_counts_folds_and_labels_by_name(dfew_root):
    train = DFEWDataset(dfew_root, fold=1, split='train')
    test = DFEWDataset(dfew_root, fold=1, split='test', test_mode=True)
    assert len(train) == len(DFEW_FOLD1_TRAIN) == 10
    assert len(test) == len(DFEW_FOLD1_TEST) == 4
    assert train.metainfo['classes'] == DFEW_NAMES
    info = _by_id(train)
    # official 1-based labels -> DFEW order, by name
    for cid in DFEW_FOLD1_TRAIN:
        official = DFEW_CLIPS[cid][0]
        assert info[f'{cid:05d}']['label'] == official - 1
    # unpadded ids in the test CSV are zero-padded
    assert set(_by_id(test)) == {f'{i:05d}' for i in DFEW_FOLD1_TEST}
    # fold 2 uses the underscore spelling (single_labeled)
    train2 = DFEWDataset(dfew_root, fold=2, split='train')
    assert set(_by_id(train2)) == {f'{i:05d}' for i in DFEW_FOLD1_TEST}
    assert train2.ann_file.endswith(osp.join('train(single_labeled)',
                                             'set_2.csv'))


def test_alphabetical_preset_maps_by_name(dfew_root):
    ds = DFEWDataset(dfew_root, fold=1, split='train',
                     label_order='alphabetical')
    names = ds.metainfo['classes']
    assert names[0] == 'Angry' and names[3] == 'Happy'
    info = _by_id(ds)
    for cid in DFEW_FOLD1_TRAIN:
        official_name = DFEW_NAMES[DFEW_CLIPS[cid][0] - 1]
        assert names[info[f'{cid:05d}']['label']] == official_name


def test_frames_discovery_and_metainfo(dfew_root):
    ds = DFEWDataset(dfew_root, fold=1, split='train')
    info = _by_id(ds)
    a = info['00001']
    assert a['total_frames'] == 20
    assert a['filename_tmpl'] == '00001_{:05d}.jpg' and a['offset'] == 1
    assert a['frame_dir'] == osp.join(dfew_root, 'Clip', 'clip_224x224',
                                      '00001')
    assert info['00003']['total_frames'] == 5
    assert ds.metainfo['frames_variant'] == 'clip_224x224'
    assert ds.metainfo['fold'] == 1 and ds.metainfo['split'] == 'train'

    ds16 = DFEWDataset(dfew_root, fold=1, split='train',
                       frames_variant='clip_224x224_16f')
    b = _by_id(ds16)['00003']
    assert ds16.metainfo['frames_variant'] == 'clip_224x224_16f'
    # unpadded 1.jpg..16.jpg: numeric order, not lexicographic
    assert b['total_frames'] == 16
    assert b['filename_tmpl'] == '{}.jpg' and b['offset'] == 1


def test_zero_based_community_csv_and_auto(tmp_path, dfew_root):
    rows = [(i, DFEW_CLIPS[i][0] - 1) for i in DFEW_FOLD1_TRAIN]
    # header-less community copy (S2D-style name), 0-based
    path = write_dfew_csv(str(tmp_path / 'train_set_1.csv'), rows,
                          header=None)
    auto = DFEWDataset(dfew_root, ann_file=path)
    explicit = DFEWDataset(dfew_root, ann_file=path,
                           label_format='zero_based')
    official = DFEWDataset(dfew_root, fold=1, split='train')
    labels = lambda d: {k: v['label'] for k, v in _by_id(d).items()}  # noqa
    assert labels(auto) == labels(explicit) == labels(official)
    # ambiguous file (no 0 and no 7) outside the official tree: refuse
    amb = write_dfew_csv(str(tmp_path / 'amb.csv'), [(1, 1), (2, 2)])
    with pytest.raises(DFERDatasetError, match='label_format'):
        DFEWDataset(dfew_root, ann_file=amb)
    ok = DFEWDataset(dfew_root, ann_file=amb, label_format='official')
    assert [ok.get_data_info(i)['label'] for i in range(2)] == [0, 1]


def test_label_words_and_extra_columns(tmp_path, dfew_root):
    path = write_dfew_csv(
        str(tmp_path / 'x.csv'), [(1, 'happy', 'studio'), (2, 'Sad', 'web')],
        header='video_name,label,domain')
    ds = DFEWDataset(dfew_root, ann_file=path)
    infos = [ds.get_data_info(i) for i in range(2)]
    assert [d['label'] for d in infos] == [0, 1]
    assert [d['domain'] for d in infos] == ['studio', 'web']


@pytest.mark.parametrize(
    'rows,match,line',
    [
        ([('00001', 1), ('00002;2', )], 'malformed row', 3),
        ([('00001', 1), ('clip2', 2)], 'malformed video_name', 3),
        ([('00001', 1), ('00002', 2, 'x', 'y')], 'malformed row', 3),
        ([('00001', 1), ('00002', 'Joy')], "unknown label name 'Joy'", 3),
        ([('00001', 1), ('00002', 9)], 'out of range', 3),
        ([('00001', 1), ('00001', 1)], 'listed twice', 3),
    ])
def test_errors_name_file_and_line(tmp_path, dfew_root, rows, match, line):
    path = write_dfew_csv(str(tmp_path / 'bad.csv'), rows)
    with pytest.raises(DFERDatasetError, match=match) as exc:
        DFEWDataset(dfew_root, ann_file=path, label_format='official')
    assert exc.value.path == path and exc.value.line == line
    assert f'{path}:{line}' in str(exc.value)


def test_missing_frames_error_or_counted_skip(tmp_path):
    root = make_dfew(str(tmp_path / 'DFEW'), with_16f=False)
    shutil.rmtree(osp.join(root, 'Clip', 'clip_224x224', '00004'))
    os.makedirs(osp.join(root, 'Clip', 'clip_224x224', '00005',
                         'not_a_frame'))
    for f in os.listdir(osp.join(root, 'Clip', 'clip_224x224', '00005')):
        if f.endswith('.jpg'):
            os.remove(osp.join(root, 'Clip', 'clip_224x224', '00005', f))
    with pytest.raises(DFERDatasetError, match='00004 not found') as exc:
        DFEWDataset(root, fold=1, split='train')
    assert exc.value.line == 5  # header + 4th row
    ds = DFEWDataset(root, fold=1, split='train', on_missing='skip')
    assert len(ds) == 8
    assert ds.metainfo['num_skipped'] == 2
    assert '00004' not in _by_id(ds) and '00005' not in _by_id(ds)
    with pytest.raises(DFERDatasetError, match='split file not found'):
        DFEWDataset(root, fold=3, split='train')
    with pytest.raises(ValueError):
        DFEWDataset(root, on_missing='ignore')


def test_val_carve_disjoint_covering_stratified(tmp_path):
    # 7 classes x 10 clips, frame folders with 2 frames each
    clips = {i: ((i - 1) % 7 + 1, 2) for i in range(1, 71)}
    root = str(tmp_path / 'DFEW')
    for cid in clips:
        write_frames(osp.join(root, 'Clip', 'clip_224x224', f'{cid:05d}'),
                     2, 'dfew', f'{cid:05d}', size=4)
    rows = [(i, clips[i][0]) for i in clips]
    write_dfew_csv(osp.join(root, 'EmoLabel_DataSplit',
                            'train(single-labeled)', 'set_1.csv'), rows)
    kw = dict(data_root=root, fold=1, split='train')
    carve = dict(ratio=0.2, seed=0)
    tr = DFEWDataset(**kw, val_carve=dict(carve, subset='train'))
    va = DFEWDataset(**kw, val_carve=dict(carve, subset='val'))
    full = DFEWDataset(**kw)
    tr_ids, va_ids = set(_by_id(tr)), set(_by_id(va))
    assert not tr_ids & va_ids
    assert tr_ids | va_ids == set(_by_id(full))
    assert len(va) == 14
    # stratified: 2 per class
    assert sorted(va.class_counts()) == [2] * 7
    assert va.metainfo['val_carve'] == dict(ratio=0.2, seed=0, subset='val')
    # deterministic, independent of row order and label order
    rev = write_dfew_csv(str(tmp_path / 'rev.csv'), rows[::-1])
    va2 = DFEWDataset(root, ann_file=rev, label_format='official',
                      label_order='alphabetical',
                      val_carve=dict(carve, subset='val'))
    assert set(_by_id(va2)) == va_ids
    va3 = DFEWDataset(**kw, val_carve=dict(ratio=0.2, seed=1, subset='val'))
    assert set(_by_id(va3)) != va_ids


def test_registry_build_and_pipeline(dfew_root):
    pipeline = [
        dict(type='DFERUniformSample', clip_len=16, test_mode=True),
        dict(type='DFERFrameDecode'),
        dict(type='Resize', scale=(8, 8), keep_ratio=False),
        dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackActionInputs'),
    ]
    ds = DATASETS.build(
        dict(type='DFEWDataset', data_root=dfew_root, fold=1, split='train',
             pipeline=pipeline, test_mode=True))
    idx = [ds.get_data_info(i)['clip_id'] for i in range(len(ds))]
    short = ds[idx.index('00003')]
    assert tuple(short['inputs'].shape) == (1, 3, 16, 8, 8)
    # 5-frame clip padded to 16 by repetition, in order (stretch)
    means = short['inputs'][0, 0, :, 4, 4].float().numpy()
    expected = [frame_value(k + 1) for k in
                (2 * np.arange(16) + 1) * 5 // 32]
    assert np.allclose(means, expected, atol=3)
    # deterministic test sampling
    again = ds[idx.index('00003')]
    assert (again['inputs'] == short['inputs']).all()
    assert int(short['data_samples'].gt_label) == DFEW_CLIPS[3][0] - 1


def test_stock_rawframedecode_and_frame_list(tmp_path):
    root = str(tmp_path / 'DFEW')
    # contiguous frames -> template usable by mmaction2's RawFrameDecode
    write_frames(osp.join(root, 'Clip', 'clip_224x224', '00001'), 18, 'dfew',
                 '00001')
    # a gap -> explicit sorted frame list
    write_frames(osp.join(root, 'Clip', 'clip_224x224', '00002'), 18,
                 'plain', skip=[4])
    write_dfew_csv(osp.join(root, 'EmoLabel_DataSplit',
                            'test(single-labeled)', 'set_1.csv'),
                   [(1, 1), (2, 7)])
    stock = [
        dict(type='DFERUniformSample', clip_len=16, test_mode=True),
        dict(type='RawFrameDecode'),
    ]
    ds = DFEWDataset(root, split='test', pipeline=stock, test_mode=True)
    out = ds[0]
    assert len(out['imgs']) == 16
    inds = (2 * np.arange(16) + 1) * 18 // 32
    assert [int(im[0, 0, 0]) for im in out['imgs']] == pytest.approx(
        [frame_value(k + 1) for k in inds], abs=3)
    info = ds.get_data_info(1)
    assert info['filename_tmpl'] is None and len(info['frame_list']) == 17
    assert info['frame_list'][:4] == ['1.jpg', '2.jpg', '3.jpg', '5.jpg']
    own = [
        dict(type='DFERUniformSample', clip_len=16, test_mode=True),
        dict(type='DFERFrameDecode'),
    ]
    ds2 = DFEWDataset(root, split='test', pipeline=own, test_mode=True)
    got = [int(im[0, 0, 0]) for im in ds2[1]['imgs']]
    numbers = [int(n.split('.')[0]) for n in info['frame_list']]
    inds = (2 * np.arange(16) + 1) * 17 // 32
    assert got == pytest.approx([frame_value(numbers[i]) for i in inds],
                                abs=3)


def test_video_source(tmp_path):
    pytest.importorskip('decord')
    clips = {1: (1, 12), 2: (6, 20)}
    root = make_dfew(str(tmp_path / 'DFEW'), clips=clips, with_16f=False,
                     with_video=True)
    write_dfew_csv(osp.join(root, 'EmoLabel_DataSplit',
                            'test(single-labeled)', 'set_3.csv'),
                   [(1, 1), (2, 6)])
    pipeline = [
        dict(type='SafeDecordInit'),
        dict(type='DFERUniformSample', clip_len=16, test_mode=True),
        dict(type='SafeDecordDecode'),
        dict(type='Resize', scale=(8, 8), keep_ratio=False),
        dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackActionInputs'),
    ]
    ds = DFEWDataset(root, fold=3, split='test', source='video',
                     pipeline=pipeline, test_mode=True)
    assert ds.metainfo['source'] == 'video'
    out = ds[1]
    assert tuple(out['inputs'].shape) == (1, 3, 16, 8, 8)
    assert int(out['data_samples'].gt_label) == 5
    os.remove(osp.join(root, 'Clip', 'original', '00002.mp4'))
    with pytest.raises(DFERDatasetError,
                       match='00002.mp4 of clip 00002 not found'):
        DFEWDataset(root, fold=3, split='test', source='video')


def test_embedded_benchmark_layout_cpu_snippet(tmp_path):
    """Generated DFEW-layout benchmark: custom split names, 68 px frames,
    a per-sample ``domain`` column, the 16x64^2 CPU pipeline."""
    import torch
    from mmengine.evaluator import Evaluator
    root = str(tmp_path / 'bench')
    for cid in range(1, 8):
        write_frames(osp.join(root, 'Clip', 'clip_224x224', f'{cid:05d}'),
                     12 + cid, 'dfew', f'{cid:05d}', size=68)
    for split in ('val', 'test_shifted'):
        write_dfew_csv(
            osp.join(root, 'EmoLabel_DataSplit', f'{split}(single-labeled)',
                     'set_1.csv'),
            [(c, c, 'studio' if c % 2 else 'phone') for c in range(1, 8)],
            header='video_name,label,domain')
    val_pipeline = [
        dict(type='DFERUniformSample', clip_len=16, test_mode=True),
        dict(type='DFERFrameDecode'),
        dict(type='Resize', scale=(64, 64), keep_ratio=False),
        dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackActionInputs', algorithm_keys=('domain', )),
    ]
    ev = Evaluator(dict(type='DFERMetric', group_key='domain',
                        save_dir=str(tmp_path / 'out'), tag='test_shifted'))
    for split in ('val', 'test_shifted'):
        ds = DATASETS.build(
            dict(type='DFEWDataset', data_root=root, fold=1, split=split,
                 pipeline=val_pipeline, test_mode=True))
        assert len(ds) == 7 and ds.metainfo['split'] == split
    ev.dataset_meta = ds.metainfo
    samples = []
    for i in range(len(ds)):
        out = ds[i]
        assert tuple(out['inputs'].shape) == (1, 3, 16, 64, 64)
        s = out['data_samples']
        assert s.domain == ('studio' if (i + 1) % 2 else 'phone')
        s.set_pred_score(torch.eye(7)[0])  # always predicts Happy
        samples.append(s)
    ev.process(samples)
    res = ev.evaluate(len(samples))
    assert res['dfer/WAR'] == pytest.approx(100 / 7)
    # studio holds Happy (1), so its UAR is 25 (1 of 4 classes right)
    assert res['dfer/domain_UAR/studio'] == pytest.approx(25.0)
    assert res['dfer/worst_group_UAR'] == pytest.approx(0.0)
