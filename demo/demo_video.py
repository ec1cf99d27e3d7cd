"""Recognise facial expressions in your own video.

    python demo/demo_video.py VIDEO CONFIG CHECKPOINT [--out-dir DIR]

Detects faces (offline: OpenCV Haar cascade by default), tracks the main
face, crops it to the model's input, runs sliding-window clip predictions and
writes to ``--out-dir``:

* ``<stem>_windows.csv`` / ``<stem>_windows.json`` — per-window probabilities
* ``<stem>_annotated.mp4`` — the video with face box, label, probability bars
* ``<stem>_timeline.png`` — class probabilities over time

Exit codes: 0 success; 1 no face found in the video; 2 bad command line;
3 unreadable video or config; 4 checkpoint refused (not weights-only) or
not matching the config.
"""
import argparse
import os.path as osp
import sys
import time

EXIT_OK, EXIT_NO_FACE, EXIT_USAGE, EXIT_INPUT, EXIT_CHECKPOINT = 0, 1, 2, 3, 4


def parse_args(argv=None) -> argparse.Namespace:
    """Parse the command line."""
    from mmhdf.apis import DETECTOR_HELP
    parser = argparse.ArgumentParser(
        description='Dynamic facial expression recognition on a video',
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('video', help='input video file')
    parser.add_argument('config', help='recognizer config file')
    parser.add_argument(
        'checkpoint',
        help='checkpoint file (must load with torch.load(weights_only=True))')
    parser.add_argument('--out-dir', default='demo_out',
                        help='folder for the outputs')
    parser.add_argument('--detector', default='haar', help=DETECTOR_HELP)
    parser.add_argument(
        '--window-sec', type=float, default=None,
        help='window length in seconds (default: the sampler span for '
        'SampleFrames configs, else 2 s)')
    parser.add_argument('--stride-sec', type=float, default=0.5,
                        help='step between windows in seconds')
    parser.add_argument('--face-size', type=int, default=224,
                        help='side of the face crops fed to the test '
                        'pipeline (DFEW crops are 224)')
    parser.add_argument('--box-scale', type=float, default=1.25,
                        help='margin factor around the detected face box')
    parser.add_argument('--detect-every', type=int, default=1,
                        help='run the detector on every k-th frame')
    parser.add_argument('--batch-size', type=int, default=8,
                        help='clips per forward pass')
    parser.add_argument('--device', default='cpu', help='torch device')
    parser.add_argument('--no-video', action='store_true',
                        help='skip writing the annotated video')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    """Run the demo; returns the exit code (see module docstring)."""
    args = parse_args(argv)
    from mmhdf.apis import (NoFaceError, VideoReadError, build_face_detector,
                            load_recognizer, run_video_demo)
    from mmhdf.compat import UnsafeCheckpointError

    def fail(code: int, msg: str) -> int:
        print(f'error: {msg}', file=sys.stderr)
        return code

    if not osp.isfile(args.video):
        return fail(EXIT_INPUT, f'video file not found: {args.video}')
    if not osp.isfile(args.config):
        return fail(EXIT_INPUT, f'config file not found: {args.config}')
    if not osp.isfile(args.checkpoint):
        return fail(EXIT_CHECKPOINT,
                    f'checkpoint file not found: {args.checkpoint}')
    try:
        detector = build_face_detector(args.detector)
    except (ValueError, FileNotFoundError) as err:
        return fail(EXIT_USAGE, str(err))

    t0 = time.time()
    from mmengine.config import Config
    try:
        cfg = Config.fromfile(args.config)
    except Exception as err:  # noqa: BLE001  (any config error: report it)
        return fail(EXIT_INPUT, f'cannot load config {args.config}: '
                    f'{type(err).__name__}: {err}')
    try:
        model = load_recognizer(cfg, args.checkpoint, args.device)
    except UnsafeCheckpointError as err:
        return fail(EXIT_CHECKPOINT, str(err))
    except RuntimeError as err:  # state dict mismatch (strict loading)
        return fail(
            EXIT_CHECKPOINT, f'checkpoint {args.checkpoint} does not match '
            f'config {args.config}: {" ".join(str(err).split())[:400]}')
    print(f'loaded {args.checkpoint} ({time.time() - t0:.1f}s)')
    try:
        result = run_video_demo(
            args.video,
            model,
            detector,
            args.out_dir,
            window_sec=args.window_sec,
            stride_sec=args.stride_sec,
            face_size=args.face_size,
            box_scale=args.box_scale,
            detect_every=args.detect_every,
            batch_size=args.batch_size,
            write_video=not args.no_video)
    except NoFaceError as err:
        return fail(EXIT_NO_FACE, str(err))
    except VideoReadError as err:
        return fail(EXIT_INPUT, str(err))
    counts = {}
    for r in result.records:
        counts[r['pred_label']] = counts.get(r['pred_label'], 0) + 1
    summary = ', '.join(f'{k}: {v}' for k, v in
                        sorted(counts.items(), key=lambda kv: -kv[1]))
    print(f'{len(result.records)} window(s) -> {summary}')
    for kind, path in result.outputs.items():
        print(f'  {kind:8s} {path}')
    print(f'done in {time.time() - t0:.1f}s')
    return EXIT_OK


if __name__ == '__main__':
    sys.exit(main())
