"""Every bad input of issue 9 gives a clear error naming the file (and line),
or, under ``on_corrupt='skip'``, a logged and counted skip.

In-process and fast; the full training run with skips is in
``test_skip_training.py``, the ``load_from`` refusal in
``test_load_from_refusal.py``.
"""
import os
import os.path as osp
import shutil

import numpy as np
import pytest
from mmaction.registry import DATASETS
from mmengine.config import Config

from mmhdf.datasets import DFEWDataset, DFERDatasetError
from mmhdf.datasets.bad_samples import (SKIP_LOG_ENV, CorruptMediaError,
                                        local_skips, read_skip_log)
from mmhdf.datasets.transforms import DFERFrameDecode
from mmhdf.utils.config_checks import ConfigError, check_config
from mmhdf.testing.fake_dfer import make_dfew, write_dfew_csv
from mmhdf.testing.videos import make_video_dataset, write_video

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DFEW_CFG = osp.join(ROOT, ('configs/recognition/baselines/'
                           'x3d_s_8xb32-16x112-300e_dfew-fold1.py'))
VIDEO_CFG = osp.join(ROOT,
                     ('configs/recognition/baselines/'
                      'r3d18-w16_8xb8-16x64-30e_video.py'))


def frames_pipeline(on_corrupt='error', clip_len=4, test_mode=False):
    return [
        dict(type='DFERUniformSample', clip_len=clip_len,
             test_mode=test_mode),
        dict(type='DFERFrameDecode', on_corrupt=on_corrupt),
        dict(type='Resize', scale=(8, 8), keep_ratio=False),
        dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackActionInputs',
             meta_keys=('frame_dir', 'filename', 'clip_id')),
    ]


def video_pipeline(on_corrupt='error', clip_len=4, test_mode=False):
    return [
        dict(type='SafeDecordInit', on_corrupt=on_corrupt),
        dict(type='DFERUniformSample', clip_len=clip_len,
             test_mode=test_mode),
        dict(type='SafeDecordDecode', on_corrupt=on_corrupt),
        dict(type='Resize', scale=(8, 8), keep_ratio=False),
        dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackActionInputs',
             meta_keys=('frame_dir', 'filename', 'clip_id')),
    ]


@pytest.fixture
def dfew(tmp_path):
    """Fake DFEW (frames + mp4) and a 2-row split: clips 00001, 00002."""
    root = make_dfew(str(tmp_path / 'DFEW'), clips={1: (1, 6), 2: (2, 6)},
                     with_16f=False, with_video=True)
    ann = write_dfew_csv(osp.join(root, 'EmoLabel_DataSplit',
                                  'train(single-labeled)', 'set_9.csv'),
                         [(1, 1), (2, 2)])  # official 1..7 labels
    return root, ann


def clip_dir(root, cid):
    return osp.join(root, 'Clip', 'clip_224x224', f'{cid:05d}')


def corrupt_all_frames(folder, data):
    for name in os.listdir(folder):
        with open(osp.join(folder, name), 'wb') as f:
            f.write(data)
    return osp.join(folder, sorted(os.listdir(folder))[0])


# ------------------------------------------------------------ frames
@pytest.mark.parametrize('test_mode', [False, True])
@pytest.mark.parametrize('data,what', [
    (b'', 'zero-byte frame file'),
    (np.random.default_rng(0).bytes(600),
     'corrupt frame, not a decodable image'),
])
def test_bad_frame_is_a_clear_error(dfew, data, what, test_mode):
    root, ann = dfew
    folder = clip_dir(root, 1)
    first = corrupt_all_frames(folder, data)
    ds = DFEWDataset(root, ann_file=ann, test_mode=test_mode,
                     pipeline=frames_pipeline(test_mode=test_mode))
    with pytest.raises(CorruptMediaError) as exc:
        ds[0]
    assert str(exc.value) == f'{first}: {what} (frame of clip folder {folder})'
    assert isinstance(exc.value, OSError)
    assert isinstance(exc.value, DFERDatasetError)


def test_frame_deleted_after_indexing_and_odd_size_frame(dfew):
    root, ann = dfew
    folder = clip_dir(root, 1)
    names = sorted(os.listdir(folder))
    ds = DFEWDataset(root, ann_file=ann, pipeline=frames_pipeline(
        clip_len=6, test_mode=True), test_mode=True)
    os.remove(osp.join(folder, names[2]))
    with pytest.raises(CorruptMediaError) as exc:
        ds[0]
    assert str(exc.value) == (f'{osp.join(folder, names[2])}: frame file '
                              f'not found (frame of clip folder {folder})')
    import cv2
    cv2.imwrite(osp.join(folder, names[2]), np.zeros((9, 9, 3), np.uint8))
    with pytest.raises(CorruptMediaError) as exc:
        ds[0]
    assert str(exc.value) == (
        f'{osp.join(folder, names[2])}: frame has shape (9, 9, 3) but the '
        f'first sampled frame of clip folder {folder} has (16, 16, 3)')


def test_bad_frame_skipped_in_training_and_logged(dfew, tmp_path,
                                                  monkeypatch):
    root, ann = dfew
    log = str(tmp_path / 'skips.jsonl')
    monkeypatch.setenv(SKIP_LOG_ENV, log)
    first = corrupt_all_frames(clip_dir(root, 1), b'')
    ds = DFEWDataset(root, ann_file=ann,
                     pipeline=frames_pipeline(on_corrupt='skip'))
    out = ds[0]  # clip 1 is corrupt: mmengine draws another sample
    assert out['data_samples'].metainfo['frame_dir'] == clip_dir(root, 2)
    records, _ = read_skip_log(log)
    assert records and all(r['file'] == first for r in records)
    assert records[0]['clip'] == clip_dir(root, 1)
    assert records[0]['reason'].startswith(f'{first}: zero-byte frame file')


def test_skip_without_report_hook_is_still_counted(dfew):
    root, ann = dfew
    first = corrupt_all_frames(clip_dir(root, 1), b'')
    t = DFERFrameDecode(on_corrupt='skip')
    before = len(local_skips())
    res = dict(frame_dir=clip_dir(root, 1), frame_inds=np.array([0]),
               filename_tmpl='00001_{:05d}.jpg', offset=1, start_index=0)
    assert t(res) is None
    assert local_skips()[before]['file'] == first
    with pytest.raises(ValueError, match='on_corrupt must be one of'):
        DFERFrameDecode(on_corrupt='ignore')


def test_short_clip_is_padded_not_an_error(tmp_path):
    """A 3-frame clip with clip_len=8: padded by repetition (stretch)."""
    root = make_dfew(str(tmp_path / 'DFEW'), clips={1: (1, 3)},
                     with_16f=False)
    ann = write_dfew_csv(str(tmp_path / 'one.csv'), [(1, 1)])
    ds = DFEWDataset(root, ann_file=ann, test_mode=True,
                     label_format='official',
                     pipeline=frames_pipeline(clip_len=8, test_mode=True))
    out = ds[0]
    assert tuple(out['inputs'].shape) == (1, 3, 8, 8, 8)
    info = ds.get_data_info(0)
    assert info['total_frames'] == 3


# ------------------------------------------------------- split files
@pytest.mark.parametrize('rows,header,line,msg', [
    ([('00001', 1), ('00002;2', )], 'video_name,label', 3,
     "malformed row '00002;2': expected 2 comma-separated fields "
     '(video_name,label)'),
    ([('00001', 1), ('00002', 'Joy')], 'video_name,label', 3,
     "unknown label name 'Joy' for dfew (classes: Happy, Sad, Neutral, "
     'Angry, Surprise, Disgust, Fear)'),
    ([], None, None, 'empty split file'),
    ([], 'video_name,label', None, 'split file has a header but no rows'),
])
def test_split_file_errors_name_file_and_line(dfew, tmp_path, rows, header,
                                              line, msg):
    root, _ = dfew
    path = write_dfew_csv(str(tmp_path / 'bad.csv'), rows, header=header)
    with pytest.raises(DFERDatasetError) as exc:
        DFEWDataset(root, ann_file=path, label_format='official')
    where = path if line is None else f'{path}:{line}'
    assert str(exc.value) == f'{where}: {msg}'


def test_missing_frame_folder_error_or_counted_skip(dfew):
    root, ann = dfew
    shutil.rmtree(clip_dir(root, 2))
    with pytest.raises(DFERDatasetError) as exc:
        DFEWDataset(root, ann_file=ann)
    assert str(exc.value) == (f'{ann}:3: frame folder {clip_dir(root, 2)} '
                              'of clip 00002 not found')
    ds = DFEWDataset(root, ann_file=ann, on_missing='skip')
    assert len(ds) == 1 and ds.metainfo['num_skipped'] == 1


# ------------------------------------------------------------ videos
@pytest.mark.parametrize('kind', ['zero', 'random', 'truncated'])
def test_bad_mp4_dfew_video_source(dfew, kind):
    root, ann = dfew
    path = osp.join(root, 'Clip', 'original', '00002.mp4')
    data = open(path, 'rb').read()
    data = {'zero': b'', 'random': np.random.default_rng(1).bytes(3000),
            'truncated': data[:len(data) // 2]}[kind]
    open(path, 'wb').write(data)
    ds = DFEWDataset(root, ann_file=ann, source='video', test_mode=True,
                     pipeline=video_pipeline(test_mode=True))
    assert ds[0]['data_samples'].metainfo['filename'].endswith('00001.mp4')
    with pytest.raises(CorruptMediaError) as exc:
        ds[1]
    if kind == 'zero':
        assert str(exc.value) == f'{path}: zero-byte video file (clip 00002)'
    else:
        assert str(exc.value).startswith(
            f'{path}: corrupt or truncated video, decord cannot open it '
            '(clip 00002): ')


@pytest.mark.parametrize('kind', ['zero', 'random'])
def test_bad_mp4_video_dataset_error_and_skip(tmp_path, monkeypatch, kind):
    """mmaction2's VideoDataset + mmhdf's SafeDecordInit / SafeDecordDecode
    (its own names; mmaction2's DecordInit / DecordDecode stay stock)."""
    root = str(tmp_path / 'v')
    ann, items = make_video_dataset(root, num_classes=2, per_class=1,
                                    num_frames=6, size=32)
    bad = osp.join(root, items[0][0])
    open(bad, 'wb').write(
        b'' if kind == 'zero' else np.random.default_rng(2).bytes(2000))
    cfg = dict(type='VideoDataset', ann_file=ann,
               data_prefix=dict(video=root))
    ds = DATASETS.build(dict(cfg, pipeline=video_pipeline(test_mode=True),
                             test_mode=True))
    with pytest.raises(CorruptMediaError) as exc:
        ds[0]
    if kind == 'zero':
        assert str(exc.value) == f'{bad}: zero-byte video file'
    else:
        assert str(exc.value).startswith(
            f'{bad}: corrupt or truncated video, decord cannot open it: ')
    log = str(tmp_path / 'skips.jsonl')
    monkeypatch.setenv(SKIP_LOG_ENV, log)
    ds = DATASETS.build(dict(cfg, pipeline=video_pipeline('skip')))
    out = ds[0]
    assert out['data_samples'].metainfo['filename'] == osp.join(
        root, items[1][0])
    records, _ = read_skip_log(log)
    assert records[0]['file'] == bad
    assert records[0]['transform'] == 'SafeDecordInit'


def test_undecodable_frames_of_an_opened_video(tmp_path):
    """SafeDecordDecode names the video when frame decoding fails."""
    path = str(tmp_path / 'a.mp4')
    write_video(path, 0, num_frames=6, size=32)
    from mmaction.registry import TRANSFORMS
    init = TRANSFORMS.build(dict(type='SafeDecordInit'))
    dec = TRANSFORMS.build(dict(type='SafeDecordDecode'))
    res = init(dict(filename=path, clip_id='00007'))
    res['frame_inds'] = np.array([0, 99])  # past the end
    with pytest.raises(CorruptMediaError) as exc:
        dec(res)
    assert str(exc.value).startswith(
        f'{path}: cannot decode frames [0, 99] of video (clip 00007): ')


# ----------------------------------------------------- config fields
@pytest.fixture
def dfew_cfg(dfew):
    root, _ = dfew
    cfg = Config.fromfile(DFEW_CFG)
    for p in ('train', 'val', 'test'):
        cfg[f'{p}_dataloader'].dataset.data_root = root
    return cfg


def test_unknown_dataset_argument(dfew_cfg):
    dfew_cfg.train_dataloader.dataset.flod = 2
    with pytest.raises(ConfigError) as exc:
        check_config(dfew_cfg, 'cfg.py')
    assert str(exc.value).startswith(
        'cfg.py: train_dataloader.dataset (type=DFEWDataset): DFEWDataset '
        "has no argument 'flod' (did you mean 'fold'?); accepted: ")


def test_typo_transform_type(dfew_cfg):
    dfew_cfg.val_dataloader.dataset.pipeline[1].type = 'DFERFrameDecod'
    with pytest.raises(ConfigError) as exc:
        check_config(dfew_cfg, 'cfg.py')
    assert str(exc.value) == (
        "cfg.py: val_dataloader.dataset.pipeline[1] (type='DFERFrameDecod'): "
        "unknown transform type 'DFERFrameDecod' (did you mean "
        "'DFERFrameDecode' or 'RawFrameDecode'?).")


def test_unknown_transform_argument(dfew_cfg):
    dfew_cfg.train_dataloader.dataset.pipeline[0].clip_lenn = 8
    with pytest.raises(ConfigError) as exc:
        check_config(dfew_cfg, 'cfg.py')
    assert str(exc.value).startswith(
        "cfg.py: train_dataloader.dataset.pipeline[0] (type="
        "'DFERUniformSample'): DFERUniformSample has no argument 'clip_lenn' "
        "(did you mean 'clip_len'?)")


def test_missing_data_root(dfew_cfg, tmp_path):
    dfew_cfg.train_dataloader.dataset.data_root = str(tmp_path / 'nope')
    with pytest.raises(ConfigError) as exc:
        check_config(dfew_cfg, 'cfg.py')
    assert str(exc.value) == (
        f"cfg.py: train_dataloader.dataset.data_root '{tmp_path / 'nope'}' "
        'is not a directory.')
    del dfew_cfg.train_dataloader.dataset['data_root']
    with pytest.raises(ConfigError) as exc:
        check_config(dfew_cfg, 'cfg.py')
    assert str(exc.value) == (
        'cfg.py: train_dataloader.dataset (type=DFEWDataset): DFEWDataset '
        "needs 'data_root', which the config does not set.")


def test_skip_policy_refused_for_eval_data(dfew_cfg):
    dfew_cfg.train_dataloader.dataset.pipeline[1].on_corrupt = 'skip'
    check_config(dfew_cfg, 'cfg.py')  # fine for training
    dfew_cfg.test_dataloader.dataset.pipeline[1].on_corrupt = 'skip'
    with pytest.raises(ConfigError) as exc:
        check_config(dfew_cfg, 'cfg.py', phase='test')
    assert str(exc.value).startswith(
        "cfg.py: test_dataloader.dataset.pipeline[1] (type='DFERFrameDecode')"
        ": on_corrupt='skip' is only allowed in the training pipeline")


def test_empty_video_list(tmp_path):
    ann = tmp_path / 'empty.txt'
    ann.write_text('\n')
    cfg = Config.fromfile(VIDEO_CFG)
    cfg.train_dataloader.dataset.ann_file = str(ann)
    with pytest.raises(ConfigError) as exc:
        check_config(cfg, 'cfg.py')
    assert str(exc.value) == (f"cfg.py: train_dataloader.dataset.ann_file "
                              f"'{ann}' is empty (no samples).")
