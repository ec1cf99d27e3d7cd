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


class ConfigError(ValueError):
    """Raised for an invalid config; the message names file and key."""


_LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def _get(d: Any, key: str, default: Any = None) -> Any:
    if d is None:
        return default
    return d.get(key, default) if hasattr(d, 'get') else default


def _iter_datasets(dataset: Any) -> Iterable[Any]:
    """Yield leaf dataset cfgs (unwrapping RepeatDataset / ConcatDataset)."""
    if dataset is None:
        return
    inner = _get(dataset, 'dataset')
    many = _get(dataset, 'datasets')
    if inner is not None:
        yield from _iter_datasets(inner)
    elif many is not None:
        for d in many:
            yield from _iter_datasets(d)
    else:
        yield dataset


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
                f'{_suggest(str(t["type"]), TRANSFORMS.module_dict)}.')
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
            f'{_suggest(str(type_), DATASETS.module_dict)}.')
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
    and required ones are set; and that ``on_corrupt='skip'`` appears only
    in the training pipeline.

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
        for ds in _iter_datasets(_get(loader, 'dataset')):
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
