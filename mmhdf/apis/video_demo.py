"""End-to-end DFER on one video: faces -> windows -> probabilities -> files."""
import os
import os.path as osp
import sys
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import numpy as np
import torch.nn as nn

from mmhdf.face.crops import detect_main_face, extract_face_crops
from mmhdf.face.cv2_paths import PathLike, as_str_path, display_path
from mmhdf.face.detection import BaseFaceDetector
from mmhdf.face.tracking import DEFAULT_MIN_FACE_SHARE
from mmhdf.face.video import browser_video_ext, probe_video
from .inference import (build_clip_pipeline, build_window_sampler,
                        get_class_names, get_test_pipeline_cfg,
                        parse_clip_spec, predict_clips, sliding_windows)
from .provenance import synthetic_warning, training_data
from .visualization import (plot_timeline, render_annotated_video,
                            window_records, write_predictions)


class _Progress:
    """An mmengine progress bar, or nothing when ``enabled`` is False."""

    def __init__(self, total: int, enabled: bool, what: str, log) -> None:
        self.bar = None
        if enabled and total > 0:
            from mmengine.utils import ProgressBar
            log(what)
            self.bar = ProgressBar(total, file=sys.stdout)

    def __call__(self, *_) -> None:
        if self.bar is not None and self.bar.completed < self.bar.task_num:
            self.bar.update()

    def close(self) -> None:
        if self.bar is not None:
            print()


@dataclass
class VideoDemoResult:
    """What :func:`run_video_demo` produced.

    Attributes:
        records (list[dict]): Per-window predictions (see
            :func:`window_records`).
        outputs (dict[str, str]): Output kind (``csv``, ``json``, ``video``,
            ``timeline``, ``sheet``) -> file path.
        probs (np.ndarray): (num_windows, num_classes) probabilities.
        class_names (list[str]): Class names.
    """

    records: List[Dict]
    outputs: Dict[str, str] = field(default_factory=dict)
    probs: Optional[np.ndarray] = None
    class_names: List[str] = field(default_factory=list)


def check_demo_args(window_sec: Optional[float], stride_sec: float,
                    face_size: int, box_scale: float, detect_every: int,
                    batch_size: int, min_face_share: float) -> None:
    """Validate the numeric arguments of :func:`run_video_demo`.

    Args:
        window_sec (float, optional): > 0 or None.
        stride_sec (float): > 0.
        face_size (int): >= 1.
        box_scale (float): > 0.
        detect_every (int): >= 1.
        batch_size (int): >= 1.
        min_face_share (float): In [0, 1].

    Raises:
        ValueError: Naming the first bad argument.
    """
    checks = [
        ('window_sec', window_sec, window_sec is None or window_sec > 0,
         '> 0'),
        ('stride_sec', stride_sec, stride_sec > 0, '> 0'),
        ('face_size', face_size, face_size >= 1, '>= 1'),
        ('box_scale', box_scale, box_scale > 0, '> 0'),
        ('detect_every', detect_every, detect_every >= 1, '>= 1'),
        ('batch_size', batch_size, batch_size >= 1, '>= 1'),
        ('min_face_share', min_face_share, 0 <= min_face_share <= 1,
         'in [0, 1]'),
    ]
    for name, value, ok, rule in checks:
        # ``not ok`` is also True for NaN (every comparison is False)
        if not ok or (value is not None and not np.isfinite(value)):
            raise ValueError(f'{name} must be {rule}, got {value!r}')


def run_video_demo(video: PathLike,
                   model: nn.Module,
                   detector: BaseFaceDetector,
                   out_dir: PathLike,
                   window_sec: Optional[float] = None,
                   stride_sec: float = 0.5,
                   face_size: int = 224,
                   box_scale: float = 1.25,
                   detect_every: int = 1,
                   batch_size: int = 8,
                   write_video: bool = True,
                   min_face_share: float = DEFAULT_MIN_FACE_SHARE,
                   log=print,
                   checkpoint: Optional[str] = None,
                   align: bool = True,
                   video_ext: Optional[str] = None,
                   show_progress: bool = False) -> VideoDemoResult:
    """Run the whole demo on one video and write every output.

    Outputs in ``out_dir`` (``<stem>`` is the video's file stem or the
    frame folder's name, its bytes kept as they are):
    ``<stem>_windows.csv`` and ``<stem>_windows.json`` (per-window
    probabilities; the JSON's ``meta`` names the training data and carries
    a ``warning`` when it was synthetic), ``<stem>_annotated.webm`` (VP9,
    plays in browsers; ``.mp4``/``mp4v`` where OpenCV has no VP9 encoder:
    box, label, probability bars, the synthetic-data warning as a banner),
    ``<stem>_contact_sheet.png`` (12 annotated frames) and
    ``<stem>_timeline.png``. Nothing is written when the video has no face.

    Args:
        video (str | bytes | os.PathLike): Input video or folder of frames
            (see :mod:`mmhdf.face.video`); names of any bytes work (see
            :mod:`mmhdf.face.cv2_paths`).
        model (nn.Module): From :func:`load_recognizer`.
        detector (BaseFaceDetector): Face detector.
        out_dir (str | bytes | os.PathLike): Output folder (created).
        window_sec (float, optional): Window length in seconds. None: the
            sampler's span ``clip_len * frame_interval`` frames for
            ``SampleFrames``-style configs, else 2 s. Frames are sampled in
            each window by the config's own sampler (test mode).
        stride_sec (float): Step between windows in seconds.
        face_size (int): Side of the face crops fed to the test pipeline
            (DFEW's crops are 224).
        box_scale (float): Margin around the detected face box.
        detect_every (int): Run the detector on every k-th frame.
        batch_size (int): Clips per forward pass.
        write_video (bool): Write the annotated video.
        min_face_share (float): The main face must be detected in at least
            this share of the scanned frames, else the video has no face
            (see :mod:`mmhdf.face.tracking`). Defaults to 0.3.
        log (callable): Progress messages.
        checkpoint (str, optional): The checkpoint file, to look up its
            training data (:func:`mmhdf.apis.provenance.training_data`).
        align (bool): Align the crops from landmarks when the detector has
            them (:mod:`mmhdf.face.alignment`).
        video_ext (str, optional): ``.webm`` or ``.mp4`` for the annotated
            video; None: ``.webm`` where OpenCV can write VP9.
        show_progress (bool): Progress bars over detection, inference and
            rendering (on stdout).

    Returns:
        VideoDemoResult: Records, output paths, probabilities, class names.

    Raises:
        ValueError: For a bad numeric argument (see
            :func:`check_demo_args`).
        mmhdf.face.NoFaceError: If no face is found, or the main face in
            fewer than ``min_face_share`` of the scanned frames.
        mmhdf.face.VideoReadError: If the video cannot be read.
    """
    check_demo_args(window_sec, stride_sec, face_size, box_scale,
                    detect_every, batch_size, min_face_share)
    video, out_dir = as_str_path(video), as_str_path(out_dir)
    pipeline_cfg = get_test_pipeline_cfg(model.cfg)
    spec = parse_clip_spec(pipeline_cfg)
    pipeline = build_clip_pipeline(pipeline_cfg)

    bar = _Progress(probe_video(video).num_frames, show_progress,
                    'detecting faces', log)
    track, info = detect_main_face(video, detector, detect_every=detect_every,
                                   min_face_share=min_face_share,
                                   progress=bar)
    bar.close()
    provenance = training_data(model, checkpoint)
    warning = synthetic_warning(provenance)
    if warning:
        log(warning)
    fps = info.fps
    log(f'{info.num_frames} frames at {fps:.2f} fps, {info.width}x'
        f'{info.height}; face detected in {track.num_detected} of '
        f'{track.num_scanned} scanned frames ({track.face_share:.0%}; '
        f'{track.num_tracks} track(s), main one kept)')

    if window_sec is None:
        if spec.frame_interval > 1:
            window = spec.clip_len * spec.frame_interval
        else:
            window = int(round(2.0 * fps))
    else:
        window = int(round(window_sec * fps))
    window = max(window, 1)
    stride = max(1, int(round(stride_sec * fps)))
    windows = sliding_windows(info.num_frames, window, stride)
    sample = build_window_sampler(pipeline_cfg)
    clips = [sample(s, e) for s, e in windows]
    log(f'{len(windows)} window(s) of {min(window, info.num_frames)} frames '
        f'(stride {stride}), {spec.clip_len} frames per clip')
    # crop only the sampled frames; clip indices then point into ``needed``
    needed = np.unique(np.concatenate(clips))
    crops = extract_face_crops(video, track, size=face_size, scale=box_scale,
                               frames=needed, align=align)
    crops_rgb = crops[..., ::-1].copy()  # BGR -> RGB like decord
    local = [np.searchsorted(needed, c) for c in clips]
    bar = _Progress(int(np.ceil(len(local) / batch_size)), show_progress,
                    'classifying windows', log)
    probs = predict_clips(model, crops_rgb, local, pipeline, batch_size,
                          clip_len=spec.clip_len, progress=bar)
    bar.close()
    names = get_class_names(model, probs.shape[1])
    tracked = track.tracked
    face_ratio = [float(tracked[s:e].mean()) for s, e in windows]
    records = window_records(windows, probs, names, fps, face_ratio)

    os.makedirs(out_dir, exist_ok=True)
    stem = (osp.basename(osp.normpath(video)) if osp.isdir(video) else
            osp.splitext(osp.basename(video))[0])
    out = dict(
        csv=osp.join(out_dir, f'{stem}_windows.csv'),
        json=osp.join(out_dir, f'{stem}_windows.json'),
        timeline=osp.join(out_dir, f'{stem}_timeline.png'))
    meta = dict(
        video=display_path(osp.abspath(video)), fps=fps,
        num_frames=info.num_frames, width=info.width, height=info.height,
        detector=detector.name, clip_len=spec.clip_len,
        window_frames=min(window, info.num_frames), stride_frames=stride,
        classes=names, face_frames_detected=track.num_detected,
        face_share=round(track.face_share, 4),
        min_face_share=min_face_share,
        config=(display_path(model.cfg.filename)
                if getattr(model.cfg, 'filename', None) else None),
        aligned=bool(align and track.landmarks is not None),
        training_data=provenance, warning=warning)
    write_predictions(records, out['csv'], out['json'], meta)
    plot_timeline(out['timeline'], windows, probs, names, fps,
                  title=display_path(osp.basename(osp.normpath(video)))
                  + (' - synthetic-data model' if warning else ''))
    out['sheet'] = osp.join(out_dir, f'{stem}_contact_sheet.png')
    video_path = None
    if write_video:
        ext = video_ext or browser_video_ext()
        if ext != '.webm':
            log('note: this OpenCV cannot write VP9 WebM; the annotated '
                'video is mp4v, which browsers do not play')
        video_path = out['video'] = osp.join(out_dir,
                                             f'{stem}_annotated{ext}')
    bar = _Progress(info.num_frames, show_progress, 'rendering', log)
    render_annotated_video(video, video_path, track, windows, probs, names,
                           fps, warning=warning, sheet_path=out['sheet'],
                           progress=bar)
    bar.close()
    return VideoDemoResult(records, out, probs, names)
