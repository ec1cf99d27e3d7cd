"""add_face_args: the demo and face_crop.py share one face-option set."""
import argparse

import pytest

from mmhdf.face import DEFAULT_MIN_FACE_SHARE, add_face_args
from tests.helpers.scripts import load_script

demo = load_script('demo/demo_video.py', 'mmhdf_demo_video_cli')
face_crop = load_script('tools/data/face_crop.py', 'mmhdf_face_crop_cli')

FACE_OPTIONS = ('detector', 'box_scale', 'detect_every', 'min_face_share')


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog='p')
    add_face_args(parser, '--size', size_help='crop side', no_face='skip')
    return parser


def test_declares_the_face_options_with_defaults():
    args = _parser().parse_args([])
    assert vars(args) == dict(detector='auto', size=224, box_scale=1.25,
                              detect_every=1,
                              min_face_share=DEFAULT_MIN_FACE_SHARE)
    assert 'else skip' in ' '.join(_parser().format_help().split())


@pytest.mark.parametrize('argv', [
    ['--size', '0'], ['--size', '5000'], ['--box-scale', '0'],
    ['--box-scale', 'nan'], ['--detect-every', '0'],
    ['--min-face-share', '1.5']])
def test_rejects_out_of_range_values(argv, capsys):
    with pytest.raises(SystemExit) as err:
        _parser().parse_args(argv)
    assert err.value.code == 2
    assert f'argument {argv[0]}:' in capsys.readouterr().err


def test_demo_and_face_crop_parse_the_same_face_options():
    d = demo.parse_args(['v.mp4', 'c.py', 'k.pth', '--box-scale', '1.5',
                         '--detect-every', '3', '--min-face-share', '0.5',
                         '--detector', 'none', '--face-size', '64'])
    f = face_crop.parse_args(['in', 'out', '--box-scale', '1.5',
                              '--detect-every', '3', '--min-face-share',
                              '0.5', '--detector', 'none', '--size', '64'])
    assert {k: getattr(d, k) for k in FACE_OPTIONS} == {
        k: getattr(f, k) for k in FACE_OPTIONS} == dict(
            detector='none', box_scale=1.5, detect_every=3,
            min_face_share=0.5)
    assert d.face_size == f.size == 64
    d0 = demo.parse_args(['v.mp4', 'c.py', 'k.pth'])
    f0 = face_crop.parse_args(['in', 'out'])
    assert {k: getattr(d0, k) for k in FACE_OPTIONS} == {
        k: getattr(f0, k) for k in FACE_OPTIONS}
    assert d0.face_size == f0.size == 224
