"""The shared input rules of DFEW, FERV39k and MAFW (issue 14).

A symbolic-link loop or a regular file where a frame folder should be, a
clip path that leaves the media root, and a byte that is not UTF-8 in a
split file each give the dataset's own :class:`DFERDatasetError` naming the
split file and line (or, for the media problems, a counted skip under
``on_missing='skip'``), and ``tools/data/check_dfer_dataset.py`` reports
them instead of crashing.
"""
import os
import os.path as osp
import shutil
from dataclasses import dataclass
from typing import Callable

import pytest

from mmhdf.datasets import (DFERDatasetError, DFEWDataset, FERV39kDataset,
                            MAFWDataset)
from mmhdf.testing.fake_dfer import (make_dfew, make_ferv39k, make_mafw,
                                     write_frames)
from tests.helpers.scripts import load_script


@dataclass
class Case:
    """One dataset's fake tree with a two-row training split (fold 1).

    ``lines[i]`` is the split file's line ``i + 1`` (bytes); ``row2`` is the
    line number of the second clip, whose frame folder is ``frame_dir``.
    """

    name: str
    root: str
    ann: str
    lines: list
    row2: int
    clip2: str
    frame_dir: str
    traversal: bytes  # a row whose clip path leaves the media root
    build: Callable

    def write(self, lines) -> None:
        with open(self.ann, 'wb') as f:
            f.write(b''.join(line + b'\n' for line in lines))


def _dfew(tmp):
    root = make_dfew(str(tmp / 'DFEW'), clips={1: (1, 6), 2: (2, 6)},
                     with_16f=False)
    ann = osp.join(root, 'EmoLabel_DataSplit', 'train(single-labeled)',
                   'set_1.csv')
    return Case('dfew', root, ann,
                [b'video_name,label', b'00001,1', b'00002,2'], 3, '00002',
                osp.join(root, 'Clip', 'clip_224x224', '00002'),
                b'../00002,2',
                lambda **kw: DFEWDataset(root, fold=1, split='train', **kw))


def _ferv39k(tmp):
    root = make_ferv39k(str(tmp / 'FERV39k'))
    ann = osp.join(root, '4_setups', 'All_scenes', 'train_All.csv')
    faces = osp.join(root, '2_ClipsforFaceCrop', '2_ClipsforFaceCrop')
    # a frame folder outside the frames root that a traversal row reaches
    write_frames(osp.join(root, 'secret'), 4, 'img', size=8)
    return Case('ferv39k', root, ann,
                [b'Crime/Angry/0063 Angry', b'Interview/Disgust/0001 Disgust'],
                2, 'Interview/Disgust/0001',
                osp.join(faces, 'Interview', 'Disgust', '0001'),
                b'../../secret Happy',
                lambda **kw: FERV39kDataset(root, split='train', **kw))


def _mafw(tmp):
    root = make_mafw(str(tmp / 'MAFW'))
    ann = osp.join(root, 'anno', 'single', 'no_caption', 'set_1',
                   'train.txt')
    return Case('mafw', root, ann, [b'00001.mp4 anger', b'00002.mp4 disgust'],
                2, '00002', osp.join(root, 'data', 'frames', '00002'),
                b'../frames/00002.mp4 disgust',
                lambda **kw: MAFWDataset(root, fold=1, split='train', **kw))


@pytest.fixture(params=['dfew', 'ferv39k', 'mafw'])
def case(request, tmp_path):
    c = dict(dfew=_dfew, ferv39k=_ferv39k, mafw=_mafw)[request.param](
        tmp_path)
    c.write(c.lines)
    assert len(c.build()) == 2  # the clean two-row split loads
    return c


def _symlink_loop(path):
    shutil.rmtree(path)
    os.symlink(path, path)  # points to itself: ELOOP


def _plain_file(path):
    shutil.rmtree(path)
    with open(path, 'wb') as f:
        f.write(b'not a folder')


@pytest.mark.parametrize('make_bad,why', [
    (_symlink_loop,
     'is a symbolic-link loop (too many levels of symbolic links)'),
    (_plain_file, 'is a regular file, not a frame folder'),
])
def test_bad_frame_folder_error_or_counted_skip(case, make_bad, why):
    make_bad(case.frame_dir)
    with pytest.raises(DFERDatasetError) as exc:
        case.build()
    assert str(exc.value) == (
        f'{case.ann}:{case.row2}: frame folder {case.frame_dir} of clip '
        f'{case.clip2} {why}')
    ds = case.build(on_missing='skip')
    assert len(ds) == 1 and ds.metainfo['num_skipped'] == 1


@pytest.mark.parametrize('policy', ['error', 'skip'])
def test_clip_path_leaving_the_root_is_refused(case, policy):
    lines = case.lines[:-1] + [case.traversal]
    case.write(lines)
    with pytest.raises(DFERDatasetError) as exc:
        case.build(on_missing=policy)
    msg = str(exc.value)
    assert msg.startswith(f'{case.ann}:{len(lines)}: ')
    assert 'leaves the media root (".." component)' in msg


def test_non_utf8_byte_names_file_line_and_column(case):
    good = case.lines[-1]
    cut = good.index(b' ' if case.name != 'dfew' else b',') + 2
    case.write(case.lines[:-1] + [good[:cut] + b'\xe4' + good[cut:]])
    with pytest.raises(DFERDatasetError) as exc:
        case.build()
    assert str(exc.value) == (
        f'{case.ann}:{case.row2}: byte 0xe4 at column {cut + 1} is not '
        'valid utf-8 (invalid continuation byte); save the file as utf-8')


# -------------------------------------------------- check_dfer_dataset.py
def _check(case, capsys):
    tool = load_script('tools/data/check_dfer_dataset.py',
                       'check_dfer_dataset_rules')
    argv = [case.name, case.root, '--splits', 'train']
    if case.name != 'ferv39k':
        argv += ['--folds', '1']
    rc = tool.main(argv)
    return rc, capsys.readouterr().out


@pytest.mark.parametrize('make_bad,why', [
    (_symlink_loop, 'is a symbolic-link loop'),
    (_plain_file, 'is a regular file, not a frame folder'),
])
def test_checker_reports_bad_frame_folder(case, capsys, make_bad, why):
    make_bad(case.frame_dir)
    rc, out = _check(case, capsys)
    assert rc == 1, out
    assert '2 rows, 1 ok, 0 missing, 1 unreadable' in out
    assert (f'unreadable: {case.ann}:{case.row2} clip {case.clip2}: '
            f'{case.frame_dir}: {why}') in out


@pytest.mark.parametrize('bad', ['traversal', 'byte'])
def test_checker_reports_malformed_split(case, capsys, bad):
    last = case.traversal if bad == 'traversal' else case.lines[-1] + b'\xff'
    case.write(case.lines[:-1] + [last])
    rc, out = _check(case, capsys)
    assert rc == 2, out
    assert f'ERROR {case.ann}:{case.row2}: ' in out
    assert ('leaves the media root' if bad == 'traversal' else
            'byte 0xff') in out


# --------------------------------------------------------- the rule itself
@pytest.mark.parametrize('rel,why', [
    ('', 'is empty'),
    ('/etc/x/y', 'is absolute'),
    ('a/../b', 'leaves the media root'),
    ('a//b', 'has an empty or "." component'),
    ('a/./b', 'has an empty or "." component'),
    ('a\\b', 'contains a backslash'),
    ('a\0b', 'contains a NUL character'),
])
def test_check_clip_path_refuses(rel, why):
    from mmhdf.datasets.split_files import check_clip_path
    with pytest.raises(DFERDatasetError) as exc:
        check_clip_path(rel, 'split.csv', 7)
    assert str(exc.value).startswith(f'split.csv:7: clip path {rel!r} {why}')


def test_check_clip_path_accepts():
    from mmhdf.datasets.split_files import check_clip_path
    assert check_clip_path('Crime/Angry/0063', 'f', 1, 3) == [
        'Crime', 'Angry', '0063']
    assert check_clip_path('Crime/Angry/0063/', 'f', 1) == [
        'Crime', 'Angry', '0063']


def test_dfew_first_row_path_is_not_taken_for_a_header(tmp_path):
    """A header-less DFEW split starting with a traversal row: refused on
    line 1, not silently dropped as a "header"."""
    c = _dfew(tmp_path)
    c.write([b'../00001,1', b'00002,2'])
    with pytest.raises(DFERDatasetError) as exc:
        c.build()
    assert str(exc.value).startswith(f"{c.ann}:1: video_name '../00001' "
                                     'leaves the media root')
