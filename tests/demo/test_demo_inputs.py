"""demo/demo_video.py on hostile inputs (issue 14): file names of any bytes,
face-free videos, bad arguments and broken checkpoints.

Exit codes (module docstring of the demo): 0 ok, 1 no face, 2 usage,
3 video / config, 4 checkpoint.
"""
import json
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

from mmhdf.testing.dfer_tiny import (write_checkpoint, write_noise_video,
                                     write_tiny_config)
from tests.helpers.scripts import ROOT, load_script
from tests.helpers.textures import write_wall_video

demo = load_script('demo/demo_video.py', 'mmhdf_demo_video_inputs')
DEMO = osp.join(ROOT, 'demo', 'demo_video.py')


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp('demo_inputs')
    cfg = write_tiny_config(str(root))
    ckpt = str(root / 'tiny.pth')
    write_checkpoint(cfg, ckpt, seed=2)
    return root, cfg, ckpt


# ------------------------------------------------ file names of any bytes
def test_demo_non_utf8_video_and_out_dir(setup, tmp_path):
    """``caf\\xe9.mp4`` (latin-1, not UTF-8) used to segfault inside
    cv2.VideoCapture; run in a subprocess so a crash fails only this test.
    """
    _, cfg, ckpt = setup
    base = os.fsencode(str(tmp_path))
    video = base + b'/caf\xe9.mp4'
    out = base + b'/out_\xff'
    plain = write_noise_video(str(tmp_path / 'plain.mp4'), num_frames=8)
    os.rename(plain, video)
    proc = subprocess.run(
        [sys.executable, DEMO, video, cfg, ckpt, '--out-dir', out,
         '--detector', 'none', '--window-sec', '0.4'],
        capture_output=True, cwd=ROOT, timeout=120,
        env=dict(os.environ, PYTHONPATH=ROOT))
    err = proc.stderr.decode('utf-8', 'replace')[-2000:]
    assert proc.returncode == demo.EXIT_OK, (proc.returncode, err)
    # the outputs keep the video's bytes in their names
    assert sorted(os.listdir(out)) == [
        b'caf\xe9_annotated.webm', b'caf\xe9_contact_sheet.png',
        b'caf\xe9_timeline.png',
        b'caf\xe9_windows.csv', b'caf\xe9_windows.json']
    assert all(os.path.getsize(out + b'/' + n) > 0 for n in os.listdir(out))
    with open(out + b'/caf\xe9_windows.json', 'rb') as f:
        meta = json.loads(f.read().decode('utf-8'))['meta']  # valid UTF-8
    assert meta['video'].endswith('/caf\\xe9.mp4')
    assert 'caf\\xe9_windows.csv' in proc.stdout.decode('utf-8')


# ------------------------------------------------------------- no face
def test_demo_wall_texture_is_no_face(setup, tmp_path, capsys):
    """A brick wall fools Haar in a few frames: exit 1, nothing written."""
    _, cfg, ckpt = setup
    video = write_wall_video(str(tmp_path / 'wall.mp4'))
    # the old behaviour, still available explicitly: any hit is a face
    loose = str(tmp_path / 'loose')
    assert demo.main([video, cfg, ckpt, '--out-dir', loose, '--no-video',
                      '--min-face-share', '0', '--detector', 'haar',
                      '--quiet']) == demo.EXIT_OK
    assert os.listdir(loose), 'the wall must fool Haar for this test'
    capsys.readouterr()

    out = str(tmp_path / 'out')
    rc = demo.main([video, cfg, ckpt, '--out-dir', out, '--no-video',
                    '--detector', 'haar', '--quiet'])
    assert rc == demo.EXIT_NO_FACE == 1
    err = capsys.readouterr().err
    assert f'no face found in {video}' in err
    assert 'scanned frames' in err and '--min-face-share 0.3' in err
    assert '--detector none' in err
    assert not osp.exists(out) or not os.listdir(out)


def test_min_face_share_documented(capsys):
    with pytest.raises(SystemExit):
        demo.parse_args(['--help'])
    help_text = ' '.join(capsys.readouterr().out.split())
    assert '--min-face-share MIN_FACE_SHARE' in help_text
    assert 'interpolated frames do not count' in help_text
    assert '(default: 0.3)' in help_text
    assert '--min-face-share' in demo.__doc__ and '30 %' in demo.__doc__


# ------------------------------------------------------ bad arguments
@pytest.mark.parametrize('extra,arg', [
    (['--batch-size', '0'], '--batch-size'),
    (['--batch-size', 'two'], '--batch-size'),
    (['--face-size', '0'], '--face-size'),
    (['--face-size', '100000'], '--face-size'),
    (['--detect-every', '0'], '--detect-every'),
    (['--box-scale', '-1'], '--box-scale'),
    (['--box-scale', 'inf'], '--box-scale'),
    (['--stride-sec', '0'], '--stride-sec'),
    (['--window-sec', '0'], '--window-sec'),
    (['--window-sec', 'nan'], '--window-sec'),
    (['--min-face-share', '1.5'], '--min-face-share'),
    (['--min-face-share', '-0.1'], '--min-face-share'),
    (['--out-dir', '{file}'], '--out-dir'),
    (['--out-dir', '{file}/sub'], '--out-dir'),
    (['--device', 'banana'], '--device'),
    (['--device', 'cuda:99'], '--device'),
])
def test_bad_argument_is_usage_error(setup, tmp_path, capsys, extra, arg):
    _, cfg, ckpt = setup
    video = str(tmp_path / 'v.mp4')  # never opened: argparse fails first
    afile = tmp_path / 'a_file'
    afile.write_text('x')
    extra = [e.format(file=afile) for e in extra]
    with pytest.raises(SystemExit) as exc:
        demo.main([video, cfg, ckpt] + extra)
    assert exc.value.code == demo.EXIT_USAGE == 2
    err = capsys.readouterr().err
    assert f'argument {arg}' in err, err


def test_bad_detector_names_the_argument(setup, tmp_path, capsys):
    _, cfg, ckpt = setup
    video = write_noise_video(str(tmp_path / 'v.mp4'), num_frames=2)
    assert demo.main([video, cfg, ckpt, '--detector', 'fixed:1,2']) == \
        demo.EXIT_USAGE
    assert '--detector' in capsys.readouterr().err


# -------------------------------------------------- broken checkpoints
def _broken(kind, good, path):
    data = open(good, 'rb').read()
    if kind == 'empty':
        data = b''
    elif kind == 'truncated':
        data = data[:len(data) // 2]
    elif kind == 'junk':
        data = b'this is no checkpoint' * 20
    if kind == 'list':
        torch.save([torch.zeros(2)], path)
    else:
        with open(path, 'wb') as f:
            f.write(data)


@pytest.mark.parametrize('kind', ['empty', 'truncated', 'junk', 'list'])
def test_broken_checkpoint_exits_4_naming_it(setup, tmp_path, capsys, kind):
    _, cfg, ckpt = setup
    bad = str(tmp_path / f'{kind}_ckpt.pth')
    _broken(kind, ckpt, bad)
    video = write_noise_video(str(tmp_path / 'v.mp4'), num_frames=2)
    rc = demo.main([video, cfg, bad, '--out-dir', str(tmp_path / 'o')])
    err = capsys.readouterr().err
    assert rc == demo.EXIT_CHECKPOINT == 4, err
    assert err.startswith('error: ') and f'{kind}_ckpt.pth' in err
    assert 'Traceback' not in err
    # an unreadable file is not reported as a config mismatch
    assert 'does not match' not in err
    assert not osp.exists(tmp_path / 'o')


def test_config_without_test_pipeline_is_exit_3(setup, tmp_path, capsys):
    _, _, ckpt = setup
    cfg = tmp_path / 'no_pipeline.py'
    cfg.write_text('model = dict(type="Recognizer3D")\n')
    video = write_noise_video(str(tmp_path / 'v.mp4'), num_frames=2)
    assert demo.main([video, str(cfg), ckpt]) == demo.EXIT_INPUT
    assert 'no_pipeline.py' in capsys.readouterr().err
