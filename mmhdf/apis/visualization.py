"""Outputs of the video demo: tables, annotated video, contact sheet and
timeline plot."""
import csv
import json
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

from mmhdf.face.tracking import DETECTED, HELD, FaceTrack
from mmhdf.face.video import iter_frames, open_video_writer

# matplotlib's tab10 in BGR, one colour per class
_PALETTE = [(180, 119, 31), (14, 127, 255), (44, 160, 44), (40, 39, 214),
            (189, 103, 148), (75, 86, 140), (194, 119, 227), (127, 127, 127),
            (34, 189, 188), (207, 190, 23)]


def class_color(idx: int) -> Tuple[int, int, int]:
    """BGR colour of class ``idx`` (tab10 palette)."""
    return _PALETTE[idx % len(_PALETTE)]


def window_records(windows: Sequence[Tuple[int, int]], probs: np.ndarray,
                   class_names: Sequence[str], fps: float,
                   face_ratio: Sequence[float]) -> List[Dict]:
    """One JSON-able record per window.

    Args:
        windows (Sequence[tuple[int, int]]): ``(start, end)`` frame ranges.
        probs (np.ndarray): Probabilities, shape (num_windows, num_classes).
        class_names (Sequence[str]): Names, length num_classes.
        fps (float): Frame rate (for times in seconds).
        face_ratio (Sequence[float]): Per window, the fraction of frames in
            which the face was detected or interpolated (not held).

    Returns:
        list[dict]: Keys ``window, start_frame, end_frame, start_sec,
        end_sec, face_ratio, pred_label, pred_score, probs``.
    """
    records = []
    for i, ((s, e), p) in enumerate(zip(windows, probs)):
        k = int(np.argmax(p))
        records.append(
            dict(
                window=i,
                start_frame=int(s),
                end_frame=int(e) - 1,
                start_sec=round(s / fps, 4),
                end_sec=round(e / fps, 4),
                face_ratio=round(float(face_ratio[i]), 4),
                pred_label=class_names[k],
                pred_score=round(float(p[k]), 6),
                probs={n: round(float(v), 6)
                       for n, v in zip(class_names, p)}))
    return records


def write_predictions(records: List[Dict], csv_path: Optional[str],
                      json_path: Optional[str],
                      meta: Optional[Dict] = None) -> None:
    """Write window records as CSV (one row per window) and / or JSON.

    Args:
        records (list[dict]): From :func:`window_records`.
        csv_path (str, optional): CSV file; columns are the record keys with
            ``probs`` expanded to one ``prob_<class>`` column per class.
        json_path (str, optional): JSON file ``{"meta": ..., "windows":
            records}``.
        meta (dict, optional): Video / model facts stored in the JSON.
    """
    if csv_path:
        os.makedirs(osp.dirname(osp.abspath(csv_path)), exist_ok=True)
        names = list(records[0]['probs']) if records else []
        head = [k for k in (records[0] if records else {}) if k != 'probs']
        with open(csv_path, 'w', newline='') as f:
            writer = csv.writer(f)
            writer.writerow(head + [f'prob_{n}' for n in names])
            for r in records:
                writer.writerow([r[k] for k in head] +
                                [r['probs'][n] for n in names])
    if json_path:
        os.makedirs(osp.dirname(osp.abspath(json_path)), exist_ok=True)
        with open(json_path, 'w') as f:
            json.dump(dict(meta=meta or {}, windows=records), f, indent=2)


def frame_to_window(num_frames: int,
                    windows: Sequence[Tuple[int, int]]) -> np.ndarray:
    """For each frame, the window whose centre is nearest.

    Args:
        num_frames (int): T.
        windows (Sequence[tuple[int, int]]): ``(start, end)`` ranges.

    Returns:
        np.ndarray: Window index per frame, shape (T,), int64.
    """
    centres = np.array([(s + e - 1) / 2 for s, e in windows])
    t = np.arange(num_frames)[:, None]
    return np.abs(t - centres[None]).argmin(1)


def _put_text(img: np.ndarray, text: str, org: Tuple[int, int],
              scale: float, color=(255, 255, 255), thick: int = 1,
              background: Optional[Tuple[int, int, int]] = None) -> None:
    """Draw text; with ``background``, on a filled box (readable anywhere)."""
    if background is not None:
        (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX,
                                         scale, thick)
        x, y = org
        cv2.rectangle(img, (x - 2, y - th - 3), (x + tw + 2, y + base),
                      background, -1)
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, color, thick,
                cv2.LINE_AA)


def draw_frame(frame: np.ndarray,
               box: Optional[Sequence[float]],
               status: int,
               probs: np.ndarray,
               class_names: Sequence[str],
               min_height: int = 360) -> np.ndarray:
    """Annotate one frame: face box with label, probability bars panel.

    Args:
        frame (np.ndarray): BGR frame (H, W, 3) uint8.
        box (Sequence[float], optional): Face box ``x1 y1 x2 y2``.
        status (int): Track status of the frame (``DETECTED`` draws a solid
            box, interpolated a thin one, ``HELD`` none).
        probs (np.ndarray): Probabilities (num_classes,) of the window.
        class_names (Sequence[str]): Class names.
        min_height (int): Small frames are upscaled to this height.

    Returns:
        np.ndarray: Annotated BGR image (H', W' + panel, 3); the panel is
        ``max(220, H' // 2)`` pixels wide.
    """
    h, w = frame.shape[:2]
    s = max(1.0, min_height / h)
    img = cv2.resize(frame, (round(w * s), round(h * s))) if s > 1 else \
        frame.copy()
    H, W = img.shape[:2]
    k = int(np.argmax(probs))
    color = class_color(k)
    text_scale = max(0.4, H / 720)
    if box is not None and status != HELD:
        x1, y1, x2, y2 = (int(round(v * s)) for v in box[:4])
        cv2.rectangle(img, (x1, y1), (x2, y2), color,
                      3 if status == DETECTED else 1)
        _put_text(img, f'{class_names[k]} {probs[k]:.2f}',
                  (max(2, x1), max(int(24 * text_scale), y1 - 6)), text_scale,
                  color=(255, 255, 255), thick=max(1, round(text_scale * 2)),
                  background=color)
    # probability bars
    pw = max(220, H // 2)
    panel = np.full((H, pw, 3), 30, dtype=np.uint8)
    n = len(class_names)
    row = H / (n + 1)
    label_w = int(pw * 0.45)
    longest = max([str(c)[:12] for c in class_names] + ['0.00'], key=len)
    (tw, _), _ = cv2.getTextSize(longest, cv2.FONT_HERSHEY_SIMPLEX, 1.0, 1)
    fs = max(0.3, min(row / 40, (label_w - 12) / max(tw, 1)))
    _put_text(panel, 'probabilities', (8, int(row * 0.6)), fs)
    for i, (name, p) in enumerate(zip(class_names, probs)):
        y = int(row * (i + 1))
        _put_text(panel, str(name)[:12], (8, y + int(row * 0.6)), fs,
                  color=(255, 255, 255) if i != k else class_color(i))
        bar_max = pw - label_w - 8
        bar = int(bar_max * float(p))
        cv2.rectangle(panel, (label_w, y + int(row * 0.2)),
                      (label_w + bar_max, y + int(row * 0.8)), (60, 60, 60),
                      -1)
        cv2.rectangle(panel, (label_w, y + int(row * 0.2)),
                      (label_w + bar, y + int(row * 0.8)), class_color(i), -1)
        _put_text(panel, f'{p:.2f}', (label_w + 4, y + int(row * 0.65)),
                  fs * 0.8)
    return np.concatenate([img, panel], 1)


def draw_warning(img: np.ndarray, text: str) -> np.ndarray:
    """Draw a red warning banner across the top of an image (in place).

    Args:
        img (np.ndarray): BGR image (H, W, 3).
        text (str): One line of warning.

    Returns:
        np.ndarray: ``img``.
    """
    h, w = img.shape[:2]
    scale = max(0.4, h / 900)
    (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale,
                                     1)
    scale *= min(1.0, (w - 12) / max(tw, 1))
    (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale,
                                     1)
    cv2.rectangle(img, (0, 0), (w, th + base + 8), (0, 0, 170), -1)
    _put_text(img, text, (6, th + 4), scale)
    return img


def write_contact_sheet(path: str, tiles: Sequence[np.ndarray],
                        captions: Sequence[str], columns: int = 4,
                        tile_width: int = 320) -> Tuple[int, int]:
    """Write a grid of annotated frames as one PNG.

    Args:
        path (str): Output ``.png`` (any bytes in the name).
        tiles (Sequence[np.ndarray]): BGR images (they are resized to
            ``tile_width``, keeping the aspect ratio of the first).
        captions (Sequence[str]): One caption per tile (e.g. the time).
        columns (int): Tiles per row.
        tile_width (int): Width of a tile in pixels.

    Returns:
        tuple[int, int]: The sheet's ``(width, height)``.
    """
    h0, w0 = tiles[0].shape[:2]
    th = max(1, round(tile_width * h0 / w0))
    cells = []
    for img, cap in zip(tiles, captions):
        cell = cv2.resize(img, (tile_width, th), interpolation=cv2.INTER_AREA)
        _put_text(cell, cap, (4, th - 6), 0.45, background=(0, 0, 0))
        cells.append(cell)
    while len(cells) % columns:
        cells.append(np.zeros_like(cells[0]))
    rows = [np.concatenate(cells[i:i + columns], 1)
            for i in range(0, len(cells), columns)]
    sheet = np.concatenate(rows, 0)
    ok, buf = cv2.imencode('.png', sheet)
    if not ok:
        raise OSError(f'cannot encode the contact sheet {path}')
    with open(path, 'wb') as f:
        f.write(buf.tobytes())
    return sheet.shape[1], sheet.shape[0]


def render_annotated_video(video: str, out_path: Optional[str],
                           track: FaceTrack,
                           windows: Sequence[Tuple[int, int]],
                           probs: np.ndarray, class_names: Sequence[str],
                           fps: float, warning: Optional[str] = None,
                           sheet_path: Optional[str] = None,
                           sheet_tiles: int = 12,
                           progress=None) -> Tuple[int, Tuple[int, int]]:
    """Write the annotated copy of a video and / or its contact sheet.

    Args:
        video (str): Input video or frame folder.
        out_path (str, optional): Output video (``.webm`` VP9 for
            browsers, see :func:`mmhdf.face.video.open_video_writer`); None
            writes no video.
        track (FaceTrack): Per-frame face boxes.
        windows (Sequence[tuple[int, int]]): Window ranges.
        probs (np.ndarray): Window probabilities (num_windows, num_classes).
        class_names (Sequence[str]): Class names.
        fps (float): Output frame rate.
        warning (str, optional): Drawn as a red banner on every frame.
        sheet_path (str, optional): Contact sheet ``.png`` of
            ``sheet_tiles`` evenly spaced annotated frames.
        sheet_tiles (int): Frames on the contact sheet.
        progress (callable, optional): Called once per frame.

    Returns:
        tuple: (frames annotated, (width, height)).
    """
    f2w = frame_to_window(len(track), windows)
    picks = set(np.linspace(0, len(track) - 1, min(sheet_tiles, len(track)))
                .round().astype(int).tolist()) if sheet_path else set()
    tiles, captions = [], []
    writer, size, count = None, None, 0
    try:
        for t, frame in enumerate(iter_frames(video)):
            if t >= len(track):
                break
            img = draw_frame(frame, track.boxes[t], int(track.status[t]),
                             probs[f2w[t]], class_names)
            if warning:
                draw_warning(img, warning)
            if t in picks:
                tiles.append(img)
                k = int(np.argmax(probs[f2w[t]]))
                captions.append(f'{t / fps:.1f}s  {class_names[k]}')
            if writer is None and out_path is not None:
                size = (img.shape[1], img.shape[0])
                writer = open_video_writer(out_path, fps, size)
            if writer is not None:
                writer.write(img)
            size = (img.shape[1], img.shape[0])
            count += 1
            if progress is not None:
                progress()
    finally:
        if writer is not None:
            writer.release()
    if sheet_path and tiles:
        write_contact_sheet(sheet_path, tiles, captions)
    return count, size


def plot_timeline(path: str, windows: Sequence[Tuple[int, int]],
                  probs: np.ndarray, class_names: Sequence[str], fps: float,
                  title: str = '') -> None:
    """Plot class probabilities over time (window centres) as a PNG.

    The top strip shows the predicted class of each window.

    Args:
        path (str): Output ``.png``.
        windows (Sequence[tuple[int, int]]): Window ranges.
        probs (np.ndarray): (num_windows, num_classes).
        class_names (Sequence[str]): Class names.
        fps (float): Frame rate.
        title (str): Figure title.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    t = np.array([(s + e) / 2 / fps for s, e in windows])
    fig, (ax0, ax1) = plt.subplots(
        2, 1, figsize=(10, 4.5), sharex=True,
        gridspec_kw=dict(height_ratios=[1, 6]))
    rgb = [tuple(c / 255 for c in class_color(i)[::-1])
           for i in range(len(class_names))]
    pred = probs.argmax(1)
    edges = np.array([s / fps for s, _ in windows] + [windows[-1][1] / fps])
    for i, k in enumerate(pred):
        lo = (edges[i] + t[i]) / 2 if i else edges[0]
        hi = (t[i] + t[i + 1]) / 2 if i + 1 < len(t) else edges[-1]
        ax0.axvspan(lo, hi, color=rgb[k], lw=0)
    ax0.set_yticks([])
    ax0.set_ylabel('pred', rotation=0, ha='right', va='center')
    for k, name in enumerate(class_names):
        ax1.plot(t, probs[:, k], color=rgb[k], label=name, lw=1.8,
                 marker='o' if len(t) < 30 else None, ms=3)
    ax1.set_ylim(0, 1)
    ax1.set_xlim(edges[0], edges[-1])
    ax1.set_xlabel('time (s)')
    ax1.set_ylabel('probability')
    ax1.grid(alpha=0.3)
    ax1.legend(loc='upper left', bbox_to_anchor=(1.0, 1.0), fontsize=8)
    if title:
        ax0.set_title(title, fontsize=10)
    fig.tight_layout()
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
