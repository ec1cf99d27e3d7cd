#!/usr/bin/env python
"""Check a DFEW / FERV39k / MAFW tree against its split files.

For every split file row it reports

* **missing** clips: the frame folder (or mp4) does not exist or holds no
  frames;
* **unreadable** clips: a frame (or the video) cannot be decoded, or the
  frame folder is no readable folder (a regular file, a symbolic-link loop);
* **short** clips: fewer frames than ``--clip-len`` (padded by the sampler,
  so only reported; ``--fail-on-short`` makes them problems);
* **gaps**: frame numbering with holes (informational).

A malformed split file (bad row, unknown label, a clip path leaving the
media root, a byte that does not decode) is reported with its file and line
(:mod:`mmhdf.datasets.split_files`); the tool never stops on a raw
``OSError`` / ``UnicodeDecodeError``. The exit code is 0 when no problems
were found, 1 otherwise (2 for a malformed split file).

Examples::

    python tools/data/check_dfer_dataset.py dfew data/DFEW --folds 1 2 3 4 5
    python tools/data/check_dfer_dataset.py dfew data/DFEW \
        --frames-variant clip_224x224_16f --decode all
    python tools/data/check_dfer_dataset.py ferv39k data/FERV39k
    python tools/data/check_dfer_dataset.py mafw data/MAFW --out report.json
"""
import argparse
import json
import os.path as osp
import sys
from typing import Dict, List, Optional

import cv2
import numpy as np

DATASETS = ('dfew', 'ferv39k', 'mafw')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('dataset', choices=DATASETS)
    p.add_argument('data_root')
    p.add_argument('--folds', type=int, nargs='+', default=None,
                   help='folds to check (DFEW/MAFW; default 1..5)')
    p.add_argument('--splits', nargs='+', default=['train', 'test'])
    p.add_argument('--frames-variant', default=None,
                   help='frame folder (default: the dataset default)')
    p.add_argument('--source', choices=('frames', 'video'), default='frames')
    p.add_argument('--clip-len', type=int, default=16,
                   help='clips with fewer frames are reported as short')
    p.add_argument('--decode', choices=('none', 'ends', 'all'),
                   default='ends',
                   help='frames decoded per clip: none, first/middle/last '
                   '(default) or all')
    p.add_argument('--fail-on-short', action='store_true')
    p.add_argument('--max-list', type=int, default=20,
                   help='problems listed per category')
    p.add_argument('--out', default=None, help='write a JSON report')
    return p.parse_args(argv)


def _dataset(args, split: str, fold: Optional[int]):
    import mmhdf  # noqa: F401  (compat fixes, registration)
    from mmhdf.datasets import DFEWDataset, FERV39kDataset, MAFWDataset
    cls = dict(dfew=DFEWDataset, ferv39k=FERV39kDataset,
               mafw=MAFWDataset)[args.dataset]
    kw = dict(data_root=args.data_root, split=split, lazy_init=True)
    if args.dataset != 'ferv39k':
        kw['fold'] = fold
        kw['source'] = args.source
    if args.frames_variant:
        kw['frames_variant'] = args.frames_variant
    return cls(**kw)


def _readable_frame(path: str) -> bool:
    # decode from bytes: cv2.imread crashes on file names that are not UTF-8
    try:
        with open(path, 'rb') as f:
            data = np.frombuffer(f.read(), np.uint8)
    except OSError:
        return False
    if data.size == 0:
        return False
    img = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    return img is not None and img.size > 0


def _video_frames(path: str) -> Optional[int]:
    # OpenCV / decord get an ASCII alias of names that are not UTF-8
    from mmhdf.face.cv2_paths import cv2_input_path
    with cv2_input_path(path) as safe:
        try:
            import decord
            vr = decord.VideoReader(safe)
            n = len(vr)
            vr[n - 1]
            return n
        except Exception:  # noqa: BLE001 - any decoder failure: unreadable
            cap = cv2.VideoCapture(safe)
            ok, _ = cap.read()
            n = int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) if ok else None
            cap.release()
            return n


def check_split(args, split: str, fold: Optional[int]) -> Dict:
    """Check one split file; returns a report dict."""
    from mmhdf.datasets.errors import DFERDatasetError, SkipCounter
    from mmhdf.datasets.frames import (FrameFolderError, infer_template,
                                       list_frames, natural_key)
    report = dict(split=split, fold=fold, rows=0, ok=0, missing=[],
                  unreadable=[], short=[], gaps=[], error=None)
    try:
        ds = _dataset(args, split, fold)
        records = ds._parse_records(ds.ann_file, SkipCounter('check'))
        for rec in records:  # label names checked as the loader does
            ds._label_id(rec['label_name'], rec['ann_file'], rec['line'])
    except DFERDatasetError as e:
        report['error'] = str(e)
        return report
    report['ann_file'] = ds.ann_file
    report['rows'] = len(records)
    for rec in records:
        where = f'{rec["ann_file"]}:{rec["line"]} clip {rec["clip_id"]}'
        if args.source == 'video':
            if not osp.isfile(rec['filename']):
                report['missing'].append(f'{where}: {rec["filename"]}')
                continue
            n = _video_frames(rec['filename'])
            if not n:
                report['unreadable'].append(f'{where}: {rec["filename"]}')
                continue
        else:
            try:
                names = list_frames(rec['frame_dir'], use_cache=False)
            except FrameFolderError as err:
                report['unreadable'].append(f'{where}: {err}')
                continue
            if not names:
                state = 'not found' if names is None else 'no frames'
                report['missing'].append(
                    f'{where}: {rec["frame_dir"]} ({state})')
                continue
            n = len(names)
            if args.decode == 'all':
                picks = names
            elif args.decode == 'ends':
                picks = sorted({names[0], names[n // 2], names[-1]},
                               key=natural_key)
            else:
                picks = []
            bad = [m for m in picks
                   if not _readable_frame(osp.join(rec['frame_dir'], m))]
            if bad:
                report['unreadable'].append(
                    f'{where}: {rec["frame_dir"]} ({", ".join(bad[:3])})')
                continue
            if infer_template(names) is None:
                report['gaps'].append(f'{where}: {rec["frame_dir"]}')
        if n < args.clip_len:
            report['short'].append(f'{where}: {n} frames')
        report['ok'] += 1
    return report


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    if args.dataset == 'ferv39k':
        folds = [None]
        if args.source == 'video':
            print('FERV39k is checked as frames only', file=sys.stderr)
            return 2
    else:
        folds = args.folds or [1, 2, 3, 4, 5]
    reports = [check_split(args, s, f) for f in folds for s in args.splits]
    problems, malformed = 0, False
    for r in reports:
        head = (f'[{args.dataset} split={r["split"]}'
                + (f' fold={r["fold"]}' if r['fold'] is not None else '')
                + ']')
        if r['error']:
            malformed = True
            print(f'{head} ERROR {r["error"]}')
            continue
        print(f'{head} {r["ann_file"]}: {r["rows"]} rows, {r["ok"]} ok, '
              f'{len(r["missing"])} missing, {len(r["unreadable"])} '
              f'unreadable, {len(r["short"])} short (< {args.clip_len} '
              f'frames), {len(r["gaps"])} with numbering gaps')
        for cat in ('missing', 'unreadable', 'short', 'gaps'):
            for line in r[cat][:args.max_list]:
                print(f'  {cat}: {line}')
            if len(r[cat]) > args.max_list:
                print(f'  {cat}: ... {len(r[cat]) - args.max_list} more')
        problems += len(r['missing']) + len(r['unreadable'])
        if args.fail_on_short:
            problems += len(r['short'])
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(dict(dataset=args.dataset, data_root=args.data_root,
                           clip_len=args.clip_len, reports=reports), f,
                      indent=1)
    if malformed:
        return 2
    print('OK' if problems == 0 else f'{problems} problem(s) found')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
