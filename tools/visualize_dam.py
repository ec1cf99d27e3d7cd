#!/usr/bin/env python
"""Save DAM's per-frame temporal gates and frequency attention maps as PNGs.

For one clip (a video file, a folder of frames, or ``--random`` noise) the
model built from CONFIG (optionally with a checkpoint) runs one test forward
with every :class:`~mmhdf.models.dam.DAM` recording its maps. Written to
``--out-dir``:

* ``<dam>_temporal_gate.png``: the gate ``g_t`` in (0, 1) per frame, one bar
  per frame (``X_t = X * g + X``);
* ``<dam>_freq_attn.png``: ``sigmoid(m)`` over ``H x W`` of that DAM's
  input map, alone and over the clip's mean frame;
* ``summary.png``: the sampled frames and every DAM's gate and map;
* ``maps.npz``: the raw arrays.

``<dam>`` is the module path, e.g. ``backbone.dams.dam1`` or
``neck.dams.0``.

Example::

    python tools/visualize_dam.py configs/_base_/models/x3d_s_dam.py \\
        --input clip.mp4 --checkpoint best.pth --out-dir work_dirs/dam_vis
"""
import argparse
import os
import os.path as osp
import sys
from typing import Dict, List, Optional, Tuple

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import mmhdf  # noqa: E402  (drn fix + registration first)
import numpy as np  # noqa: E402
import torch  # noqa: E402
from mmaction.registry import MODELS  # noqa: E402
from mmaction.structures import ActionDataSample  # noqa: E402
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmengine.runner import load_checkpoint  # noqa: E402

from mmhdf.models.dam import DAM  # noqa: E402

IMAGE_EXTS = ('.jpg', '.jpeg', '.png', '.bmp', '.webp')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` if None.

    Returns:
        argparse.Namespace: The arguments.
    """
    parser = argparse.ArgumentParser(
        description='Save DAM temporal gates and frequency maps as PNGs')
    parser.add_argument('config', help='model or recipe config')
    parser.add_argument('--checkpoint', help='checkpoint (weights-only)')
    src = parser.add_mutually_exclusive_group(required=True)
    src.add_argument('--input', help='a video file or a folder of frames')
    src.add_argument('--random', action='store_true', help='use a random clip')
    parser.add_argument(
        '--out-dir', default='work_dirs/dam_vis', help='output folder')
    parser.add_argument(
        '--num-frames',
        type=int,
        help='clip length T (default: the model\'s num_frames, else 16)')
    parser.add_argument(
        '--size', type=int, default=112, help='square input size')
    parser.add_argument('--seed', type=int, default=0, help='for --random')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config entries, e.g. model.backbone.num_frames=8')
    return parser.parse_args(argv)


def model_num_frames(model: torch.nn.Module) -> Optional[int]:
    """Clip length the model was built for (X3DDAM / ResNet3dDAM), if any."""
    backbone = getattr(model, 'backbone', None)
    return getattr(backbone, 'num_frames', None)


def sample_indices(total: int, num_frames: int) -> np.ndarray:
    """Centres of ``num_frames`` equal segments of ``total`` frames."""
    if total < 1:
        raise ValueError('the input has no frames')
    return np.minimum(
        ((np.arange(num_frames) + 0.5) * total / num_frames).astype(int),
        total - 1)


def resize_center_crop(frame: np.ndarray, size: int) -> np.ndarray:
    """Resize the short side to ``size`` and crop the centre square."""
    import cv2
    h, w = frame.shape[:2]
    scale = size / min(h, w)
    nh, nw = max(size, round(h * scale)), max(size, round(w * scale))
    frame = cv2.resize(frame, (nw, nh), interpolation=cv2.INTER_AREA)
    top, left = (nh - size) // 2, (nw - size) // 2
    return frame[top:top + size, left:left + size]


def read_frames(path: str, num_frames: int) -> List[np.ndarray]:
    """``num_frames`` RGB uint8 frames sampled uniformly from a video/folder.

    Args:
        path (str): A video file or a folder of images (sorted by name).
        num_frames (int): Number of frames to sample.

    Returns:
        list[np.ndarray]: ``[H, W, 3]`` RGB frames.
    """
    import cv2
    if osp.isdir(path):
        files = sorted(
            f for f in os.listdir(path) if f.lower().endswith(IMAGE_EXTS))
        if not files:
            raise ValueError(f'no images ({IMAGE_EXTS}) in {path}')
        return [
            cv2.cvtColor(
                cv2.imread(osp.join(path, files[i])), cv2.COLOR_BGR2RGB)
            for i in sample_indices(len(files), num_frames)
        ]
    if not osp.isfile(path):
        raise FileNotFoundError(path)
    try:
        import decord
        reader = decord.VideoReader(path)
        idx = sample_indices(len(reader), num_frames)
        return list(reader.get_batch(list(idx)).asnumpy())
    except ImportError:
        cap = cv2.VideoCapture(path)
        frames = []
        ok, frame = cap.read()
        while ok:
            frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
            ok, frame = cap.read()
        cap.release()
        return [frames[i] for i in sample_indices(len(frames), num_frames)]


def load_clip(args: argparse.Namespace, num_frames: int) -> np.ndarray:
    """The input clip, ``[T, size, size, 3]`` uint8 RGB."""
    if args.random:
        rng = np.random.default_rng(args.seed)
        return rng.integers(
            0, 256, (num_frames, args.size, args.size, 3), dtype=np.uint8)
    frames = read_frames(args.input, num_frames)
    return np.stack([resize_center_crop(f, args.size) for f in frames])


def collect_dam_maps(
        model: torch.nn.Module,
        clip: np.ndarray) -> Tuple[Dict[str, Dict[str, np.ndarray]], dict]:
    """Run one test forward and return every DAM's last maps.

    Args:
        model (nn.Module): A recognizer containing DAM modules.
        clip (np.ndarray): ``[T, H, W, 3]`` uint8 RGB.

    Returns:
        tuple: ``{dam_name: {'temporal_gate': [T], 'freq_attn': [h, w]}}``
        and ``{'pred_label': int, 'pred_score': float}``.
    """
    dams = [(n, m) for n, m in model.named_modules() if isinstance(m, DAM)]
    if not dams:
        raise ValueError('the model has no DAM module')
    for _, dam in dams:
        dam.keep_maps = True
        dam.last_maps = None
    inputs = torch.from_numpy(clip).permute(3, 0, 1, 2)[None]  # 1,3,T,H,W
    data = dict(inputs=[inputs], data_samples=[ActionDataSample()])
    model.eval()
    with torch.no_grad():
        pred = model.test_step(data)[0]
    maps = {
        name: {
            k: v[0].cpu().numpy()
            for k, v in dam.last_maps.items()
        }
        for name, dam in dams
    }
    for _, dam in dams:
        dam.keep_maps = False
    score = pred.pred_score
    info = dict(pred_label=int(score.argmax()), pred_score=float(score.max()))
    return maps, info


def _overlay(attn: np.ndarray, mean_frame: np.ndarray) -> np.ndarray:
    import cv2
    size = mean_frame.shape[:2][::-1]
    return cv2.resize(attn, size, interpolation=cv2.INTER_NEAREST)


def save_maps(maps: Dict[str, Dict[str, np.ndarray]],
              clip: np.ndarray,
              out_dir: str,
              title: str = '') -> List[str]:
    """Write the PNGs (and ``maps.npz``) described in the module docstring.

    Args:
        maps (dict): Output of :func:`collect_dam_maps`.
        clip (np.ndarray): ``[T, H, W, 3]`` uint8 RGB input clip.
        out_dir (str): Output folder (created).
        title (str): Title of ``summary.png``.

    Returns:
        list[str]: Paths of the written files.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    os.makedirs(out_dir, exist_ok=True)
    mean_frame = clip.mean(0).astype(np.uint8)
    written = []

    def _save(fig, name):
        path = osp.join(out_dir, name)
        fig.savefig(path, dpi=100, bbox_inches='tight')
        plt.close(fig)
        written.append(path)

    def _gate_axes(ax, gate, name):
        ax.bar(np.arange(len(gate)), gate, color='tab:blue')
        ax.set_ylim(0, 1)
        ax.set_xticks(np.arange(0, len(gate), max(1, len(gate) // 16)))
        ax.set_xlabel('frame t (at this stage)')
        ax.set_ylabel('g_t')
        ax.set_title(f'{name}: temporal gate '
                     f'[{gate.min():.3f}, {gate.max():.3f}]')

    for name, m in maps.items():
        gate, attn = m['temporal_gate'], m['freq_attn']
        fig, ax = plt.subplots(figsize=(max(4, 0.35 * len(gate) + 2), 3))
        _gate_axes(ax, gate, name)
        _save(fig, f'{name}_temporal_gate.png')

        fig, axes = plt.subplots(1, 2, figsize=(8, 3.6))
        im = axes[0].imshow(attn, cmap='viridis')
        axes[0].set_title(f'{name}: freq. attention {attn.shape}')
        fig.colorbar(im, ax=axes[0], fraction=0.046)
        axes[1].imshow(mean_frame)
        axes[1].imshow(_overlay(attn, mean_frame), cmap='jet', alpha=0.45)
        axes[1].set_title('over the mean frame')
        for ax in axes:
            ax.axis('off')
        _save(fig, f'{name}_freq_attn.png')

    rows = len(maps) + 1
    num_frames = len(clip)
    fig = plt.figure(figsize=(max(8, num_frames * 0.8), 2.6 * rows))
    grid = fig.add_gridspec(
        rows, num_frames, hspace=0.7, height_ratios=[0.7] + [1] * len(maps))
    for t in range(num_frames):
        ax = fig.add_subplot(grid[0, t])
        ax.imshow(clip[t])
        ax.set_title(str(t), fontsize=7)
        ax.axis('off')
    half = max(1, num_frames // 2)
    for r, (name, m) in enumerate(maps.items(), start=1):
        _gate_axes(fig.add_subplot(grid[r, :half]), m['temporal_gate'], name)
        ax = fig.add_subplot(grid[r, half:])
        ax.imshow(m['freq_attn'], cmap='viridis')
        ax.set_title(f'{name}: freq. attention', fontsize=9)
        ax.axis('off')
    if title:
        fig.suptitle(title)
    _save(fig, 'summary.png')

    npz = osp.join(out_dir, 'maps.npz')
    np.savez(
        npz, **{
            f'{name}.{key}': value
            for name, m in maps.items()
            for key, value in m.items()
        })
    written.append(npz)
    return written


def main(argv: Optional[List[str]] = None) -> List[str]:
    """Run the tool.

    Args:
        argv (list[str], optional): Command-line arguments.

    Returns:
        list[str]: Paths of the written files.
    """
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    model = MODELS.build(cfg.model)
    if args.checkpoint:
        mmhdf.compat.apply('checkpoint')  # weights-only, any config
        load_checkpoint(model, args.checkpoint, map_location='cpu')
    num_frames = args.num_frames or model_num_frames(model) or 16
    clip = load_clip(args, num_frames)
    maps, info = collect_dam_maps(model, clip)
    source = 'random clip' if args.random else osp.basename(
        args.input.rstrip('/'))
    title = (f'{source}: predicted class {info["pred_label"]} '
             f'(p={info["pred_score"]:.2f})')
    written = save_maps(maps, clip, args.out_dir, title)
    print(f'{title}\nwrote {len(written)} files to {args.out_dir}')
    return written


if __name__ == '__main__':
    main()
