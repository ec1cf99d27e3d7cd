"""SynDFER-H benchmark writer (DFEW on-disk layout).

Layout written under ``root``::

    Clip/clip_224x224/<05d id>/<05d id>_<05d frame>.jpg
    EmoLabel_DataSplit/<split>(single-labeled)/set_1.csv   # video_name,label,domain
    metadata.csv
    syndfer_info.json

with splits ``train``, ``val``, ``test`` (in-domain) and ``test_shifted``
(capture styles and subjects never seen in train/val).  The plan (which clip
has which split, class, subject and style) is drawn in the main process;
every clip is then rendered from a seed derived from ``(seed, clip id)``,
so the output is byte-identical for any number of workers.
"""
import csv
import dataclasses
import json
import multiprocessing as mp
import os
import shutil
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import cv2
import numpy as np

from .classes import CLASS_NAMES, count_table, split_class_counts
from .clip import DEFAULT_RATES, render_clip, sample_clip
from .progress import Progress
from .styles import IN_DOMAIN_STYLES, SHIFTED_STYLES
from .subjects import Subject, sample_subjects

GENERATOR_VERSION = '1.2'
SPLITS: Tuple[str, ...] = ('train', 'val', 'test', 'test_shifted')
CLIP_SUBDIR = os.path.join('Clip', 'clip_224x224')
SPLIT_SUBDIR = 'EmoLabel_DataSplit'


@dataclass
class BenchmarkConfig:
    """Sizes and generation parameters of a SynDFER-H benchmark.

    Attributes:
        num_train, num_val, num_test, num_shifted (int): clips per split.
        size (int): frame side in pixels.
        frames_range (tuple[int, int]): min / max clip length.
        mean_frames (float): mean clip length before clipping.
        subjects_in_domain (int): subject pool of train/val/test.
        subjects_shifted (int): disjoint subject pool of test_shifted.
        min_per_class (int): floor on every class in every split.
        rates (dict): hard-sample probabilities (see
            ``clip.DEFAULT_RATES``).
    """
    num_train: int = 1400
    num_val: int = 250
    num_test: int = 350
    num_shifted: int = 350
    size: int = 64
    frames_range: Tuple[int, int] = (11, 80)
    mean_frames: float = 28.0
    subjects_in_domain: int = 48
    subjects_shifted: int = 16
    min_per_class: int = 5
    rates: Dict[str, float] = field(
        default_factory=lambda: dict(DEFAULT_RATES))

    def split_sizes(self) -> Dict[str, int]:
        """Clips per split."""
        return {'train': self.num_train, 'val': self.num_val,
                'test': self.num_test, 'test_shifted': self.num_shifted}

    def to_dict(self) -> dict:
        """JSON-friendly copy."""
        d = dataclasses.asdict(self)
        d['frames_range'] = list(self.frames_range)
        return d


PRESETS: Dict[str, BenchmarkConfig] = {
    'default': BenchmarkConfig(),
    'tiny': BenchmarkConfig(num_train=19, num_val=7, num_test=7,
                            num_shifted=7, size=32, frames_range=(11, 20),
                            mean_frames=14.0, subjects_in_domain=8,
                            subjects_shifted=4, min_per_class=1),
}


def make_config(preset: str = 'default', scale: Optional[float] = None,
                **overrides) -> BenchmarkConfig:
    """Build a config from a preset, a size scale and explicit overrides.

    Args:
        preset (str): ``'default'`` or ``'tiny'``.
        scale (float | None): multiply the four split sizes (and subject
            pools, sub-linearly) by this factor.
        **overrides: any :class:`BenchmarkConfig` field (``None`` values
            are ignored).

    Returns:
        BenchmarkConfig: the configuration.
    """
    if preset not in PRESETS:
        raise KeyError(f'unknown preset {preset!r}; choose from '
                       f'{sorted(PRESETS)}')
    cfg = dataclasses.replace(PRESETS[preset],
                              rates=dict(PRESETS[preset].rates))
    if scale is not None and scale != 1:
        mins = 7 * cfg.min_per_class
        for name in ('num_train', 'num_val', 'num_test', 'num_shifted'):
            setattr(cfg, name, max(mins, int(round(getattr(cfg, name) *
                                                   scale))))
        cfg.subjects_in_domain = max(4, int(round(
            cfg.subjects_in_domain * scale**0.5)))
        cfg.subjects_shifted = max(2, int(round(
            cfg.subjects_shifted * scale**0.5)))
    for key, val in overrides.items():
        if val is None:
            continue
        if not hasattr(cfg, key):
            raise TypeError(f'unknown config field {key!r}')
        setattr(cfg, key, tuple(val) if key == 'frames_range' else val)
    return cfg


@dataclass
class ClipTask:
    """What the plan fixes about a clip before it is rendered."""
    clip_id: int
    split: str
    label: int
    subject_id: int
    style: str


def make_plan(cfg: BenchmarkConfig, seed: int) -> List[ClipTask]:
    """Assign split, class, subject and capture style to every clip.

    In-domain splits draw subjects (with unequal per-subject weights) and
    the five in-domain styles (with unequal source weights) from the same
    distribution; ``test_shifted`` uses a disjoint subject pool and the
    three shifted styles.  Clip ids 1..N are a random permutation so the
    id reveals nothing about the split.

    Args:
        cfg (BenchmarkConfig): sizes.
        seed (int): benchmark seed.

    Returns:
        list[ClipTask]: tasks sorted by clip id.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0]))
    n_in, n_sh = cfg.subjects_in_domain, cfg.subjects_shifted
    w_in = rng.dirichlet(np.full(n_in, 3.0))
    w_sh = rng.dirichlet(np.full(n_sh, 3.0))
    styles_in = list(IN_DOMAIN_STYLES)
    p_in = np.array([IN_DOMAIN_STYLES[s] for s in styles_in])
    styles_sh = list(SHIFTED_STYLES)
    p_sh = np.array([SHIFTED_STYLES[s] for s in styles_sh])
    rows = []
    for split, n in cfg.split_sizes().items():
        counts = split_class_counts(n, cfg.min_per_class)
        labels = np.repeat(np.arange(len(CLASS_NAMES)), counts)
        shifted = split == 'test_shifted'
        subj = rng.choice(n_sh, n, p=w_sh / w_sh.sum()) + n_in if shifted \
            else rng.choice(n_in, n, p=w_in / w_in.sum())
        sty = rng.choice(len(styles_sh), n, p=p_sh / p_sh.sum()) if shifted \
            else rng.choice(len(styles_in), n, p=p_in / p_in.sum())
        names = styles_sh if shifted else styles_in
        rows += [(split, int(lab), int(s), names[int(k)])
                 for lab, s, k in zip(labels, subj, sty)]
    ids = rng.permutation(len(rows)) + 1
    tasks = [ClipTask(int(i), *r) for i, r in zip(ids, rows)]
    return sorted(tasks, key=lambda t: t.clip_id)


def make_subjects(cfg: BenchmarkConfig, seed: int) -> Dict[int, Subject]:
    """The in-domain pool (ids ``0..n_in-1``) and the shifted pool."""
    total = cfg.subjects_in_domain + cfg.subjects_shifted
    return {s.subject_id: s for s in sample_subjects(0, total, seed)}


# ------------------------------------------------------------ rendering
_STATE: dict = {}


def _init_worker(root: str, cfg: BenchmarkConfig, seed: int,
                 subjects: Dict[int, Subject], single_thread: bool) -> None:
    """Pool initialiser: keep the shared state in the worker."""
    if single_thread:
        cv2.setNumThreads(1)
    _STATE.update(root=root, cfg=cfg, seed=seed, subjects=subjects)


def clip_dir(root: str, clip_id: int) -> str:
    """Frame folder of a clip (DFEW layout)."""
    return os.path.join(root, CLIP_SUBDIR, f'{clip_id:05d}')


def _render_task(task: ClipTask) -> dict:
    """Render and write one clip; return its metadata row."""
    root, cfg, seed = _STATE['root'], _STATE['cfg'], _STATE['seed']
    params = sample_clip(task.clip_id, task.label,
                         _STATE['subjects'][task.subject_id], task.style,
                         seed, size=cfg.size, frames_range=cfg.frames_range,
                         mean_frames=cfg.mean_frames, rates=cfg.rates)
    frames = render_clip(params)
    out = clip_dir(root, task.clip_id)
    os.makedirs(out, exist_ok=True)
    quality = [cv2.IMWRITE_JPEG_QUALITY, params.capture.jpeg]
    for j, frame in enumerate(frames):
        ok, buf = cv2.imencode('.jpg', frame, quality)
        if not ok:
            raise RuntimeError(f'JPEG encoding failed for clip '
                               f'{task.clip_id}')
        with open(os.path.join(out, f'{task.clip_id:05d}_{j + 1:05d}.jpg'),
                  'wb') as f:
            f.write(buf.tobytes())
    env = params.track.envelope
    apex = env.apex_time
    return {
        'clip_id': task.clip_id, 'split': task.split,
        'label': task.label, 'label_name': CLASS_NAMES[task.label],
        'csv_label': params.csv_label + 1,
        'label_noise': int(params.label_noise),
        'subject': task.subject_id, 'style': task.style,
        'intensity': round(params.intensity, 4),
        'ambiguous': int(params.mixed_with is not None),
        'mixed_with': params.mixed_with or '',
        'mix_weight': round(params.mix_weight, 4),
        'talking': int(params.talking),
        'dropped': params.glitches.dropped,
        'duplicated': params.glitches.duplicated,
        'speed': '>'.join(f'{s:.3f}' for s in params.glitches.speed),
        'glitches': params.glitches.summary(),
        'n_frames': params.n_frames,
        'onset_frame': int(np.searchsorted(params.glitches.times,
                                           env.start)) + 1,
        'apex_frame': int(np.argmin(np.abs(params.glitches.times -
                                           min(apex,
                                               params.glitches.duration))))
        + 1,
        'jpeg_quality': params.capture.jpeg,
    }


METADATA_FIELDS: Tuple[str, ...] = (
    'clip_id', 'split', 'label', 'label_name', 'csv_label', 'label_noise',
    'subject', 'style', 'intensity', 'ambiguous', 'mixed_with',
    'mix_weight', 'talking', 'dropped', 'duplicated', 'speed', 'glitches',
    'n_frames', 'onset_frame', 'apex_frame', 'jpeg_quality')


def split_csv_path(root: str, split: str) -> str:
    """``EmoLabel_DataSplit/<split>(single-labeled)/set_1.csv``."""
    return os.path.join(root, SPLIT_SUBDIR, f'{split}(single-labeled)',
                        'set_1.csv')


def _prepare_root(root: str) -> None:
    """Create ``root``; clear a previous SynDFER-H output inside it.

    Raises:
        FileExistsError: ``root`` holds other files than a SynDFER-H
            benchmark.
    """
    ours = {'Clip', SPLIT_SUBDIR, 'metadata.csv', 'syndfer_info.json'}
    if os.path.isdir(root):
        entries = set(os.listdir(root))
        if entries - ours:
            raise FileExistsError(
                f'{root} is not empty and not a SynDFER-H output '
                f'(found {sorted(entries - ours)[:5]}); choose another '
                f'folder')
        for name in entries:
            path = os.path.join(root, name)
            if os.path.isdir(path):
                shutil.rmtree(path)
            else:
                os.remove(path)
    os.makedirs(os.path.join(root, CLIP_SUBDIR), exist_ok=True)


def _write_outputs(root: str, rows: List[dict], cfg: BenchmarkConfig,
                   seed: int) -> dict:
    """Write split CSVs, metadata.csv and syndfer_info.json."""
    for split in SPLITS:
        path = split_csv_path(root, split)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w', newline='') as f:
            # DFEW's two columns, plus the capture style as `domain`:
            # DFEWDataset passes extra named columns into every sample, so
            # DFERMetric(group_key='domain') reports per-domain UAR.
            f.write('video_name,label,domain\n')
            for r in rows:
                if r['split'] == split:
                    f.write(f"{r['clip_id']},{r['csv_label']},{r['style']}\n")
    with open(os.path.join(root, 'metadata.csv'), 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=list(METADATA_FIELDS),
                                lineterminator='\n')
        writer.writeheader()
        writer.writerows(rows)
    counts, true_counts, styles, subjects, frames = {}, {}, {}, {}, {}
    for split in SPLITS:
        sub = [r for r in rows if r['split'] == split]
        counts[split] = count_table([r['csv_label'] - 1 for r in sub])
        true_counts[split] = count_table([r['label'] for r in sub])
        styles[split] = sorted({r['style'] for r in sub})
        subjects[split] = sorted({int(r['subject']) for r in sub})
        lengths = [r['n_frames'] for r in sub]
        frames[split] = {'total': int(sum(lengths)),
                         'min': int(min(lengths)), 'max': int(max(lengths)),
                         'mean': round(float(np.mean(lengths)), 2)}
    info = {
        'name': 'SynDFER-H', 'generator_version': GENERATOR_VERSION,
        'seed': seed, 'config': cfg.to_dict(),
        'class_names': list(CLASS_NAMES),
        'label_base': 1,
        'layout': {'clips': CLIP_SUBDIR.replace(os.sep, '/'),
                   'frame_name': '<05d id>_<05d frame>.jpg (1-based)',
                   'splits': {s: os.path.relpath(split_csv_path(root, s),
                                                 root).replace(os.sep, '/')
                              for s in SPLITS}},
        'counts': counts, 'true_counts': true_counts,
        'styles': styles, 'subjects': subjects, 'frames': frames,
        'num_clips': len(rows),
        'hard_samples': {
            'label_noise': int(sum(r['label_noise'] for r in rows)),
            'ambiguous': int(sum(r['ambiguous'] for r in rows)),
            'with_glitches': int(sum(r['glitches'] != 'none'
                                     for r in rows)),
            'talking': int(sum(r['talking'] for r in rows))},
    }
    with open(os.path.join(root, 'syndfer_info.json'), 'w') as f:
        json.dump(info, f, indent=1, sort_keys=True)
    return info


def _cached_info(root: str, cfg: BenchmarkConfig,
                 seed: int) -> Optional[dict]:
    """Info of a complete earlier run with the same parameters, if any."""
    path = os.path.join(root, 'syndfer_info.json')
    try:
        with open(path) as f:
            info = json.load(f)
    except (OSError, ValueError):
        return None
    if (info.get('generator_version') == GENERATOR_VERSION
            and info.get('seed') == seed
            and info.get('config') == json.loads(json.dumps(cfg.to_dict()))
            and os.path.isdir(os.path.join(root, CLIP_SUBDIR))
            and all(os.path.isfile(split_csv_path(root, s))
                    for s in SPLITS)):
        return info
    return None


def generate_benchmark(root: str, seed: int = 0, preset: str = 'default',
                       workers: Optional[int] = None,
                       config: Optional[BenchmarkConfig] = None,
                       force: bool = False, progress: bool = True,
                       **overrides) -> dict:
    """Generate (or reuse) a SynDFER-H benchmark in DFEW layout.

    Args:
        root (str): output folder (created; a previous SynDFER-H output in
            it is replaced).
        seed (int): benchmark seed; same seed -> byte-identical output.
        preset (str): ``'default'`` or ``'tiny'`` (ignored when ``config``
            is given).
        workers (int | None): processes (default: number of CPUs; 1 renders
            in this process).
        config (BenchmarkConfig | None): explicit configuration.
        force (bool): regenerate even if ``root`` already holds a complete
            benchmark with the same seed and configuration.
        progress (bool): print a progress bar to stderr.
        **overrides: :class:`BenchmarkConfig` fields (and ``scale``) applied
            to the preset.

    Returns:
        dict: summary with ``root``, ``counts`` (split -> class -> clips, as
        written to the split files), ``num_clips``, ``num_frames``,
        ``seconds``, ``clips_per_s``, ``workers`` and ``cached``.
    """
    cfg = config or make_config(preset, **overrides)
    workers = int(workers or os.cpu_count() or 1)
    if not force:
        info = _cached_info(root, cfg, seed)
        if info is not None:
            return _summary(root, info, 0.0, workers, cached=True)
    start = time.perf_counter()
    tasks = make_plan(cfg, seed)
    subjects = make_subjects(cfg, seed)
    _prepare_root(root)
    bar = Progress(len(tasks), 'SynDFER-H', 'clips', enabled=progress)
    rows: List[dict] = []
    if workers <= 1:
        _init_worker(root, cfg, seed, subjects, single_thread=False)
        for task in tasks:
            rows.append(_render_task(task))
            bar.update()
    else:
        # Never plain 'fork': a parent that already ran torch / OpenMP /
        # OpenCV thread pools (a training process, a test session) can
        # deadlock its forked children. A fork server starts from a clean
        # interpreter, imports this module once and forks workers from it.
        if 'forkserver' in mp.get_all_start_methods():
            ctx = mp.get_context('forkserver')
            ctx.set_forkserver_preload([__name__])
        else:
            ctx = mp.get_context('spawn')
        with ctx.Pool(workers, initializer=_init_worker,
                      initargs=(root, cfg, seed, subjects, True)) as pool:
            for row in pool.imap_unordered(_render_task, tasks,
                                           chunksize=4):
                rows.append(row)
                bar.update()
    bar.close()
    rows.sort(key=lambda r: r['clip_id'])
    info = _write_outputs(root, rows, cfg, seed)
    return _summary(root, info, time.perf_counter() - start, workers,
                    cached=False)


def _summary(root: str, info: dict, seconds: float, workers: int,
             cached: bool) -> dict:
    """Return value of :func:`generate_benchmark`."""
    n = info['num_clips']
    return {'root': root, 'seed': info['seed'],
            'counts': {s: info['counts'][s] for s in SPLITS},
            'num_clips': n,
            'num_frames': int(sum(v['total']
                                  for v in info['frames'].values())),
            'seconds': round(seconds, 2),
            'clips_per_s': round(n / seconds, 1) if seconds > 0 else None,
            'workers': workers, 'cached': cached,
            'styles': {s: info['styles'][s] for s in SPLITS},
            'config': info['config']}
