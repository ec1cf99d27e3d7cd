"""Read the evaluation protocol off a test pipeline config.

How many views a number averages (clips x crops), the clip length and the
input size change WAR / UAR as much as the model does, so every printed
number names them. Read from the pipeline the data loader actually runs.
"""
import inspect
from typing import Any, Dict, Optional, Sequence

#: Spatial multi-crop transforms and the views each makes per clip.
CROP_VIEWS = {'ThreeCrop': 3, 'TenCrop': 10}


def _default(type_name: str, arg: str, fallback: Any) -> Any:
    """The default of ``arg`` in the registered transform's signature."""
    from mmaction.registry import TRANSFORMS
    try:
        cls = TRANSFORMS.get(type_name)
        param = inspect.signature(cls.__init__).parameters.get(arg)
    except Exception:
        return fallback
    if param is None or param.default is param.empty:
        return fallback
    return param.default


def _size(value: Any) -> str:
    if isinstance(value, int):
        return f'{value}x{value}'
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return f'{value[0]}x{value[1]}'
    return str(value)


def _input_size(t: Any) -> Optional[str]:
    """The spatial size a transform produces, if it fixes one."""
    kind = t.get('type')
    if kind in ('CenterCrop', 'ThreeCrop', 'TenCrop', 'RandomCrop'):
        size = t.get('crop_size', t.get('size'))
        return _size(size) if size is not None else None
    if kind == 'Resize':
        scale = t.get('scale')
        if isinstance(scale, (list, tuple)) and len(scale) == 2:
            if not t.get('keep_ratio', True):
                return _size(scale)
            if -1 in scale:
                return f'short side {max(scale)}'
        return f'resize {scale}'
    return None


def describe_views(pipeline: Optional[Sequence[Any]]) -> Dict[str, str]:
    """Views, clip length and input size of a test pipeline.

    The sampler is the first transform whose type contains ``Sample``
    (``UniformSample``, ``SampleFrames``, ``DFERUniformSample``, ...);
    ``ThreeCrop`` / ``TenCrop`` multiply the views by 3 / 10; the input size
    is that of the last resize / crop.

    Args:
        pipeline (Sequence, optional): The pipeline config (list of dicts).

    Returns:
        dict: ``views`` (e.g. ``'2 (2 clips x 1 crop)'``), ``clip_len``
        and ``input`` (e.g. ``'64x64'``); ``'?'`` where not found.
    """
    clips, clip_len, crops, size = None, None, 1, None
    for t in pipeline or []:
        if not hasattr(t, 'get') or not isinstance(t.get('type'), str):
            continue
        kind = t['type']
        if clips is None and 'Sample' in kind:
            clips = t.get('num_clips', _default(kind, 'num_clips', 1))
            clip_len = t.get('clip_len', _default(kind, 'clip_len', '?'))
        crops *= CROP_VIEWS.get(kind, 1)
        size = _input_size(t) or size
    if clips is None:
        return dict(views='?', clip_len='?', input=size or '?')
    crop_word = 'crop' if crops == 1 else 'crops'
    clip_word = 'clip' if clips == 1 else 'clips'
    return dict(views=f'{clips * crops} ({clips} {clip_word} x {crops} '
                f'{crop_word})', clip_len=str(clip_len), input=size or '?')
