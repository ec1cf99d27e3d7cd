"""tools/data/check_dfer_dataset.py on fake trees with planted problems."""
import json
import os
import os.path as osp
import shutil

from mmhdf.testing.fake_dfer import make_dfew, make_ferv39k, make_mafw
from tests.helpers.scripts import load_script


def _tool():
    return load_script('tools/data/check_dfer_dataset.py',
                       'check_dfer_dataset')


def test_clean_tree_passes_and_reports_short(tmp_path, capsys):
    root = make_dfew(str(tmp_path / 'DFEW'), with_16f=False)
    rc = _tool().main(['dfew', root, '--folds', '1'])
    out = capsys.readouterr().out
    assert rc == 0, out
    # clip 3 has 5 frames: short, reported but not a problem
    assert '10 rows, 10 ok, 0 missing, 0 unreadable, 1 short' in out
    assert 'short: ' in out and 'clip 00003: 5 frames' in out
    assert _tool().main(['dfew', root, '--folds', '1',
                         '--fail-on-short']) == 1


def test_missing_unreadable_and_malformed(tmp_path, capsys):
    root = make_dfew(str(tmp_path / 'DFEW'), with_16f=False)
    frames = osp.join(root, 'Clip', 'clip_224x224')
    shutil.rmtree(osp.join(frames, '00004'))
    with open(osp.join(frames, '00006', '00006_00020.jpg'), 'wb') as f:
        f.write(b'not a jpeg')
    report = str(tmp_path / 'r.json')
    rc = _tool().main(['dfew', root, '--folds', '1', '--out', report])
    out = capsys.readouterr().out
    assert rc == 1
    assert '2 problem(s) found' in out
    assert 'missing: ' in out and 'clip 00004' in out
    assert 'unreadable: ' in out and '00006_00020.jpg' in out
    rep = json.load(open(report))
    train = [r for r in rep['reports'] if r['split'] == 'train'][0]
    assert len(train['missing']) == 1 and len(train['unreadable']) == 1
    assert 'set_1.csv:5' in train['missing'][0]  # file:line of the row
    # malformed split file: exit code 2, file and line named
    csv = osp.join(root, 'EmoLabel_DataSplit', 'test(single-labeled)',
                   'set_1.csv')
    with open(csv, 'a') as f:
        f.write('00099,Joy\n')
    assert _tool().main(['dfew', root, '--folds', '1']) == 2
    out = capsys.readouterr().out
    assert 'set_1.csv:6' in out and "'Joy'" in out


def test_ferv39k_and_mafw(tmp_path, capsys):
    froot = make_ferv39k(str(tmp_path / 'F'))
    assert _tool().main(['ferv39k', froot]) == 0
    out = capsys.readouterr().out
    assert '15 rows, 15 ok' in out and '3 rows, 3 ok' in out
    mroot = make_mafw(str(tmp_path / 'M'))
    os.remove(osp.join(mroot, 'anno', 'single', 'no_caption', 'set_1',
                       'test.txt'))
    assert _tool().main(['mafw', mroot, '--folds', '1',
                         '--decode', 'all']) == 2
    out = capsys.readouterr().out
    assert '16 rows, 16 ok' in out and 'split file not found' in out


def test_video_source(tmp_path, capsys):
    clips = {i: ((i - 1) % 7 + 1, 10) for i in range(1, 15)}
    root = make_dfew(str(tmp_path / 'DFEW'), clips=clips, with_16f=False,
                     with_video=True)
    videos = osp.join(root, 'Clip', 'original')
    os.remove(osp.join(videos, '00002.mp4'))
    with open(osp.join(videos, '00012.mp4'), 'wb') as f:
        f.write(b'\x00' * 64)
    assert _tool().main(['dfew', root, '--folds', '1', '--source',
                         'video']) == 1
    out = capsys.readouterr().out
    assert 'missing: ' in out and '00002.mp4' in out
    assert 'unreadable: ' in out and '00012.mp4' in out
    assert '10 rows, 9 ok, 1 missing, 0 unreadable, 9 short' in out
