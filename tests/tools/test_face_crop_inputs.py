"""tools/data/face_crop.py on hostile inputs (issue 14): one bad video
never loses the batch, face-free videos are skipped, bad arguments are
usage errors naming the argument."""
import csv
import os
import os.path as osp
import subprocess
import sys

import pytest

from tests.helpers.face_video import write_face_video
from tests.helpers.scripts import ROOT, load_script
from tests.helpers.textures import write_wall_video

face_crop = load_script('tools/data/face_crop.py', 'mmhdf_face_crop_inputs')
TOOL = osp.join(ROOT, 'tools', 'data', 'face_crop.py')


def _rows(path):
    with open(path, newline='', encoding='utf-8') as f:  # valid UTF-8
        return list(csv.reader(f))


def test_non_utf8_name_keeps_the_batch(tmp_path):
    """A latin-1 file name used to segfault cv2.VideoCapture and lose every
    output; in a subprocess so that a crash fails only this test."""
    raw = tmp_path / 'raw'
    write_face_video(str(raw / 'a.mp4'), 6, seed=6)
    write_face_video(str(raw / 'b.mp4'), 6, seed=7)
    os.rename(str(raw / 'b.mp4'), os.fsencode(str(raw)) + b'/caf\xe9.mp4')
    (raw / 'broken.mp4').write_bytes(b'not a video')
    out = tmp_path / 'out'
    proc = subprocess.run(
        [sys.executable, TOOL, str(raw), str(out), '--quiet',
         '--min-face-share', '0.5'],
        capture_output=True, cwd=ROOT, timeout=120,
        env=dict(os.environ, PYTHONPATH=ROOT))
    err = proc.stderr.decode('utf-8', 'replace')[-2000:]
    assert proc.returncode == face_crop.EXIT_OK, (proc.returncode, err)
    # ids by sorted path: a (1), broken (2), caf\xe9 (3)
    split = out / 'EmoLabel_DataSplit' / 'test(single-labeled)' / 'set_1.csv'
    assert _rows(split) == [['video_name', 'label'], ['00001', ''],
                            ['00003', '']]
    assert _rows(out / 'id_map.csv')[1:] == [['00001', 'a.mp4'],
                                             ['00003', 'caf\\xe9.mp4']]
    assert len(os.listdir(out / 'Clip' / 'clip_224x224' / '00003')) == 6
    skipped = _rows(out / 'skipped.csv')
    assert skipped[1][0] == 'broken.mp4'
    assert skipped[1][1].startswith('unreadable: cannot open video')
    assert '2 of 3 video(s) cropped' in proc.stdout.decode('utf-8')


def test_unexpected_error_skips_only_that_video(tmp_path, monkeypatch,
                                                capsys):
    raw = tmp_path / 'raw'
    write_face_video(str(raw / 'a.mp4'), 4, seed=6)
    write_face_video(str(raw / 'b.mp4'), 4, seed=7)
    import mmhdf.face
    real = mmhdf.face.extract_face_crops

    def flaky(path, *args, **kwargs):
        if path.endswith('a.mp4'):
            raise MemoryError('simulated: out of memory on a.mp4')
        return real(path, *args, **kwargs)

    monkeypatch.setattr(mmhdf.face, 'extract_face_crops', flaky)
    out = tmp_path / 'out'
    assert face_crop.main([str(raw), str(out), '--quiet']) == 0
    split = out / 'EmoLabel_DataSplit' / 'test(single-labeled)' / 'set_1.csv'
    assert _rows(split)[1:] == [['00002', '']]
    assert _rows(out / 'skipped.csv')[1:] == [
        ['a.mp4', 'error: MemoryError: simulated: out of memory on a.mp4']]
    assert not osp.exists(out / 'Clip' / 'clip_224x224' / '00001')


def test_wall_texture_is_skipped_as_no_face(tmp_path, capsys):
    """Haar fires on a few frames of a brick wall: not a face clip."""
    raw = tmp_path / 'raw'
    write_wall_video(str(raw / 'happy' / 'wall.mp4'))
    write_face_video(str(raw / 'happy' / 'face.mp4'), 6, seed=6)
    out = tmp_path / 'out'
    assert face_crop.main([str(raw), str(out), '--quiet',
                           '--labels-from-folders', '--detector',
                           'haar']) == 0
    assert sorted(os.listdir(out / 'Clip' / 'clip_224x224')) == ['00001']
    (rel, reason), = _rows(out / 'skipped.csv')[1:]
    assert rel == 'happy/wall.mp4'
    assert reason.startswith('no face: no face found in ')
    assert 'scanned frames' in reason and '--min-face-share 0.3' in reason
    # the old rule (any detection) would have kept it
    loose = tmp_path / 'loose'
    assert face_crop.main([str(raw), str(loose), '--quiet',
                           '--min-face-share', '0', '--detector',
                           'haar']) == 0
    assert len(os.listdir(loose / 'Clip' / 'clip_224x224')) == 2, \
        'the wall must fool Haar for this test'


@pytest.mark.parametrize('extra,arg', [
    (['--size', '0'], '--size'),
    (['--size', '5000'], '--size'),
    (['--box-scale', '-1'], '--box-scale'),
    (['--box-scale', 'nan'], '--box-scale'),
    (['--detect-every', '0'], '--detect-every'),
    (['--min-face-share', '2'], '--min-face-share'),
    (['--min-face-ratio', '-1'], '--min-face-ratio'),
    (['--fold', '0'], '--fold'),
    (['--start-id', '-5'], '--start-id'),
    (['--jpeg-quality', '101'], '--jpeg-quality'),
    (['--split', '../escape'], '--split'),
])
def test_bad_argument_is_usage_error(tmp_path, capsys, extra, arg):
    with pytest.raises(SystemExit) as exc:
        face_crop.main([str(tmp_path), str(tmp_path / 'o')] + extra)
    assert exc.value.code == face_crop.EXIT_USAGE == 2
    assert f'argument {arg}' in capsys.readouterr().err


def test_out_root_is_a_file(tmp_path, capsys):
    afile = tmp_path / 'a_file'
    afile.write_text('x')
    with pytest.raises(SystemExit) as exc:
        face_crop.main([str(tmp_path), str(afile)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert 'argument out_root' in err and 'is an existing file' in err


def test_labels_file_not_utf8_names_line(tmp_path, capsys):
    raw = tmp_path / 'raw'
    write_face_video(str(raw / 'a.mp4'), 2, seed=6)
    labels = tmp_path / 'labels.csv'
    labels.write_bytes(b'video,label\na.mp4,happy\nb.mp4,s\xe4d\n')
    assert face_crop.main([str(raw), str(tmp_path / 'o'), '--labels',
                           str(labels)]) == face_crop.EXIT_USAGE
    err = capsys.readouterr().err
    assert f'{labels}:3: byte 0xe4 at column 8 is not valid utf-8' in err
