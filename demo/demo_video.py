"""Recognise facial expressions in your own video.

    python demo/demo_video.py VIDEO CONFIG CHECKPOINT [--out-dir DIR]

VIDEO is a video file or a folder of frames (DFEW's ``clip_224x224/<id>/``;
read at 25 fps). Detects faces (offline: MediaPipe BlazeFace when the
``face`` extra is installed, else OpenCV's Haar cascade), tracks the main
face, aligns it from its landmarks (eyes level, temporally smoothed; square
crops for Haar), runs sliding-window clip predictions with progress bars
and writes to ``--out-dir``:

* ``<stem>_windows.csv`` / ``<stem>_windows.json`` — per-window probabilities
  (the JSON ``meta`` names the training data and has a ``warning`` when it
  was synthetic)
* ``<stem>_annotated.webm`` — the video with face box, label, probability
  bars (VP9, plays in browsers; ``.mp4`` where OpenCV has no VP9 encoder)
* ``<stem>_contact_sheet.png`` — 12 annotated frames on one still
* ``<stem>_timeline.png`` — class probabilities over time

**Synthetic training data.** When the checkpoint was trained on synthetic
faces (SynDFER-H; read from the checkpoint meta, the model-zoo metafile or
the config), a warning is printed, drawn on every frame and stored in the
JSON ``meta``.

**No face.** The video counts as showing a face only when the main face is
*detected* in at least ``--min-face-share`` (default 0.3 = 30 %) of the
frames the detector scanned; interpolated frames do not count. Below that
(e.g. a textured wall that fools the Haar cascade in a few frames) the demo
exits 1 and writes no predictions. ``--min-face-share 0`` accepts any
detection.

**File names.** Videos and output folders may have names of any bytes (not
UTF-8): OpenCV gets ASCII aliases (:mod:`mmhdf.face.cv2_paths`), messages
show such bytes as ``\\xNN``.

Exit codes (every failure prints one ``error:`` line naming the file or
the argument, never a traceback):

* 0 success;
* 1 no face found in the video (or below ``--min-face-share``); nothing is
  written;
* 2 bad command line: an unknown detector, or a bad value (the message names
  the argument): ``--batch-size`` or ``--detect-every`` < 1, ``--face-size``
  outside 1..1024, ``--stride-sec``, ``--window-sec`` or ``--box-scale``
  <= 0 or not finite, ``--min-face-share`` outside [0, 1], ``--out-dir`` an
  existing file or not creatable, ``--device`` not available here;
* 3 video or config missing / unreadable (or a config without a test
  pipeline);
* 4 checkpoint missing, refused (not loadable with ``weights_only=True``),
  unreadable (empty, truncated, corrupt) or not matching the config.
"""
import argparse
import os.path as osp
import sys
import time

EXIT_OK, EXIT_NO_FACE, EXIT_USAGE, EXIT_INPUT, EXIT_CHECKPOINT = 0, 1, 2, 3, 4


def parse_args(argv=None) -> argparse.Namespace:
    """Parse the command line; a bad value exits 2 naming the argument."""
    from mmhdf.face.cli_args import (add_face_args, int_at_least,
                                     output_dir, positive_float,
                                     torch_device)
    parser = argparse.ArgumentParser(
        description='Dynamic facial expression recognition on a video',
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        epilog='Exit codes: 0 success; 1 no face (nothing written); 2 bad '
        'command line; 3 video or config missing / unreadable; 4 checkpoint '
        'missing, refused, unreadable or not matching the config.')
    parser.add_argument('video', help='input video file or folder of frames')
    parser.add_argument('config', help='recognizer config file')
    parser.add_argument(
        'checkpoint',
        help='checkpoint file (must load with torch.load(weights_only=True))')
    parser.add_argument('--out-dir', default='demo_out', type=output_dir,
                        help='folder for the outputs (created)')
    add_face_args(
        parser, '--face-size',
        size_help='side of the face crops fed to the test pipeline (DFEW '
        'crops are 224)',
        no_face='the video has no face: exit 1, nothing written')
    parser.add_argument(
        '--window-sec', type=positive_float, default=None,
        help='window length in seconds, > 0 (default: the sampler span for '
        'SampleFrames configs, else 2 s)')
    parser.add_argument('--stride-sec', type=positive_float, default=0.5,
                        help='step between windows in seconds, > 0')
    parser.add_argument('--batch-size', type=int_at_least(1), default=8,
                        help='clips per forward pass, >= 1')
    parser.add_argument('--device', default='cpu', type=torch_device,
                        help='torch device (must exist on this machine)')
    parser.add_argument('--no-video', action='store_true',
                        help='skip writing the annotated video')
    parser.add_argument('--video-format', choices=('auto', 'webm', 'mp4'),
                        default='auto',
                        help='annotated video: webm (VP9, browsers), mp4 '
                        '(mp4v, not for browsers); auto = webm when OpenCV '
                        'can write it')
    parser.add_argument('--no-align', action='store_true',
                        help='square box crops even when the detector has '
                        'landmarks')
    parser.add_argument('--quiet', action='store_true',
                        help='no progress bars')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    """Run the demo; returns the exit code (see module docstring)."""
    args = parse_args(argv)
    from mmhdf.apis import (CheckpointError, get_test_pipeline_cfg,
                            load_recognizer, parse_clip_spec, run_video_demo)
    from mmhdf.face import NoFaceError, VideoReadError, build_face_detector
    from mmhdf.face.cv2_paths import display_path
    from mmhdf.compat import UnsafeCheckpointError

    def fail(code: int, msg: str) -> int:
        print(f'error: {msg}', file=sys.stderr)
        return code

    video, config, checkpoint = (display_path(p) for p in (
        args.video, args.config, args.checkpoint))
    if not osp.isfile(args.video) and not osp.isdir(args.video):
        return fail(EXIT_INPUT, f'video file or frame folder not found: '
                    f'{video}')
    if not osp.isfile(args.config):
        return fail(EXIT_INPUT, f'config file not found: {config}')
    if not osp.isfile(args.checkpoint):
        return fail(EXIT_CHECKPOINT, f'checkpoint file not found: '
                    f'{checkpoint}')
    try:
        detector = build_face_detector(args.detector)
    except (ValueError, FileNotFoundError) as err:
        return fail(EXIT_USAGE, f'--detector: {err}')

    t0 = time.time()
    from mmengine.config import Config
    try:
        cfg = Config.fromfile(args.config)
        parse_clip_spec(get_test_pipeline_cfg(cfg))
    except Exception as err:  # noqa: BLE001  (any config error: report it)
        return fail(EXIT_INPUT, f'cannot load config {config}: '
                    f'{type(err).__name__}: {err}')
    try:
        model = load_recognizer(cfg, args.checkpoint, args.device)
    except (UnsafeCheckpointError, CheckpointError,
            FileNotFoundError) as err:
        return fail(EXIT_CHECKPOINT, display_path(str(err)))
    except Exception as err:  # noqa: BLE001  (the model cannot be built)
        return fail(EXIT_INPUT, f'cannot build the model of config {config}'
                    f': {type(err).__name__}: {err}')
    print(f'loaded {checkpoint} ({time.time() - t0:.1f}s)')
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
            write_video=not args.no_video,
            min_face_share=args.min_face_share,
            checkpoint=args.checkpoint,
            align=not args.no_align,
            video_ext=(None if args.video_format == 'auto' else
                       f'.{args.video_format}'),
            show_progress=not args.quiet)
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
        print(f'  {kind:8s} {display_path(path)}')
    print(f'done in {time.time() - t0:.1f}s')
    return EXIT_OK


if __name__ == '__main__':
    sys.exit(main())
