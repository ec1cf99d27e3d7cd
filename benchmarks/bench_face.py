#!/usr/bin/env python
"""Benchmark the face detectors on real-face videos that ship in packages.

Scenes from :mod:`mmhdf.testing.face_videos` (scikit-image's ``astronaut``
with pans, zooms, in-plane roll -30..+30 degrees, a 37 px wide-shot face, an
approximate 35 degree head turn, an occluded mouth; ``brick`` with no face).
For every detector and scene:

* **rate** - share of frames where a box matches the true face (centre
  within half a face side, side 0.5 .. 2 x the true one);
* **false** - boxes that match no face;
* **track** - on ``brick`` only: whether the demo's rule (the main face
  detected in >= 30 % of the scanned frames, ``--min-face-share``) accepts
  a face track; it must not;
* **ms/frame** - detector CPU time per frame (``time.process_time``: all
  threads of the process, so other jobs on a shared machine do not inflate
  it as they do wall time), torch and OpenCV on 1 thread; each frame is
  timed ``--repeats`` times and its fastest run kept, then averaged over all
  frames of the face scenes;
* **eye line** - for landmark detectors, the largest eye-line angle of the
  ground-truth eyes in the aligned crops of the ``rotate`` scene (the
  input is rotated by up to 33 degrees: 30 plus the photo's own 3).

Prints a markdown table and writes ``benchmarks/results/face.json``.

Example::

    python benchmarks/bench_face.py --frames 50
"""
import argparse
import json
import os
import os.path as osp
import platform
import statistics
import sys
import tempfile
import time

HERE = osp.dirname(osp.abspath(__file__))
sys.path.insert(0, osp.dirname(HERE))

import numpy as np  # noqa: E402

from mmhdf.face import (NoFaceError, build_face_detector,  # noqa: E402
                        detect_main_face)
from mmhdf.face.alignment import track_poses, transform_points  # noqa: E402
from mmhdf.face.blazeface import mediapipe_available  # noqa: E402
from mmhdf.testing.face_videos import (SCENES, hits, make_scene,  # noqa: E402
                                       write_video)


def eye_line_error(video, detector, tmp: str) -> float:
    """Largest eye-line angle (degrees) in the aligned crops of ``video``."""
    path = write_video(osp.join(tmp, f'{video.name}.avi'), video.frames)
    track, _ = detect_main_face(path, detector)
    poses = track_poses(track, 224)
    if poses is None:
        return float('nan')
    worst = 0.0
    for t in range(len(video.frames)):
        eyes = transform_points(poses[t], 224, video.landmarks[t, :2])
        d = eyes[1] - eyes[0]
        worst = max(worst, abs(float(np.degrees(np.arctan2(d[1], d[0])))))
    return worst


def no_face_track(video, detector, tmp: str) -> bool:
    """Whether the demo's no-face rule accepts a track on ``video``."""
    path = write_video(osp.join(tmp, f'{video.name}.avi'), video.frames)
    try:
        detect_main_face(path, detector, min_face_share=0.3)
    except NoFaceError:
        return False
    return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--frames', type=int, default=50,
                        help='frames per scene')
    parser.add_argument('--repeats', type=int, default=1,
                        help='timing runs per frame (the fastest counts)')
    parser.add_argument('--out', default=osp.join(HERE, 'results',
                                                  'face.json'))
    args = parser.parse_args(argv)
    try:
        import cv2
        import torch
        torch.set_num_threads(1)
        cv2.setNumThreads(1)
    except ImportError:  # pragma: no cover
        pass
    specs = (['mediapipe', 'mediapipe:short'] if mediapipe_available()
             else []) + ['haar']
    videos = {name: make_scene(name, args.frames) for name in SCENES}
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for spec in specs:
            det = build_face_detector(spec)
            det(videos['pan'].frames[0])  # warm up
            row = {}
            times = []
            for name, video in videos.items():
                boxes, per_frame = [], []
                for f in video.frames:
                    best = float('inf')
                    for _ in range(max(1, args.repeats)):
                        t0 = time.process_time()
                        out = det(f)
                        best = min(best, time.process_time() - t0)
                    boxes.append(out)
                    per_frame.append(best * 1e3)
                ms = statistics.mean(per_frame)
                if name != 'brick':
                    times.extend(per_frame)
                hit, false = hits(video, boxes)
                row[name] = dict(rate=round(float(hit.mean()), 3),
                                 false=int(false), ms=round(ms, 2))
            row['brick']['track'] = no_face_track(videos['brick'], det, tmp)
            row['ms_per_frame'] = round(statistics.mean(times), 2)
            row['eye_line_max_deg'] = (round(eye_line_error(
                videos['rotate'], det, tmp), 2) if det.landmarks else None)
            results[spec] = row
    meta = dict(frames_per_scene=args.frames, threads=1,
                timing_repeats=args.repeats,
                python=platform.python_version(),
                machine=platform.machine(),
                cpu=platform.processor() or platform.machine())
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump(dict(meta=meta, results=results), f, indent=1)
    face_scenes = [s for s in SCENES if s != 'brick']
    print('| detector | ' + ' | '.join(face_scenes) +
          ' | brick: false boxes / track | CPU ms/frame | eye line after '
          'alignment (rotate) |')
    print('|---' * (len(face_scenes) + 4) + '|')
    for spec, row in results.items():
        rates = ' | '.join(f'{row[s]["rate"]:.0%}' for s in face_scenes)
        brick = row['brick']
        eye = (f'{row["eye_line_max_deg"]:.1f} deg'
               if row['eye_line_max_deg'] is not None else
               'not aligned (no landmarks)')
        print(f'| `{spec}` | {rates} | {brick["false"]} / '
              f'{"yes" if brick["track"] else "no"} | '
              f'{row["ms_per_frame"]:.1f} | {eye} |')
    print(f'\n{args.frames} frames per scene; wrote {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
