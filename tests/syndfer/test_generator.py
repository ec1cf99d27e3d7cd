"""End-to-end: the tiny benchmark on disk (layout, CSVs, determinism)."""
import csv
import json
import os
import re

import cv2
import numpy as np
import pytest

from syndfer import (CLASS_NAMES, IN_DOMAIN_STYLES, SHIFTED_STYLES,
                           SPLITS, generate_benchmark, make_config,
                           split_csv_path)
from syndfer.clip import sample_length
from tests.helpers.scripts import load_script

FRAME_RE = re.compile(r'^(\d{5})_(\d{5})\.jpg$')


def _load_cli():
    """Import tools/data/syndfer/generate.py by path (tools is no package)."""
    return load_script('tools/data/syndfer/generate.py', 'syndfer_generate')


def _tree(root):
    """relative path -> bytes of every file under root."""
    out = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            path = os.path.join(dirpath, name)
            with open(path, 'rb') as f:
                out[os.path.relpath(path, root)] = f.read()
    return out


@pytest.fixture(scope='module')
def tiny_pair(tmp_path_factory):
    """The tiny preset generated with 1 worker (API) and 2 workers (CLI)."""
    main = _load_cli().main
    a = str(tmp_path_factory.mktemp('syn') / 'a')
    b = str(tmp_path_factory.mktemp('syn') / 'b')
    summary = generate_benchmark(a, seed=0, preset='tiny', workers=1,
                                 progress=False)
    cli_summary = main(['--out', b, '--preset', 'tiny', '--seed', '0',
                        '--workers', '2', '--quiet'])
    return a, b, summary, cli_summary


def test_same_seed_is_byte_identical_across_worker_counts(tiny_pair):
    a, b, summary, cli_summary = tiny_pair
    ta, tb = _tree(a), _tree(b)
    assert set(ta) == set(tb)
    assert all(ta[k] == tb[k] for k in ta)     # frames, CSVs, metadata
    assert summary['counts'] == cli_summary['counts']
    assert summary['num_clips'] == 40


def test_different_seed_differs(tiny_pair, tmp_path):
    a = tiny_pair[0]
    c = str(tmp_path / 'c')
    generate_benchmark(c, seed=1, preset='tiny', workers=1, progress=False)
    csv_a = open(split_csv_path(a, 'train')).read()
    csv_c = open(split_csv_path(c, 'train')).read()
    assert csv_a != csv_c


def _read_split(root, split):
    with open(split_csv_path(root, split), newline='') as f:
        text = f.read()
    lines = text.splitlines()
    assert lines[0] == 'video_name,label,domain'
    return [(int(v), int(lab)) for v, lab, _ in
            (line.split(',') for line in lines[1:])], lines[1:]


def test_split_domain_column_is_the_capture_style(tiny_pair):
    root = tiny_pair[0]
    with open(os.path.join(root, 'metadata.csv'), newline='') as f:
        style = {r['clip_id']: r['style'] for r in csv.DictReader(f)}
    for split in SPLITS:
        with open(split_csv_path(root, split), newline='') as f:
            for row in csv.DictReader(f):
                assert row['domain'] == style[row['video_name']]


def test_dfew_layout_and_csv_format(tiny_pair):
    root = tiny_pair[0]
    cfg = make_config('tiny')
    with open(os.path.join(root, 'metadata.csv'), newline='') as f:
        meta = {int(r['clip_id']): r for r in csv.DictReader(f)}
    all_ids = []
    for split in SPLITS:
        assert os.path.isfile(os.path.join(
            root, 'EmoLabel_DataSplit', f'{split}(single-labeled)',
            'set_1.csv'))
        rows, raw = _read_split(root, split)
        assert rows, split
        for (vid, label), line in zip(rows, raw):
            assert line.split(',')[0] == str(vid)     # unpadded ids
            assert 1 <= label <= 7                    # DFEW 1-based
            assert meta[vid]['split'] == split
            assert int(meta[vid]['csv_label']) == label
            all_ids.append(vid)
    assert sorted(all_ids) == list(range(1, len(meta) + 1))
    clip_root = os.path.join(root, 'Clip', 'clip_224x224')
    assert sorted(os.listdir(clip_root)) == [f'{i:05d}' for i in
                                             sorted(all_ids)]
    for vid, row in meta.items():
        names = sorted(os.listdir(os.path.join(clip_root, f'{vid:05d}')))
        n = int(row['n_frames'])
        assert cfg.frames_range[0] <= n <= cfg.frames_range[1]
        assert names == [f'{vid:05d}_{j:05d}.jpg' for j in range(1, n + 1)]
        assert all(FRAME_RE.match(x) for x in names)
    img = cv2.imread(os.path.join(clip_root, '00001', '00001_00001.jpg'))
    assert img.shape == (cfg.size, cfg.size, 3)


def test_info_and_metadata_describe_the_split_design(tiny_pair):
    root = tiny_pair[0]
    with open(os.path.join(root, 'syndfer_info.json')) as f:
        info = json.load(f)
    assert info['class_names'] == list(CLASS_NAMES)
    assert info['seed'] == 0 and info['config']['size'] == 32
    assert set(info['styles']['test_shifted']) <= set(SHIFTED_STYLES)
    for split in ('train', 'val', 'test'):
        assert set(info['styles'][split]) <= set(IN_DOMAIN_STYLES)
    seen = set(info['subjects']['train']) | set(info['subjects']['val'])
    assert not seen & set(info['subjects']['test_shifted'])
    for split in SPLITS:
        assert sum(info['counts'][split].values()) == \
            info['config'][{'train': 'num_train', 'val': 'num_val',
                            'test': 'num_test',
                            'test_shifted': 'num_shifted'}[split]]
    with open(os.path.join(root, 'metadata.csv'), newline='') as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        assert r['label_name'] == CLASS_NAMES[int(r['label'])]
        assert (int(r['csv_label']) != int(r['label']) + 1) == \
            (r['label_noise'] == '1')
        assert 1 <= int(r['apex_frame']) <= int(r['n_frames'])


def test_cached_reuse_force_and_foreign_folder(tiny_pair, tmp_path):
    a = tiny_pair[0]
    again = generate_benchmark(a, seed=0, preset='tiny', workers=1,
                               progress=False)
    assert again['cached'] and again['counts'] == tiny_pair[2]['counts']
    foreign = tmp_path / 'foreign'
    foreign.mkdir()
    (foreign / 'keep.txt').write_text('x')
    with pytest.raises(FileExistsError):
        generate_benchmark(str(foreign), preset='tiny', workers=1,
                           progress=False)
    assert (foreign / 'keep.txt').exists()


def test_default_clip_lengths_in_range():
    cfg = make_config('default')
    rng = np.random.default_rng(0)
    lengths = np.array([sample_length(rng, cfg.frames_range,
                                      cfg.mean_frames)
                        for _ in range(3000)])
    assert lengths.min() >= 11 and lengths.max() <= 80
    assert 24 <= lengths.mean() <= 32
    assert (lengths >= 50).mean() > 0.03     # a DFEW-like long tail
