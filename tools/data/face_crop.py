"""Turn a folder of raw videos into DFEW-style face-crop frame folders.

    python tools/data/face_crop.py IN_DIR OUT_ROOT \
        [--labels LABELS.csv | --labels-from-folders] [--detector auto]
        [--frames-16f]

For each video (searched recursively in ``IN_DIR``) the main face is
detected and tracked (see :mod:`mmhdf.face`), aligned from its landmarks
like DFEW's crops (eyes level, fixed place and scale, temporally smoothed;
:mod:`mmhdf.face.alignment`) when the detector has them (``mediapipe``, the
default when installed) or cropped square with a margin (Haar, ``none``,
``fixed``, ``--no-align``), resized and written in DFEW's layout::

    OUT_ROOT/Clip/clip_224x224/<id>/<id>_00001.jpg ...
    OUT_ROOT/Clip/clip_224x224_16f/<id>/<id>_00001.jpg ... _00016.jpg
                               # with --frames-16f: time-interpolated
    OUT_ROOT/EmoLabel_DataSplit/<split>(single-labeled)/set_<fold>.csv
    OUT_ROOT/id_map.csv        # video_name,source  (id -> original file)
    OUT_ROOT/skipped.csv       # source,reason      (videos left out)

Ids are 5-digit integers (DFEW's ``video_name``): the file stems when all of
them are integers, otherwise ``--start-id, --start-id + 1, ...`` in sorted
path order. The split file is ``video_name,label`` with DFEW's 1-based
labels (1 Happy, 2 Sad, 3 Neutral, 4 Angry, 5 Surprise, 6 Disgust, 7 Fear),
so ``DFEWDataset(data_root=OUT_ROOT, split=..., fold=...)`` reads it. Labels
come from ``--labels`` (CSV ``video,label``; ``video`` is the path relative
to ``IN_DIR``, the file name or the stem; ``label`` a class word in any
common spelling or an official 1..7 id), from ``--labels-from-folders``
(the first folder under ``IN_DIR`` names the class), or are left empty
(unlabelled; the split then only lists the clips).

Videos that cannot be read or have no face are skipped and reported in
``skipped.csv`` with the reason; one bad video never loses the batch (any
error while processing it, even an unexpected one, skips only that video and
the split file, ``id_map.csv`` and ``skipped.csv`` are always written). "No
face" is the demo's rule: the main face must be *detected* in at least
``--min-face-share`` (default 0.3) of the scanned frames (interpolated
frames do not count), so a wall texture that fools the Haar cascade in a few
frames is skipped instead of becoming a "face" clip. ``--min-face-ratio``
additionally requires the face box (detected or interpolated) to cover a
share of all frames.

File names of any bytes work: OpenCV reads them through ASCII aliases
(:mod:`mmhdf.face.cv2_paths`); in ``id_map.csv``, ``skipped.csv`` and the
console, bytes that are not UTF-8 are written as ``\\xNN`` so the files
stay valid UTF-8.

Exit codes: 0 at least one video was processed (skipped ones are listed in
``skipped.csv``); 1 every video was skipped; 2 bad command line (a bad value
names its argument: ``--size`` outside 1..1024, ``--detect-every`` or
``--fold`` < 1, ``--start-id`` < 0, ``--box-scale`` <= 0 or not finite,
``--min-face-share`` / ``--min-face-ratio`` outside [0, 1],
``--jpeg-quality`` outside [0, 100], ``--split`` not a plain name,
``OUT_ROOT`` an existing file), input folder without videos, or a bad labels
file (unreadable, not UTF-8, bad row: named with its line).
"""
import argparse
import csv
import os
import os.path as osp
import re
import shutil
import sys
from typing import Dict, List, Optional, Tuple

EXIT_OK, EXIT_ALL_SKIPPED, EXIT_USAGE = 0, 1, 2
DFEW_ORDER = ('Happy', 'Sad', 'Neutral', 'Angry', 'Surprise', 'Disgust',
              'Fear')


class LabelError(ValueError):
    """A label cannot be mapped to a DFEW class."""


def find_videos(root: str, extensions: Tuple[str, ...]) -> List[str]:
    """All video files under ``root``, sorted by relative path.

    Args:
        root (str): Input folder.
        extensions (tuple[str]): Lower-case extensions with the dot.

    Returns:
        list[str]: Paths relative to ``root`` (``/``-separated).
    """
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in filenames:
            if name.lower().endswith(extensions):
                rel = osp.relpath(osp.join(dirpath, name), root)
                found.append(rel.replace(os.sep, '/'))
    return sorted(found)


def to_dfew_label(value: str) -> int:
    """Map a label word or an official 1..7 id to DFEW's 1-based id.

    Args:
        value (str): e.g. ``'happiness'``, ``'Angry'``, ``'4'``.

    Returns:
        int: 1..7.

    Raises:
        LabelError: For an unknown word or an id outside 1..7.
    """
    value = value.strip()
    if re.fullmatch(r'\d+', value):
        k = int(value)
        if not 1 <= k <= 7:
            raise LabelError(f'label id {value} outside DFEW\'s 1..7')
        return k
    from mmhdf.datasets.label_presets import canonical_emotion
    try:
        canon = canonical_emotion(value)
    except KeyError:
        raise LabelError(f'unknown emotion label {value!r}; expected one of '
                         f'{", ".join(DFEW_ORDER)} (or 1..7)') from None
    names = [n.lower() for n in DFEW_ORDER]
    if canon not in names:
        raise LabelError(f'label {value!r} is not one of the 7 DFEW classes')
    return names.index(canon) + 1


def read_label_csv(path: str) -> Dict[str, int]:
    """Read ``video,label`` rows (a header row is optional).

    Args:
        path (str): The labels CSV.

    Returns:
        dict[str, int]: Key as written (relative path, name or stem) ->
        DFEW label 1..7.

    Raises:
        LabelError: For an unreadable file, a byte that is not UTF-8, a
            malformed row or label; the message names the file and line.
    """
    from mmhdf.datasets.errors import DFERDatasetError
    from mmhdf.datasets.split_files import read_split_lines
    labels: Dict[str, int] = {}
    try:
        lines = read_split_lines(path)
    except DFERDatasetError as err:  # unreadable, or a byte not UTF-8
        raise LabelError(f'labels file {err}') from None
    for ln, row in enumerate(csv.reader(lines), 1):
        row = [c.strip() for c in row]
        if not any(row):
            continue
        if len(row) < 2:
            raise LabelError(f'{path}:{ln}: expected "video,label", got '
                             f'{",".join(row)!r}')
        if ln == 1 and row[1].lower() == 'label':
            continue
        try:
            labels[row[0].replace('\\', '/')] = to_dfew_label(row[1])
        except LabelError as err:
            raise LabelError(f'{path}:{ln}: {err}') from None
    return labels


def lookup_label(rel: str, labels: Dict[str, int]) -> Optional[int]:
    """Find a video's label by relative path, file name, then stem."""
    name = osp.basename(rel)
    for key in (rel, name, osp.splitext(name)[0]):
        if key in labels:
            return labels[key]
    return None


def assign_ids(videos: List[str], start_id: int) -> List[int]:
    """Integer ids: the stems if all are distinct integers, else a count.

    Args:
        videos (list[str]): Relative paths.
        start_id (int): First id of the running count.

    Returns:
        list[int]: One id per video.
    """
    stems = [osp.splitext(osp.basename(v))[0] for v in videos]
    if all(s.isdigit() for s in stems) and len(set(map(int, stems))) == len(
            stems):
        return [int(s) for s in stems]
    return list(range(start_id, start_id + len(videos)))


def crop_video(args: argparse.Namespace, rel: str, clip_id: str, detector,
               labels: Optional[Dict[str, int]], clip_root: str) -> str:
    """Crop one video's main face into ``clip_root/<clip_id>/``.

    Args:
        args (argparse.Namespace): The parsed command line.
        rel (str): The video, relative to ``args.in_dir``.
        clip_id (str): Its 5-digit id.
        detector (BaseFaceDetector): The face detector.
        labels (dict[str, int], optional): From ``--labels``.
        clip_root (str): ``OUT_ROOT/Clip/clip_SxS``.

    Returns:
        str: The DFEW label (``'1'`` .. ``'7'``, or ``''`` when unlabelled).

    Raises:
        LabelError: If the video has no usable label.
        mmhdf.face.NoFaceError: If it has no face (``--min-face-share``,
            ``--min-face-ratio``).
        mmhdf.face.VideoReadError: If it cannot be read.
    """
    from mmhdf.face import (NoFaceError, detect_main_face, extract_face_crops,
                            save_face_frames, time_interpolate)
    label = ''
    if labels is not None:
        k = lookup_label(rel, labels)
        if k is None:
            raise LabelError(f'no label in {args.labels}')
        label = str(k)
    elif args.labels_from_folders:
        if '/' not in rel:
            raise LabelError('not inside a class folder')
        label = str(to_dfew_label(rel.split('/', 1)[0]))
    path = osp.join(args.in_dir, rel)
    track, _ = detect_main_face(path, detector,
                                detect_every=args.detect_every,
                                min_face_share=args.min_face_share)
    ratio = float(track.tracked.mean())
    if ratio < args.min_face_ratio:
        raise NoFaceError(f'face in only {ratio:.0%} of frames '
                          f'(--min-face-ratio {args.min_face_ratio})')
    crops = extract_face_crops(path, track, args.size, args.box_scale,
                               align=not args.no_align)
    save_face_frames(crops, osp.join(clip_root, clip_id), clip_id,
                     args.jpeg_quality)
    if args.frames_16f:
        save_face_frames(time_interpolate(crops, 16),
                         osp.join(clip_root + '_16f', clip_id), clip_id,
                         args.jpeg_quality)
    return label


def skip_reason(err: Exception) -> str:
    """The ``skipped.csv`` reason for the error that skipped a video.

    Args:
        err (Exception): What :func:`crop_video` raised.

    Returns:
        str: ``no face: ...``, ``unreadable: ...``, ``label: ...`` or
        ``error: <type>: ...`` for anything unexpected.
    """
    from mmhdf.face import NoFaceError, VideoReadError
    from mmhdf.face.cv2_paths import display_path
    msg = display_path(' '.join(str(err).split()))
    if isinstance(err, NoFaceError):
        # first sentence only: the hint about --detector is for the demo
        return 'no face: ' + msg.split('. ')[0]
    if isinstance(err, VideoReadError):
        return f'unreadable: {msg}'
    if isinstance(err, LabelError):
        return f'label: {msg}'
    return f'error: {type(err).__name__}: {msg}'


def parse_args(argv=None) -> argparse.Namespace:
    """Parse the command line; a bad value exits 2 naming the argument."""
    from mmhdf.face.cli_args import (add_face_args, int_at_least,
                                     int_in_range, output_dir, plain_name,
                                     share)
    parser = argparse.ArgumentParser(
        description='raw videos -> DFEW-style face-crop frame folders',
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('in_dir', help='folder of raw videos (recursive)')
    parser.add_argument('out_root', type=output_dir,
                        help='output dataset root (created)')
    group = parser.add_mutually_exclusive_group()
    group.add_argument('--labels', help='CSV "video,label"')
    group.add_argument('--labels-from-folders', action='store_true',
                       help='the first folder under IN_DIR is the class')
    add_face_args(parser, '--size',
                  size_help='crop side; frames go to Clip/clip_SxS',
                  no_face='the video is skipped (the demo\'s no-face rule)')
    parser.add_argument('--min-face-ratio', type=share, default=0.0,
                        help='also skip videos whose face is detected or '
                        'interpolated in fewer than this fraction of frames')
    parser.add_argument('--split', default='test', type=plain_name,
                        help='split folder name (<split>(single-labeled))')
    parser.add_argument('--fold', type=int_at_least(1), default=1,
                        help='split file is set_<fold>.csv')
    parser.add_argument('--start-id', type=int_at_least(0), default=1,
                        help='first id when stems are not integers')
    parser.add_argument('--jpeg-quality', type=int_in_range(0, 100),
                        default=95)
    parser.add_argument('--frames-16f', action='store_true',
                        help='also write Clip/clip_SxS_16f: every clip '
                        'time-interpolated to 16 frames (DFEW\'s variant)')
    parser.add_argument('--no-align', action='store_true',
                        help='square box crops even when the detector has '
                        'landmarks')
    parser.add_argument('--quiet', action='store_true',
                        help='no progress bar')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    """Run the conversion; returns the exit code (see module docstring)."""
    args = parse_args(argv)
    from mmhdf.face import VIDEO_EXTENSIONS, build_face_detector
    from mmhdf.face.cv2_paths import display_path

    def fail(msg: str) -> int:
        print(f'error: {msg}', file=sys.stderr)
        return EXIT_USAGE

    if not osp.isdir(args.in_dir):
        return fail(f'input folder not found: {display_path(args.in_dir)}')
    videos = find_videos(args.in_dir, VIDEO_EXTENSIONS)
    if not videos:
        return fail(f'no video files ({", ".join(VIDEO_EXTENSIONS)}) under '
                    f'{display_path(args.in_dir)}')
    try:
        detector = build_face_detector(args.detector)
        labels = read_label_csv(args.labels) if args.labels else None
    except (ValueError, FileNotFoundError) as err:
        return fail(str(err))

    ids = assign_ids(videos, args.start_id)
    clip_root = osp.join(args.out_root, 'Clip',
                         f'clip_{args.size}x{args.size}')
    rows: List[Tuple[str, str]] = []
    id_map: List[Tuple[str, str]] = []
    skipped: List[Tuple[str, str]] = []
    progress = None
    if not args.quiet:
        from mmengine.utils import ProgressBar
        progress = ProgressBar(len(videos), file=sys.stdout)
    for rel, vid in zip(videos, ids):
        clip_id = f'{vid:05d}'
        try:
            label = crop_video(args, rel, clip_id, detector, labels,
                               clip_root)
            rows.append((clip_id, label))
            id_map.append((clip_id, display_path(rel)))
        except Exception as err:  # noqa: BLE001  (one video, never the batch)
            shutil.rmtree(osp.join(clip_root, clip_id), ignore_errors=True)
            shutil.rmtree(osp.join(clip_root + '_16f', clip_id),
                          ignore_errors=True)
            skipped.append((display_path(rel), skip_reason(err)))
        if progress is not None:
            progress.update()
    if progress is not None:
        print()

    os.makedirs(args.out_root, exist_ok=True)
    split_dir = osp.join(args.out_root, 'EmoLabel_DataSplit',
                         f'{args.split}(single-labeled)')
    os.makedirs(split_dir, exist_ok=True)
    split_file = osp.join(split_dir, f'set_{args.fold}.csv')
    _write_csv(split_file, ('video_name', 'label'), rows)
    _write_csv(osp.join(args.out_root, 'id_map.csv'),
               ('video_name', 'source'), id_map)
    report = osp.join(args.out_root, 'skipped.csv')
    _write_csv(report, ('source', 'reason'), skipped)

    print(f'{len(rows)} of {len(videos)} video(s) cropped to '
          f'{display_path(clip_root)}')
    print(f'split file: {display_path(split_file)}')
    if skipped:
        print(f'{len(skipped)} video(s) skipped (listed in '
              f'{display_path(report)}):')
        for rel, reason in skipped:
            print(f'  {rel}: {reason}')
    if not rows:
        print('error: every video was skipped', file=sys.stderr)
        return EXIT_ALL_SKIPPED
    return EXIT_OK


def _write_csv(path: str, header: Tuple[str, ...],
               rows: List[Tuple[str, str]]) -> None:
    with open(path, 'w', newline='', encoding='utf-8') as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


if __name__ == '__main__':
    sys.exit(main())
