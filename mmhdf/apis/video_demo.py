"""End-to-end DFER on one video: faces -> windows -> probabilities -> files."""
import os
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import cv2
import numpy as np
import torch.nn as nn

from .face_detection import BaseFaceDetector
from .face_video import detect_main_face, extract_face_crops
from .inference import (build_clip_pipeline, build_window_sampler,
                        get_class_names, get_test_pipeline_cfg,
                        parse_clip_spec, predict_clips, sliding_windows)
from .visualization import (plot_timeline, render_annotated_video,
                            window_records, write_predictions)


@dataclass
class VideoDemoResult:
    """What :func:`run_video_demo` produced.

    Attributes:
        records (list[dict]): Per-window predictions (see
            :func:`window_records`).
        outputs (dict[str, str]): Output kind (``csv``, ``json``, ``video``,
            ``timeline``) -> file path.
        probs (np.ndarray): (num_windows, num_classes) probabilities.
        class_names (list[str]): Class names.
    """

    records: List[Dict]
    outputs: Dict[str, str] = field(default_factory=dict)
    probs: Optional[np.ndarray] = None
    class_names: List[str] = field(default_factory=list)


def run_video_demo(video: str,
                   model: nn.Module,
                   detector: BaseFaceDetector,
                   out_dir: str,
                   window_sec: Optional[float] = None,
                   stride_sec: float = 0.5,
                   face_size: int = 224,
                   box_scale: float = 1.25,
                   detect_every: int = 1,
                   batch_size: int = 8,
                   write_video: bool = True,
                   log=print) -> VideoDemoResult:
    """Run the whole demo on one video and write every output.

    Outputs in ``out_dir`` (``<stem>`` is the video's file stem):
    ``<stem>_windows.csv`` and ``<stem>_windows.json`` (per-window
    probabilities), ``<stem>_annotated.mp4`` (box, label, probability bars)
    and ``<stem>_timeline.png``.

    Args:
        video (str): Input video.
        model (nn.Module): From :func:`load_recognizer`.
        detector (BaseFaceDetector): Face detector.
        out_dir (str): Output folder (created).
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
        log (callable): Progress messages.

    Returns:
        VideoDemoResult: Records, output paths, probabilities, class names.

    Raises:
        mmhdf.apis.NoFaceError: If no face is found.
        mmhdf.apis.VideoReadError: If the video cannot be read.
    """
    pipeline_cfg = get_test_pipeline_cfg(model.cfg)
    spec = parse_clip_spec(pipeline_cfg)
    pipeline = build_clip_pipeline(pipeline_cfg)

    track, info = detect_main_face(video, detector, detect_every=detect_every)
    fps = info.fps
    log(f'{info.num_frames} frames at {fps:.2f} fps, {info.width}x'
        f'{info.height}; face detected in {(track.status == 2).sum()} frames'
        f' ({track.num_tracks} track(s), main one kept)')

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
                               frames=needed)
    crops_rgb = crops[..., ::-1].copy()  # BGR -> RGB like decord
    local = [np.searchsorted(needed, c) for c in clips]
    probs = predict_clips(model, crops_rgb, local, pipeline, batch_size,
                          clip_len=spec.clip_len)
    names = get_class_names(model, probs.shape[1])
    tracked = track.tracked
    face_ratio = [float(tracked[s:e].mean()) for s, e in windows]
    records = window_records(windows, probs, names, fps, face_ratio)

    os.makedirs(out_dir, exist_ok=True)
    stem = osp.splitext(osp.basename(video))[0]
    out = dict(
        csv=osp.join(out_dir, f'{stem}_windows.csv'),
        json=osp.join(out_dir, f'{stem}_windows.json'),
        timeline=osp.join(out_dir, f'{stem}_timeline.png'))
    meta = dict(
        video=osp.abspath(video), fps=fps, num_frames=info.num_frames,
        width=info.width, height=info.height, detector=detector.name,
        clip_len=spec.clip_len, window_frames=min(window, info.num_frames),
        stride_frames=stride, classes=names,
        face_frames_detected=int((track.status == 2).sum()),
        config=getattr(model.cfg, 'filename', None))
    write_predictions(records, out['csv'], out['json'], meta)
    plot_timeline(out['timeline'], windows, probs, names, fps,
                  title=osp.basename(video))
    if write_video:
        out['video'] = osp.join(out_dir, f'{stem}_annotated.mp4')
        render_annotated_video(video, out['video'], track, windows, probs,
                               names, fps)
    return VideoDemoResult(records, out, probs, names)


def save_face_frames(crops: np.ndarray, folder: str, prefix: str,
                     quality: int = 95) -> int:
    """Write face crops as ``<prefix>_00001.jpg ...`` (DFEW naming).

    Args:
        crops (np.ndarray): BGR crops, shape (T, S, S, 3), uint8.
        folder (str): Output folder (created).
        prefix (str): File name prefix, e.g. the clip id ``00001``.
        quality (int): JPEG quality.

    Returns:
        int: Number of frames written.
    """
    os.makedirs(folder, exist_ok=True)
    for i, crop in enumerate(crops, 1):
        path = osp.join(folder, f'{prefix}_{i:05d}.jpg')
        if not cv2.imwrite(path, crop, [cv2.IMWRITE_JPEG_QUALITY, quality]):
            raise OSError(f'cannot write {path}')
    return len(crops)
