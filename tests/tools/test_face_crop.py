"""tools/data/face_crop.py: raw videos -> DFEW clip_224x224 layout."""
import csv
import os

import cv2
import pytest

from mmhdf.testing.dfer_tiny import write_noise_video
from tests.helpers.face_video import write_face_video
from tests.helpers.scripts import load_script


def _load_tool():
    return load_script('tools/data/face_crop.py', 'mmhdf_face_crop')


face_crop = _load_tool()


def _rows(path):
    with open(path, newline='') as f:
        return list(csv.reader(f))


@pytest.fixture(scope='module')
def raw_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp('raw')
    write_face_video(str(root / 'happy' / 'clip_a.mp4'), 10, seed=6,
                     label='Happy')
    write_face_video(str(root / 'Sadness' / 'clip_b.mp4'), 10, seed=7,
                     label='Sad')
    write_noise_video(str(root / 'Sadness' / 'empty_room.mp4'), 6)
    with open(root / 'Sadness' / 'broken.mp4', 'wb') as f:
        f.write(b'not a video at all')
    (root / 'notes.txt').write_text('ignored')
    return root


def test_face_crop_dfew_layout(raw_dir, tmp_path, capsys):
    out = tmp_path / 'DFEW_mine'
    rc = face_crop.main([str(raw_dir), str(out), '--labels-from-folders'])
    assert rc == face_crop.EXIT_OK
    stdout = capsys.readouterr().out
    assert '2 of 4 video(s) cropped' in stdout
    assert '/4' in stdout  # progress bar over the 4 videos

    clip_root = out / 'Clip' / 'clip_224x224'
    # ids follow the sorted paths: Sadness/broken (1), Sadness/clip_b (2),
    # Sadness/empty_room (3), happy/clip_a (4); only the faces are kept
    assert sorted(os.listdir(clip_root)) == ['00002', '00004']
    frames = sorted(os.listdir(clip_root / '00004'))
    assert frames == [f'00004_{i:05d}.jpg' for i in range(1, 11)]
    img = cv2.imread(str(clip_root / '00004' / frames[4]))
    assert img.shape == (224, 224, 3) and img.mean() > 40  # a face, not pad

    split = out / 'EmoLabel_DataSplit' / 'test(single-labeled)' / 'set_1.csv'
    # Happy = 1, Sad = 2 in DFEW's official 1-based labels
    assert _rows(split) == [['video_name', 'label'], ['00002', '2'],
                            ['00004', '1']]
    skipped = dict(_rows(out / 'skipped.csv')[1:])
    assert set(skipped) == {'Sadness/broken.mp4', 'Sadness/empty_room.mp4'}
    assert skipped['Sadness/broken.mp4'].startswith('unreadable')
    assert skipped['Sadness/empty_room.mp4'].startswith('no face')
    assert 'empty_room.mp4: no face' in stdout

    # mmhdf's DFEW loader reads the result
    from mmhdf.datasets.dfew import DFEWDataset
    ds = DFEWDataset(data_root=str(out), split='test', fold=1, pipeline=[])
    assert [ds.get_data_info(i)['label'] for i in range(len(ds))] == [1, 0]


def test_face_crop_ids_follow_sorted_paths(raw_dir, tmp_path):
    out = tmp_path / 'o'
    assert face_crop.main([str(raw_dir), str(out), '--quiet']) == 0
    id_map = _rows(out / 'id_map.csv')
    assert id_map == [['video_name', 'source'], ['00002',
                                                 'Sadness/clip_b.mp4'],
                      ['00004', 'happy/clip_a.mp4']]
    # unlabelled: the split lists the clips with an empty label
    split = out / 'EmoLabel_DataSplit' / 'test(single-labeled)' / 'set_1.csv'
    assert _rows(split)[1:] == [['00002', ''], ['00004', '']]


def test_face_crop_labels_csv(raw_dir, tmp_path, capsys):
    labels = tmp_path / 'labels.csv'
    labels.write_text('video,label\nhappy/clip_a.mp4,surprised\nclip_b,7\n')
    out = tmp_path / 'o'
    assert face_crop.main([str(raw_dir), str(out), '--labels', str(labels),
                           '--split', 'train', '--fold', '2', '--quiet',
                           '--size', '64']) == 0
    split = out / 'EmoLabel_DataSplit' / 'train(single-labeled)' / 'set_2.csv'
    assert _rows(split)[1:] == [['00002', '7'], ['00004', '5']]
    assert cv2.imread(str(out / 'Clip' / 'clip_64x64' / '00004' /
                          '00004_00001.jpg')).shape == (64, 64, 3)
    bad = tmp_path / 'bad.csv'
    bad.write_text('clip_a,happy\nclip_b,contempt\n')
    assert face_crop.main([str(raw_dir), str(tmp_path / 'x'), '--labels',
                           str(bad)]) == face_crop.EXIT_USAGE
    assert 'bad.csv:2' in capsys.readouterr().err


def test_face_crop_label_mapping():
    assert face_crop.to_dfew_label('happiness') == 1
    assert face_crop.to_dfew_label(' Anger ') == 4
    assert face_crop.to_dfew_label('6') == 6
    for bad in ('0', '8', 'contempt', 'bored'):
        with pytest.raises(face_crop.LabelError):
            face_crop.to_dfew_label(bad)


def test_face_crop_all_skipped_and_usage(tmp_path, capsys):
    raw = tmp_path / 'raw'
    write_noise_video(str(raw / 'n.mp4'), 4)
    assert face_crop.main([str(raw), str(tmp_path / 'o'), '--quiet']) == \
        face_crop.EXIT_ALL_SKIPPED
    assert 'every video was skipped' in capsys.readouterr().err
    empty = tmp_path / 'empty'
    empty.mkdir()
    assert face_crop.main([str(empty), str(tmp_path / 'o2')]) == 2
    assert 'no video files' in capsys.readouterr().err
