"""Cross-dataset evaluation: train on one DFER dataset, test on another.

Labels are mapped by name by :class:`~mmhdf.datasets.LabelMappedDataset`
(see :mod:`mmhdf.datasets.label_mapped` for the rules: unmapped target
samples are dropped and reported, predictions stay over all source
classes).  The helpers below find the source model's class order, build a
cross-dataset config from a source config, load the checkpoint into a
Runner's model and run its ``test_step`` over the test loader with the
config's evaluator (the test loop of ``tools/test.py`` without its hooks).
"""
import copy
import inspect
import os.path as osp
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple, Union

from mmaction.registry import DATASETS
from mmengine.config import Config
from mmengine.runner import Runner

from mmhdf.datasets.label_presets import build_label_map, get_label_order
from mmhdf.datasets.wrappers import leaf_cfg, leaf_datasets
from mmhdf.evaluation.robustness.summary import pick_war_uar
from mmhdf.utils.report import describe_protocol
from .checkpoint_test import prepare_config, run_test_pass


# -------------------------------------------------------- source classes
def classes_from_dataset_cfg(ds_cfg: Mapping) -> Optional[Tuple[str, ...]]:
    """Class order a DFER dataset config yields, without reading data.

    Args:
        ds_cfg (Mapping): a dataset config (wrappers are unwrapped; the
            leaves of a ``ConcatDataset`` must agree).

    Returns:
        tuple[str] | None: class names, or ``None`` when a leaf is not a
        DFER dataset or the leaves disagree.
    """
    found = {_leaf_classes(leaf) for leaf in leaf_datasets(ds_cfg)}
    return found.pop() if len(found) == 1 else None


def _leaf_classes(ds_cfg: Any) -> Optional[Tuple[str, ...]]:
    """Class order of one (unwrapped) dataset config, or ``None``."""
    if not isinstance(ds_cfg, Mapping):
        return None
    if ds_cfg.get('type') == 'LabelMappedDataset':
        return tuple(ds_cfg['classes'])
    cls = DATASETS.get(ds_cfg.get('type')) if isinstance(
        ds_cfg.get('type'), str) else ds_cfg.get('type')
    name = getattr(cls, 'DATASET_NAME', '')
    if not name:
        return None
    if 'label_order' in ds_cfg:
        order = ds_cfg['label_order']
    else:
        order = inspect.signature(cls.__init__).parameters[
            'label_order'].default
    return tuple(get_label_order(name, order))


def source_class_names(cfg: Config,
                       checkpoint: Optional[str] = None,
                       override: Optional[Sequence[str]] = None
                       ) -> Tuple[Tuple[str, ...], str]:
    """The source model's class names and where they came from.

    Priority: ``override``; the checkpoint's ``meta.dataset_meta.classes``
    (written by mmengine when training); the class order of the config's
    train dataset; that of its test dataset.

    Args:
        cfg (Config): the source config.
        checkpoint (str, optional): the checkpoint (read weights-only).
        override (Sequence[str], optional): explicit names.

    Returns:
        tuple: ``(names, origin)``.

    Raises:
        ValueError: when none is found or the count does not match
            ``model.cls_head.num_classes``.
    """
    names, origin = None, ''
    if override:
        names, origin = tuple(override), 'command line'
    if names is None and checkpoint is not None:
        from mmhdf.compat.checkpoint import safe_torch_load
        meta = (safe_torch_load(checkpoint, map_location='cpu') or {}).get(
            'meta') or {}
        classes = (meta.get('dataset_meta') or {}).get('classes')
        if classes:
            names, origin = tuple(classes), 'checkpoint meta'
    for loader in ('train_dataloader', 'test_dataloader'):
        if names is None and cfg.get(loader):
            found = classes_from_dataset_cfg(cfg[loader].get('dataset', {}))
            if found:
                names, origin = found, f'config {loader}'
    if names is None:
        raise ValueError('cannot tell the source class order: pass it '
                         'explicitly (--source-classes)')
    build_label_map(names)
    k = (cfg.get('model', {}).get('cls_head') or {}).get('num_classes')
    if k is not None and int(k) != len(names):
        raise ValueError(f'{len(names)} source classes ({origin}) but the '
                         f'model head has num_classes={k}')
    return names, origin


# ---------------------------------------------------------------- configs
def build_cross_dataset_cfg(cfg: Config,
                            target_dataset: str,
                            target_root: str,
                            source_classes: Sequence[str],
                            split: str = 'test',
                            fold: Optional[int] = None,
                            frames_variant: Optional[str] = None,
                            target_options: Optional[Mapping] = None,
                            group_key: Optional[str] = None) -> Config:
    """Point a source config's test loader at another DFER dataset.

    The test pipeline, loader settings and evaluator of ``cfg`` are kept;
    the dataset becomes ``LabelMappedDataset(classes=source_classes,
    dataset=<target>)``.  ``DFERMetric``'s ``group_key`` is replaced by
    ``group_key`` (default none: the source's groups, e.g. SynDFER-H
    domains, do not exist in the target) and its tag becomes
    ``'cross_dataset'``.

    Args:
        cfg (Config): source config (not modified).
        target_dataset (str): ``'DFEWDataset'``, ``'FERV39kDataset'`` or
            ``'MAFWDataset'``.
        target_root (str): target ``data_root``.
        source_classes (Sequence[str]): model class names.
        split (str): target split.
        fold (int, optional): target fold (dataset default when ``None``).
        frames_variant (str, optional): target frame folder (dataset
            default when ``None``).
        target_options (Mapping, optional): further target arguments.
        group_key (str, optional): ``DFERMetric`` group key on the target.

    Returns:
        Config: the cross-dataset config.
    """
    cfg = copy.deepcopy(cfg)
    src_leaf = leaf_cfg(cfg.test_dataloader.dataset)
    target: Dict[str, Any] = dict(
        type=target_dataset,
        data_root=target_root,
        split=split,
        pipeline=copy.deepcopy(src_leaf['pipeline']),
        test_mode=True)
    if fold is not None:
        target['fold'] = int(fold)
    if frames_variant is not None:
        target['frames_variant'] = frames_variant
    target.update(dict(target_options or {}))
    cfg.test_dataloader.dataset = dict(
        type='LabelMappedDataset', classes=list(source_classes),
        dataset=target)
    evaluator = cfg.test_evaluator
    metrics = evaluator if isinstance(evaluator, list) else [evaluator]
    for m in metrics:
        if isinstance(m, dict) and m.get('type') == 'DFERMetric':
            m['group_key'] = group_key
            m['tag'] = 'cross_dataset'
    return cfg


def cross_dataset_protocol(cfg: Config, source_type: str,
                           origin: str, metainfo: Mapping) -> str:
    """One protocol line for a cross-dataset result.

    Args:
        cfg (Config): the cross-dataset config.
        source_type (str): the source config's dataset type.
        origin (str): where the source classes came from.
        metainfo (Mapping): the :class:`LabelMappedDataset` metainfo.

    Returns:
        str: ``'protocol: cross-dataset source=...; target=...; ...'``.
    """
    proto = describe_protocol(cfg, 'test')
    fold = metainfo.get('fold')
    target = (f'{proto["dataset"].split()[0]}' +
              (f' fold {fold}' if fold is not None else ''))
    dropped = ', '.join(f'{k} {v}'
                        for k, v in metainfo['dropped_per_class'].items())
    kept = metainfo['num_target_samples'] - metainfo['num_dropped']
    return (
        f'protocol: cross-dataset; source={source_type} '
        f'({len(metainfo["classes"])} classes from {origin}); '
        f'target={target}; split={metainfo.get("split", proto["split"])}; '
        f'frames_variant='
        f'{metainfo.get("frames_variant", proto["frames_variant"])}; '
        f'labels mapped by name: '
        f'kept {kept}/{metainfo["num_target_samples"]} clips, dropped '
        f'{metainfo["num_dropped"]}' + (f' ({dropped})' if dropped else '') +
        (f'; source classes without target clips: '
         f'{", ".join(metainfo["source_classes_without_samples"])}'
         if metainfo['source_classes_without_samples'] else '') +
        f'; selection={proto["selection"]}; seed={proto["seed"]}')


def evaluate_cross_dataset(cfg: Union[str, Config],
                           checkpoint: str,
                           target_dataset: str,
                           target_root: str,
                           split: str = 'test',
                           fold: Optional[int] = None,
                           frames_variant: Optional[str] = None,
                           source_classes: Optional[Sequence[str]] = None,
                           target_options: Optional[Mapping] = None,
                           group_key: Optional[str] = None,
                           work_dir: Optional[str] = None,
                           cfg_options: Optional[dict] = None
                           ) -> Dict[str, Any]:
    """Test a source checkpoint on another DFER dataset (labels by name).

    Args:
        cfg (str | Config): the source config.
        checkpoint (str): the source checkpoint (weights-only).
        target_dataset (str): target dataset type.
        target_root (str): target ``data_root``.
        split (str): target split.
        fold (int, optional): target fold.
        frames_variant (str, optional): target frame folder.
        source_classes (Sequence[str], optional): override the source class
            order (default: checkpoint meta, else the config).
        target_options (Mapping, optional): further target arguments.
        group_key (str, optional): ``DFERMetric`` group key on the target.
        work_dir (str, optional): Runner work dir (default
            ``<work_dir>/cross_dataset_<target>``).
        cfg_options (dict, optional): overrides of the source config.

    Returns:
        dict: ``UAR``, ``WAR`` (%), ``metrics`` (all keys), ``protocol``
        (the line), ``source_classes``, ``source_classes_origin``,
        ``target_dataset``, ``mapping`` (``target_classes``,
        ``label_mapping``, ``num_target_samples``, ``num_dropped``,
        ``dropped_per_class``, ``source_classes_without_samples``) and
        ``num_samples`` (clips evaluated), ``work_dir``.
    """
    src = prepare_config(cfg, checkpoint, None, cfg_options, None)
    source_type = str(leaf_cfg(src.test_dataloader.dataset).get('type'))
    classes, origin = source_class_names(src, checkpoint, source_classes)
    xcfg = build_cross_dataset_cfg(src, target_dataset, target_root,
                                   classes, split, fold, frames_variant,
                                   target_options, group_key)
    xcfg.work_dir = work_dir or osp.join(src.work_dir,
                                         f'cross_dataset_{target_dataset}')
    runner = Runner.from_cfg(xcfg)
    runner.load_checkpoint(checkpoint, map_location='cpu')
    loader = runner.build_dataloader(xcfg.test_dataloader, seed=runner.seed)
    metrics = run_test_pass(runner, loader,
                            runner.build_evaluator(xcfg.test_evaluator))
    meta = loader.dataset.metainfo
    return dict(
        **pick_war_uar(metrics),
        metrics={k: v for k, v in metrics.items()},
        protocol=cross_dataset_protocol(xcfg, source_type, origin, meta),
        source_classes=list(classes),
        source_classes_origin=origin,
        target_dataset=target_dataset,
        num_samples=len(loader.dataset),
        work_dir=xcfg.work_dir,
        mapping={
            k: meta[k]
            for k in ('target_classes', 'label_mapping',
                      'num_target_samples', 'num_dropped',
                      'dropped_per_class', 'source_classes_without_samples')
        })
