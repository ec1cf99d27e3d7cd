"""Load a recognizer safely and predict sliding windows of face crops.

The model input is read from the config's test pipeline, so any mmhdf /
mmaction2 recognizer config works: the frame sampler gives ``clip_len``, and
the pipeline's transforms after decoding (``Resize``, ``CenterCrop``,
``FormatShape``, ``PackActionInputs``, ...) are applied to the face crops
unchanged. Normalisation is left to the model's ``data_preprocessor``, fed
through :meth:`BaseModel.test_step` exactly as in ``tools/test.py``.
"""
import copy
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import (Callable, List, Mapping, Optional, Sequence, Tuple,
                    Union)

import numpy as np
import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate

from mmhdf.datasets.wrappers import leaf_datasets

#: DFEW class order (index = class id), the default for 7-class models.
DFEW_CLASSES = ('Happy', 'Sad', 'Neutral', 'Angry', 'Surprise', 'Disgust',
                'Fear')

# transform types that load, sample or decode frames: dropped, because the
# demo feeds already decoded face crops
_LOADING = re.compile(
    r'(Init|Decode|Sample|SampleFrames|Sampler|Loader)$|^Load|^Open')
_SAMPLERS = re.compile(r'(Sample|SampleFrames|Sampler)$')


class CheckpointError(RuntimeError):
    """A checkpoint cannot be used; the message names the file.

    :class:`CheckpointReadError` (the file is empty, truncated or not a
    checkpoint) and :class:`CheckpointMismatchError` (its weights do not fit
    the config's model) tell the two cases apart. A file refused for its
    pickle payload raises :class:`mmhdf.compat.UnsafeCheckpointError`
    instead.
    """


class CheckpointReadError(CheckpointError):
    """The checkpoint file is empty, truncated or not a checkpoint."""


class CheckpointMismatchError(CheckpointError):
    """The checkpoint's state dict does not fit the model."""


def read_checkpoint(checkpoint: str) -> dict:
    """Read a checkpoint file weights-only, with errors naming the file.

    Args:
        checkpoint (str): Checkpoint file.

    Returns:
        dict: The checkpoint (a state dict, or a dict holding
        ``state_dict``).

    Raises:
        FileNotFoundError: If the file does not exist.
        mmhdf.compat.UnsafeCheckpointError: If it needs full unpickling.
        CheckpointReadError: If it cannot be read as a checkpoint (empty,
            truncated, not a torch file, not a dict).
    """
    from mmengine.runner.checkpoint import _load_checkpoint

    from mmhdf.compat import apply as apply_compat
    apply_compat('checkpoint')  # mmhdf's API: weights-only loaders

    from mmhdf.compat import UnsafeCheckpointError
    shown = os.fsencode(checkpoint).decode('utf-8', 'backslashreplace')
    if os.path.isfile(checkpoint) and os.path.getsize(checkpoint) == 0:
        raise CheckpointReadError(
            f'cannot read checkpoint {shown}: the file is empty (0 bytes)')
    try:
        ckpt = _load_checkpoint(checkpoint, map_location='cpu')
    except (UnsafeCheckpointError, FileNotFoundError):
        raise
    except Exception as err:  # noqa: BLE001  (any decoder failure)
        detail = ' '.join(str(err).split())[:300]
        if shown in detail:  # the loader's own message names the file
            raise CheckpointReadError(detail) from None
        raise CheckpointReadError(
            f'cannot read checkpoint {shown}: not a complete torch '
            f'checkpoint (truncated or corrupt file?): '
            f'{type(err).__name__}: {detail}') from None
    if not isinstance(ckpt, dict):
        raise CheckpointReadError(
            f'cannot read checkpoint {shown}: it holds a '
            f'{type(ckpt).__name__}, not a state dict')
    return ckpt


@dataclass
class ClipSpec:
    """What one model input clip is, read from the test pipeline.

    Attributes:
        clip_len (int): Frames per clip.
        frame_interval (int): Frame step of ``SampleFrames``-style samplers
            (1 for ``UniformSample``).
        sampler (str): The sampler's type name.
        input_size (tuple[int, int] | None): Final ``(h, w)`` if it can be
            read from the pipeline (CenterCrop / fixed Resize).
    """

    clip_len: int
    frame_interval: int = 1
    sampler: str = 'UniformSample'
    input_size: Optional[Tuple[int, int]] = None


def get_test_pipeline_cfg(cfg: Config) -> List[dict]:
    """Return the test pipeline of a config.

    Looks at ``test_pipeline``, ``test_dataloader.dataset.pipeline``,
    ``val_pipeline`` and ``val_dataloader.dataset.pipeline`` in this order.

    Args:
        cfg (Config): A recognizer config.

    Returns:
        list[dict]: Transform configs (a deep copy).

    Raises:
        KeyError: If the config has no test or val pipeline.
    """
    candidates = [cfg.get('test_pipeline')]
    for loader in ('test_dataloader', 'val_dataloader'):
        dataset = (cfg.get(loader) or {}).get('dataset')
        # through ConcatDataset / RepeatDataset / LabelMappedDataset
        candidates += [leaf.get('pipeline') for leaf in leaf_datasets(dataset)
                       if isinstance(leaf, Mapping)]
    candidates.append(cfg.get('val_pipeline'))
    for pipeline in candidates:
        if pipeline:
            return copy.deepcopy([dict(t) for t in pipeline])
    raise KeyError(f'config {cfg.filename} has no test/val pipeline; the '
                   'demo reads the clip length and crop size from it')


def parse_clip_spec(pipeline: Sequence[dict]) -> ClipSpec:
    """Read clip length, frame interval and input size from a pipeline.

    Args:
        pipeline (Sequence[dict]): Transform configs.

    Returns:
        ClipSpec: The parsed spec.

    Raises:
        ValueError: If no transform gives ``clip_len``.
    """
    spec = None
    size = None
    for t in pipeline:
        kind = str(t.get('type', ''))
        if spec is None and 'clip_len' in t and _SAMPLERS.search(kind):
            spec = ClipSpec(int(t['clip_len']),
                            int(t.get('frame_interval', 1) or 1), kind)
        if kind in ('CenterCrop', 'ThreeCrop', 'TenCrop') and 'crop_size' in t:
            c = t['crop_size']
            size = (c, c) if isinstance(c, int) else (int(c[1]), int(c[0]))
        if kind == 'Resize' and not t.get('keep_ratio', True):
            w, h = t['scale']
            size = (int(h), int(w))
    if spec is None:
        raise ValueError('the test pipeline has no frame sampler with a '
                         'clip_len (e.g. UniformSample / SampleFrames)')
    spec.input_size = size
    return spec


def build_clip_pipeline(pipeline: Sequence[dict]) -> Compose:
    """Keep the transforms that run after frames are decoded.

    Args:
        pipeline (Sequence[dict]): The config's test pipeline.

    Returns:
        Compose: Transforms taking ``dict(imgs=[RGB (H, W, 3)], ...)``.
    """
    from mmengine.registry import init_default_scope
    init_default_scope('mmaction')
    kept = [t for t in pipeline if not _LOADING.search(str(t.get('type')))]
    return Compose(kept)


def load_recognizer(config: Union[str, Path, Config],
                    checkpoint: Optional[str] = None,
                    device: str = 'cpu',
                    strict: bool = True) -> nn.Module:
    """Build a recognizer from a config and load weights-only checkpoints.

    The checkpoint goes through mmengine's loader, which
    :func:`read_checkpoint` makes :func:`mmhdf.compat.safe_torch_load`
    (``mmhdf.compat.apply('checkpoint')``): a file holding a
    pickle payload raises :class:`mmhdf.compat.UnsafeCheckpointError` and
    the payload never runs. An empty, truncated or corrupt file raises
    :class:`CheckpointReadError`, weights that do not fit the model
    :class:`CheckpointMismatchError`; both name the file.

    Args:
        config (str | Path | Config): Config file or object.
        checkpoint (str, optional): Checkpoint file; None keeps random init.
        device (str): Torch device. Defaults to ``'cpu'``.
        strict (bool): Fail on missing / unexpected state-dict keys.

    Returns:
        nn.Module: The model in eval mode, with ``cfg``, ``dataset_meta``
        (from the checkpoint's meta, may be None) and ``checkpoint_meta``
        (the whole meta dict, ``{}`` without one) set.
    """
    import mmhdf  # noqa: F401  (compat: weights-only checkpoint loader)
    from mmengine.registry import init_default_scope
    from mmengine.runner.checkpoint import _load_checkpoint_to_model
    from mmaction.registry import MODELS

    cfg = config if isinstance(config, Config) else Config.fromfile(
        str(config))
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    model_cfg = copy.deepcopy(cfg.model)
    if model_cfg.get('backbone', {}).get('pretrained'):
        model_cfg.backbone.pretrained = None  # never download
    model = MODELS.build(model_cfg)
    dataset_meta = None
    checkpoint_meta: dict = {}
    if checkpoint is not None:
        ckpt = read_checkpoint(checkpoint)
        try:
            _load_checkpoint_to_model(model, ckpt, strict=strict,
                                      revise_keys=[(r'^module\.', '')])
        except Exception as err:  # noqa: BLE001  (missing keys, shapes...)
            raise CheckpointMismatchError(
                f'checkpoint {checkpoint} does not match config '
                f'{getattr(cfg, "filename", None) or "(in memory)"}: '
                f'{" ".join(str(err).split())[:400]}') from None
        meta = ckpt.get('meta')
        checkpoint_meta = meta if isinstance(meta, dict) else {}
        dataset_meta = checkpoint_meta.get('dataset_meta')
    else:
        model.init_weights()
    model.cfg = cfg
    model.dataset_meta = dataset_meta
    model.checkpoint_meta = checkpoint_meta
    return model.to(device).eval()


def get_class_names(model: nn.Module, num_classes: int) -> List[str]:
    """Class names: checkpoint meta, then DFEW order for 7 classes.

    Args:
        model (nn.Module): A model from :func:`load_recognizer`.
        num_classes (int): Number of scores the model predicts.

    Returns:
        list[str]: One name per class.
    """
    meta = getattr(model, 'dataset_meta', None) or {}
    names = meta.get('classes')
    if names is not None and len(names) == num_classes:
        return [str(n) for n in names]
    if num_classes == len(DFEW_CLASSES):
        return list(DFEW_CLASSES)
    return [f'class_{i}' for i in range(num_classes)]


def sliding_windows(num_frames: int,
                    window: int,
                    stride: int) -> List[Tuple[int, int]]:
    """Half-open frame ranges covering a video; the last one ends at T.

    Args:
        num_frames (int): Number of frames T.
        window (int): Window length in frames (clipped to T).
        stride (int): Step between window starts in frames.

    Returns:
        list[tuple[int, int]]: ``(start, end)`` pairs, ``end - start ==
        min(window, T)``.
    """
    window = max(1, min(window, num_frames))
    stride = max(1, stride)
    starts = list(range(0, num_frames - window + 1, stride))
    if starts[-1] + window < num_frames:
        starts.append(num_frames - window)
    return [(s, s + window) for s in starts]


def sample_clip_indices(start: int, end: int, clip_len: int) -> np.ndarray:
    """mmaction2 ``UniformSample`` (test mode, one clip) inside a window.

    Same indices as ``UniformSample(clip_len, test_mode=True)`` on a video of
    ``end - start`` frames, shifted by ``start``: the window is cut into
    ``clip_len`` segments of ``(L - 1) / clip_len`` frames and the middle
    of each is taken (frames repeat when ``L < clip_len``).

    Args:
        start (int): First frame of the window.
        end (int): One past the last frame.
        clip_len (int): Frames per clip.

    Returns:
        np.ndarray: ``clip_len`` frame indices (int64).
    """
    seg = float(end - start - 1) / clip_len
    offset = int(seg / 2)
    inds = [int(np.round(seg * i)) + offset for i in range(clip_len)]
    return start + np.minimum(np.array(inds, dtype=np.int64),
                              end - start - 1)


def build_window_sampler(
        pipeline: Sequence[dict]) -> Callable[[int, int], np.ndarray]:
    """Sample clips inside a window with the config's own frame sampler.

    The sampler transform of the test pipeline (``UniformSample``,
    ``DFERUniformSample``, ``SampleFrames``, ...) is built in test mode and
    run on a "video" of ``end - start`` frames; the indices are shifted by
    ``start``. Configs with ``num_clips > 1`` give ``num_clips * clip_len``
    indices (several views, averaged by the head as in ``tools/test.py``).
    When the sampler cannot be built or run without a real video,
    :func:`sample_clip_indices` is used.

    Args:
        pipeline (Sequence[dict]): The config's test pipeline.

    Returns:
        callable: ``sample(start, end) -> np.ndarray`` of frame indices
        (int64) in ``[start, end)``.
    """
    from mmengine.registry import init_default_scope
    from mmaction.registry import TRANSFORMS
    init_default_scope('mmaction')
    spec = parse_clip_spec(pipeline)
    cfg = next(dict(t) for t in pipeline
               if 'clip_len' in t and _SAMPLERS.search(str(t.get('type'))))
    if 'test_mode' in cfg or 'Sample' in cfg['type']:
        cfg['test_mode'] = True
    try:
        sampler = TRANSFORMS.build(cfg)
    except Exception:  # noqa: BLE001  (unknown signature: use the fallback)
        sampler = None

    def sample(start: int, end: int) -> np.ndarray:
        length = end - start
        if sampler is not None:
            try:
                out = sampler(dict(total_frames=length, start_index=0))
                inds = np.asarray(out['frame_inds'], dtype=np.int64)
                return start + np.clip(inds.reshape(-1), 0, length - 1)
            except (KeyError, TypeError, ValueError):
                pass
        return sample_clip_indices(start, end, spec.clip_len)

    return sample


def _to_probs(scores: torch.Tensor) -> torch.Tensor:
    """Softmax unless the scores already are probabilities."""
    if scores.min() >= 0 and torch.allclose(
            scores.sum(-1), torch.ones(scores.shape[:-1]), atol=1e-3):
        return scores
    return scores.softmax(-1)


@torch.no_grad()
def predict_clips(model: nn.Module,
                  frames_rgb: np.ndarray,
                  clip_indices: Sequence[np.ndarray],
                  pipeline: Compose,
                  batch_size: int = 8,
                  clip_len: Optional[int] = None,
                  progress=None) -> np.ndarray:
    """Class probabilities of several clips of one frame sequence.

    Args:
        model (nn.Module): A recognizer (eval mode).
        frames_rgb (np.ndarray): RGB frames, shape (T, H, W, 3), uint8.
        clip_indices (Sequence[np.ndarray]): Per sample, ``num_clips *
            clip_len`` frame indices into ``frames_rgb``.
        pipeline (Compose): From :func:`build_clip_pipeline`.
        batch_size (int): Samples per forward pass.
        clip_len (int, optional): Frames per view; None means each sample
            is one view (``num_clips = 1``).
        progress (callable, optional): Called with the number of samples
            after each forward pass.

    Returns:
        np.ndarray: Probabilities, shape (num_clips, num_classes), float32.
    """
    h, w = frames_rgb.shape[1:3]
    out = []
    for b in range(0, len(clip_indices), batch_size):
        batch = []
        for inds in clip_indices[b:b + batch_size]:
            inds = np.asarray(inds, dtype=np.int64)
            length = clip_len or len(inds)
            results = dict(
                imgs=[frames_rgb[i] for i in inds],
                frame_inds=inds,
                clip_len=length,
                num_clips=len(inds) // length,
                frame_interval=None,
                img_shape=(h, w),
                original_shape=(h, w),
                start_index=0,
                modality='RGB')
            batch.append(pipeline(results))
        samples = model.test_step(pseudo_collate(batch))
        scores = torch.stack([s.pred_score.float().cpu() for s in samples])
        out.append(_to_probs(scores))
        if progress is not None:
            progress(len(batch))
    return torch.cat(out).numpy().astype(np.float32)
