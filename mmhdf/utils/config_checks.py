"""Validate user configs before the Runner starts, with clear messages.

Configs and data paths are user input: a typo should fail in a second with a
message naming the config file and the key, not after minutes of set-up with
a traceback deep inside a data loader worker.
"""
import difflib
import inspect
import os.path as osp
from typing import Any, Iterable, List, Optional, Set, Tuple

from mmengine.config import Config

from mmhdf.datasets.wrappers import leaf_datasets


class ConfigError(ValueError):
    """Raised for an invalid config; the message names file and key."""


_LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def _get(d: Any, key: str, default: Any = None) -> Any:
    if d is None:
        return default
    return d.get(key, default) if hasattr(d, 'get') else default


def _resolve(path: str, data_root: Optional[str]) -> str:
    if data_root and not osp.isabs(path):
        return osp.join(data_root, path)
    return path


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    return f' (did you mean {" or ".join(repr(c) for c in close)}?)' \
        if close else ''


def accepted_args(cls: type) -> Tuple[Optional[Set[str]], List[str]]:
    """Keyword arguments a class's ``__init__`` accepts, following
    ``**kwargs`` up the MRO.

    Args:
        cls (type): The class.

    Returns:
        tuple: (accepted names, or ``None`` when anything goes; required
        names of the class's own ``__init__``).
    """
    names: Set[str] = set()
    required: List[str] = []
    first = True
    for klass in cls.__mro__:
        if '__init__' not in vars(klass):
            continue
        if klass is object:
            return names, required
        try:
            sig = inspect.signature(vars(klass)['__init__'])
        except (TypeError, ValueError):
            return None, required
        params = list(sig.parameters.values())[1:]  # drop self
        var_kw = False
        for p in params:
            if p.kind is p.VAR_KEYWORD:
                var_kw = True
            elif p.kind is not p.VAR_POSITIONAL:
                names.add(p.name)
                if first and p.default is p.empty:
                    required.append(p.name)
        first = False
        if not var_kw:
            return names, required
    return None, required


def _registry_names(registry: Any) -> Set[str]:
    """Names registered in ``registry`` and its parents (what ``get``
    finds without a scope prefix)."""
    names: Set[str] = set()
    while registry is not None:
        names.update(registry.module_dict)
        registry = getattr(registry, 'parent', None)
    return names


def _lookup(registry: Any, type_: Any) -> Optional[type]:
    if not isinstance(type_, str):
        return type_ if callable(type_) else None
    try:
        return registry.get(type_)
    except Exception:  # unknown scope prefix etc.
        return None


def _check_args(cfg: Any, cls: type, what: str, filename: str,
                extra_ok: Iterable[str] = ()) -> None:
    accepted, required = accepted_args(cls)
    given = {k for k in cfg.keys() if k != 'type' and not k.startswith('_')}
    if accepted is not None:
        for key in sorted(given - accepted - set(extra_ok)):
            raise ConfigError(
                f'{filename}: {what}: {cls.__name__} has no argument '
                f'{key!r}{_suggest(key, accepted)}; accepted: '
                f'{", ".join(sorted(accepted))}.')
    for key in required:
        if key not in given:
            raise ConfigError(
                f'{filename}: {what}: {cls.__name__} needs {key!r}, which '
                'the config does not set.')


def _check_pipeline(pipeline: Any, where: str, filename: str,
                    loader: str) -> None:
    from mmaction.registry import TRANSFORMS
    for i, t in enumerate(pipeline or []):
        if not hasattr(t, 'get') or 'type' not in t:
            continue
        what = f'{where}.pipeline[{i}] (type={t["type"]!r})'
        cls = _lookup(TRANSFORMS, t['type'])
        if cls is None:
            raise ConfigError(
                f'{filename}: {what}: unknown transform type '
                f'{t["type"]!r}'
                f'{_suggest(str(t["type"]), _registry_names(TRANSFORMS))}.')
        _check_args(t, cls, what, filename)
        if loader != 'train_dataloader' and t.get('on_corrupt') == 'skip':
            raise ConfigError(
                f"{filename}: {what}: on_corrupt='skip' is only allowed in "
                f'the training pipeline; {loader} must not drop samples, as '
                "that silently changes the evaluated set. Keep 'error' and "
                'fix or remove the corrupt clips.')


def _check_dataset(ds: Any, where: str, filename: str, loader: str) -> None:
    from mmaction.registry import DATASETS
    type_ = _get(ds, 'type')
    if type_ is None:
        return
    cls = _lookup(DATASETS, type_)
    if cls is None:
        raise ConfigError(
            f'{filename}: {where}: unknown dataset type {type_!r}'
            f'{_suggest(str(type_), _registry_names(DATASETS))}.')
    _check_args(ds, cls, f'{where} (type={cls.__name__})', filename)
    _check_pipeline(_get(ds, 'pipeline'), where, filename, loader)


def _check_not_empty(path: str, where: str, filename: str) -> None:
    if not path.endswith(('.txt', '.csv', '.list')):
        return
    with open(path, encoding='utf-8', errors='replace') as f:
        if not any(line.strip() for line in f):
            raise ConfigError(
                f'{filename}: {where}.ann_file {path!r} is empty (no '
                'samples).')


def _check_registered(cfg: Any, registry: Any, kind: str, what: str,
                      filename: str) -> Optional[type]:
    """Type registered (did-you-mean otherwise) and arguments accepted."""
    if not hasattr(cfg, 'get') or 'type' not in cfg:
        return None
    cls = _lookup(registry, cfg['type'])
    if cls is None:
        raise ConfigError(
            f'{filename}: {what}: unknown {kind} type {cfg["type"]!r}'
            f'{_suggest(str(cfg["type"]), _registry_names(registry))}.')
    if isinstance(cls, type):
        _check_args(cfg, cls, f'{what} (type={cls.__name__})', filename)
    return cls


def _forwards_kwargs(cls: type) -> bool:
    """Whether ``cls.__init__`` takes ``**kwargs`` that no parent
    ``__init__`` consumes (they are forwarded elsewhere, e.g. EMAHook's to
    its EMA model)."""
    for klass in cls.__mro__:
        init = vars(klass).get('__init__')
        if init is None:
            continue
        if klass is object:
            return True
        try:
            params = inspect.signature(init).parameters.values()
        except (TypeError, ValueError):
            return True
        if not any(p.kind is p.VAR_KEYWORD for p in params):
            return False
    return True


def _hook_extra_args(hook: Any, cls: type) -> Optional[Set[str]]:
    """Arguments a hook's ``**kwargs`` may carry, or None if unknown.

    ``CheckpointHook`` passes them to ``Runner.save_checkpoint``, which
    takes none beyond those the hook sets itself; ``EMAHook`` passes them to
    its ``ema_type`` model.
    """
    from mmengine.hooks import CheckpointHook, EMAHook
    if issubclass(cls, CheckpointHook):
        return set()
    if issubclass(cls, EMAHook):
        from mmaction.registry import MODELS
        ema = _lookup(MODELS, _get(hook, 'ema_type',
                                   'ExponentialMovingAverage'))
        names = accepted_args(ema)[0] if isinstance(ema, type) else None
        return None if names is None else names - {'model'}
    return None if _forwards_kwargs(cls) else set()


def _check_hook(hook: Any, what: str, filename: str) -> None:
    from mmaction.registry import HOOKS
    if not hasattr(hook, 'get') or 'type' not in hook:
        return
    cls = _lookup(HOOKS, hook['type'])
    if cls is None:
        raise ConfigError(
            f'{filename}: {what}: unknown hook type {hook["type"]!r}'
            f'{_suggest(str(hook["type"]), _registry_names(HOOKS))}.')
    if not isinstance(cls, type):
        return
    extra = _hook_extra_args(hook, cls)
    if extra is None:
        return  # **kwargs go somewhere this check cannot see
    accepted, required = accepted_args(cls)
    accepted = (accepted or set()) | extra
    what = f'{what} (type={cls.__name__})'
    for key in sorted(k for k in hook.keys()
                      if k != 'type' and not k.startswith('_')):
        if key not in accepted:
            raise ConfigError(
                f'{filename}: {what}: {cls.__name__} has no argument '
                f'{key!r}{_suggest(key, accepted)}; accepted: '
                f'{", ".join(sorted(accepted))}.')
    for key in required:
        if key not in hook:
            raise ConfigError(
                f'{filename}: {what}: {cls.__name__} needs {key!r}, which '
                'the config does not set.')


def _check_hooks(cfg: Config, filename: str) -> None:
    for name, hook in (cfg.get('default_hooks') or {}).items():
        _check_hook(hook, f'default_hooks.{name}', filename)
    for i, hook in enumerate(cfg.get('custom_hooks') or []):
        _check_hook(hook, f'custom_hooks[{i}]', filename)


def _metric_cfgs(evaluator: Any) -> List[Any]:
    if evaluator is None:
        return []
    if isinstance(evaluator, (list, tuple)):
        return list(evaluator)
    if hasattr(evaluator, 'get') and 'metrics' in evaluator:
        metrics = evaluator['metrics']
        return list(metrics) if isinstance(metrics, (list, tuple)) else [
            metrics]
    return [evaluator]


def _check_evaluator(cfg: Config, name: str, filename: str) -> List[
        Tuple[Any, type]]:
    from mmaction.registry import METRICS
    built = []
    for i, metric in enumerate(_metric_cfgs(cfg.get(name))):
        what = name if not isinstance(cfg.get(name), (list, tuple)) \
            else f'{name}[{i}]'
        cls = _check_registered(metric, METRICS, 'metric', what, filename)
        if isinstance(cls, type):
            built.append((metric, cls))
    return built


def _check_save_best(cfg: Config, metrics: List[Tuple[Any, type]],
                     filename: str) -> None:
    """``save_best`` must name a key the validation evaluator produces."""
    from .metric_names import produced_keys
    hook = (cfg.get('default_hooks') or {}).get('checkpoint')
    save_best = _get(hook, 'save_best')
    if not save_best or not metrics:
        return
    keys = [save_best] if isinstance(save_best, str) else list(save_best)
    exact: Set[str] = set()
    patterns: List[str] = []
    for metric, cls in metrics:
        known = produced_keys(metric, cls)
        if known is None:
            return  # a metric whose keys are unknown may produce it
        exact |= known[0]
        patterns += list(known[1])
    for key in keys:
        if key == 'auto' or key in exact or key.startswith(tuple(patterns)):
            continue
        produced = ', '.join(sorted(exact) + [f'{p}<name>' for p in patterns])
        raise ConfigError(
            f'{filename}: default_hooks.checkpoint.save_best={key!r} is not '
            f'a metric the val evaluator produces{_suggest(key, exact)}; it '
            f'produces: {produced}.')


def check_hooks_and_evaluators(cfg: Config, filename: str = '<config>',
                               phase: str = 'train') -> None:
    """Check hooks, evaluators and ``save_best`` before the first iteration.

    Hook and metric types must be registered and their arguments accepted
    (e.g. ``default_hooks.checkpoint.save_bset`` is an unknown argument of
    ``CheckpointHook``: mmengine would only fail when it first saves, after
    an epoch). In training with validation, ``save_best`` must be a key the
    val evaluator produces (``dfer/UARR`` → did you mean ``dfer/UAR``).

    Args:
        cfg (Config): The config.
        filename (str): The config file, for messages.
        phase (str): ``'train'`` or ``'test'``.

    Raises:
        ConfigError: On the first problem found.
    """
    _check_hooks(cfg, filename)
    if phase == 'test':
        _check_evaluator(cfg, 'test_evaluator', filename)
        return
    metrics = _check_evaluator(cfg, 'val_evaluator', filename)
    if cfg.get('val_cfg') is not None and cfg.get('val_dataloader'):
        _check_save_best(cfg, metrics, filename)


def check_clip_len(cfg: Config, filename: str = '<config>',
                   loaders: Iterable[str] = _LOADERS) -> None:
    """DAM's ``num_frames`` must equal the clip length the pipelines sample.

    A DAM backbone (``model.backbone.num_frames``, the input clip length
    ``T`` its DAMs are built for) fails only at the first forward on another
    length, after the data loaders and the model are set up. This checks it
    against the ``clip_len`` of every sampling transform
    (``DFERUniformSample``, ``UniformSample``, ``SampleFrames``, ...) of the
    given loaders before the run. Configs without
    ``model.backbone.num_frames`` pass unchecked.

    Args:
        cfg (Config): The config.
        filename (str): The config file, for messages.
        loaders (Iterable[str]): Data loader keys to check.

    Raises:
        ConfigError: If a pipeline samples clips of another length.
    """
    num_frames = _get(_get(cfg.get('model'), 'backbone'), 'num_frames')
    if num_frames is None:
        return
    for name in loaders:
        for ds in leaf_datasets(_get(cfg.get(name), 'dataset')):
            for i, t in enumerate(_get(ds, 'pipeline') or []):
                clip_len = _get(t, 'clip_len')
                if clip_len is None or clip_len == num_frames:
                    continue
                raise ConfigError(
                    f'{filename}: model.backbone.num_frames={num_frames} but '
                    f'{name}.dataset.pipeline[{i}] (type={t.get("type")!r}) '
                    f'samples clip_len={clip_len}: the DAMs are built for '
                    'clips of num_frames frames. Set both from one value '
                    '(the HDF recipes use num_frames=_base_.clip_len) or '
                    'override both, e.g. --cfg-options '
                    f'model.backbone.num_frames={clip_len}.')


def check_config(cfg: Config, filename: str = '<config>',
                 phase: str = 'train') -> None:
    """Check the parts of a config that commonly go wrong.

    Checks: ``model`` present; for each data loader of the phase, that
    ``persistent_workers`` is not combined with ``num_workers=0``, that
    ``data_root`` / ``ann_file`` exist when given (datasets that generate or
    discover their own files may set ``ann_file=None``) and that a text
    ``ann_file`` is not empty; that the dataset type and every pipeline
    transform type are registered (with a "did you mean" suggestion), that
    their arguments exist in the class signatures (following ``**kwargs``)
    and required ones are set; that ``on_corrupt='skip'`` appears only
    in the training pipeline; that DAM's ``num_frames`` equals the
    pipelines' ``clip_len`` (:func:`check_clip_len`); and hooks, evaluators
    and ``save_best`` (see :func:`check_hooks_and_evaluators`).

    Args:
        cfg (Config): The config.
        filename (str): The config file, for messages.
        phase (str): ``'train'`` (train + val loaders) or ``'test'``.

    Raises:
        ConfigError: On the first problem found.
    """
    if 'model' not in cfg:
        raise ConfigError(f'{filename}: the config has no `model` entry.')
    loaders = _LOADERS[:2] if phase == 'train' else _LOADERS[2:]
    check_clip_len(cfg, filename, loaders)
    for name in loaders:
        loader = cfg.get(name)
        if loader is None:
            continue
        if _get(loader, 'persistent_workers') and not _get(
                loader, 'num_workers', 0):
            raise ConfigError(
                f'{filename}: {name}.persistent_workers=True needs '
                f'{name}.num_workers > 0 (torch raises otherwise); set '
                'persistent_workers=False for num_workers=0.')
        for ds in leaf_datasets(_get(loader, 'dataset')):
            data_root = _get(ds, 'data_root')
            if data_root and not osp.isdir(data_root):
                raise ConfigError(
                    f'{filename}: {name}.dataset.data_root '
                    f'{data_root!r} is not a directory.')
            ann_file = _get(ds, 'ann_file')
            if ann_file:
                path = _resolve(ann_file, data_root)
                if not osp.isfile(path):
                    raise ConfigError(
                        f'{filename}: {name}.dataset.ann_file {path!r} does '
                        'not exist.')
                _check_not_empty(path, f'{name}.dataset', filename)
            _check_dataset(ds, f'{name}.dataset', filename, name)
    check_hooks_and_evaluators(cfg, filename, phase)
