"""Validate user configs before the Runner starts, with clear messages.

Configs and data paths are user input: a typo should fail in a second with a
message naming the config file and the key, not after minutes of set-up with
a traceback deep inside a data loader worker.
"""
import os.path as osp
from typing import Any, Iterable, Optional

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


def check_config(cfg: Config, filename: str = '<config>',
                 phase: str = 'train') -> None:
    """Check the parts of a config that commonly go wrong.

    Checks: ``model`` present; for each data loader of the phase, that
    ``persistent_workers`` is not combined with ``num_workers=0`` and that
    ``data_root`` / ``ann_file`` exist when given (datasets that generate or
    discover their own files may set ``ann_file=None``).

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
