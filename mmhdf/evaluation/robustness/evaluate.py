"""Corruption robustness evaluation of a DFER checkpoint.

One Runner and one model load for the whole grid: the test dataset is built
once from the config; for every corruption x severity the
:class:`~mmhdf.datasets.transforms.DFERCorruption` transform is inserted
right after the decode step of the config's own test pipeline, a fresh
DataLoader is built with :meth:`mmengine.runner.Runner.build_dataloader` and
the model's ``test_step`` runs over it, fed to a fresh evaluator built from
the config's ``test_evaluator``.  The clean pass uses the unchanged pipeline
and evaluator, i.e. it is exactly what ``tools/test.py`` measures.
"""
import copy
import os.path as osp
import time
from typing import Any, Dict, Iterator, List, Optional, Sequence, Union

import torch
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.logging import print_log
from mmengine.runner import Runner

from mmhdf.datasets.transforms.corruptions import (CORRUPTIONS, CATEGORIES,
                                                   SEVERITIES,
                                                   DFERCorruption,
                                                   check_severity,
                                                   get_corruption)
from mmhdf.datasets.wrappers import leaf_datasets
from mmhdf.utils.config_checks import check_config
from mmhdf.utils.report import describe_protocol
from .summary import METRIC_NAMES, pick_war_uar, summarize, write_report

#: transforms that turn a sample into decoded frames (``imgs``)
DECODE_TYPES = ('DFERFrameDecode', 'RawFrameDecode', 'DecordDecode',
                'SafeDecordDecode', 'PyAVDecode', 'OpenCVDecode',
                'PIMSDecode', 'ImageDecode')


# ------------------------------------------------------------- arguments
def parse_corruptions(spec: Union[str, Sequence[str], None]) -> List[str]:
    """Resolve a corruption selection.

    Args:
        spec (str | Sequence[str] | None): ``'all'`` / ``None`` (every
            registered corruption), a comma-separated string or a list of
            names and category names (``'temporal'`` = all temporal ones).

    Returns:
        list[str]: names, in registry order, without duplicates.
    """
    if spec is None or spec == 'all':
        return list(CORRUPTIONS)
    items = spec.split(',') if isinstance(spec, str) else list(spec)
    chosen = set()
    for item in (i.strip() for i in items):
        if not item:
            continue
        if item == 'all':
            chosen.update(CORRUPTIONS)
        elif item in CATEGORIES:
            chosen.update(n for n, s in CORRUPTIONS.items()
                          if s.category == item)
        else:
            chosen.add(get_corruption(item).name)
    if not chosen:
        raise ValueError(f'no corruption selected by {spec!r}')
    return [n for n in CORRUPTIONS if n in chosen]


def parse_severities(spec: Union[str, int, Sequence[int], None]) -> List[int]:
    """Resolve a severity selection: ``'1-5'``, ``'1,3,5'``, ``3`` or a list.

    Args:
        spec (str | int | Sequence[int] | None): the selection (``None`` =
            1..5).

    Returns:
        list[int]: sorted unique severities in 1..5.
    """
    if spec is None:
        return list(SEVERITIES)
    if isinstance(spec, int):
        return [check_severity(spec)]
    if isinstance(spec, str):
        out = []
        for part in (p.strip() for p in spec.split(',') if p.strip()):
            if '-' in part:
                lo, hi = (int(x) for x in part.split('-', 1))
                out.extend(range(lo, hi + 1))
            else:
                out.append(int(part))
        spec = out
    sevs = sorted({check_severity(s) for s in spec})
    if not sevs:
        raise ValueError('no severity selected')
    return sevs


# ---------------------------------------------------------------- pipeline
def _type_name(step: Any) -> str:
    if isinstance(step, dict):
        t = step.get('type', '')
        return t if isinstance(t, str) else getattr(t, '__name__', str(t))
    return type(step).__name__


def find_decode_index(pipeline: Sequence[Any]) -> int:
    """Index of the (last) decode step of a pipeline (configs or objects).

    Args:
        pipeline (Sequence): transform configs (``dict(type=...)``) or
            transform objects.

    Returns:
        int: index of the step producing ``imgs``.

    Raises:
        ValueError: when no step is one of :data:`DECODE_TYPES`.
    """
    hits = [i for i, s in enumerate(pipeline)
            if _type_name(s).split('.')[-1] in DECODE_TYPES]
    if not hits:
        raise ValueError(
            'no decode step in the test pipeline (looked for '
            f'{", ".join(DECODE_TYPES)}); steps: '
            f'{[_type_name(s) for s in pipeline]}')
    return hits[-1]


def insert_corruption(pipeline: Sequence[Any], name: str, severity: int,
                      seed: Optional[int] = 0) -> list:
    """A copy of ``pipeline`` with ``DFERCorruption`` after the decode step.

    Works on config lists (inserts a dict) and on transform-object lists
    (inserts a transform object).

    Args:
        pipeline (Sequence): the clean test pipeline.
        name (str): corruption name.
        severity (int): 1..5.
        seed (int, optional): corruption seed.

    Returns:
        list: the corrupted pipeline (the input is not modified).
    """
    k = find_decode_index(pipeline)
    if all(isinstance(s, dict) for s in pipeline):
        step: Any = dict(type='DFERCorruption', name=name,
                         severity=int(severity), seed=seed)
        pipeline = copy.deepcopy(list(pipeline))
    else:
        step = DFERCorruption(name, severity, seed=seed)
        pipeline = list(pipeline)
    return pipeline[:k + 1] + [step] + pipeline[k + 1:]


def _leaf_datasets(dataset: Any) -> Iterator[Any]:
    """Datasets holding a pipeline, unwrapping mmengine dataset wrappers."""
    for leaf in leaf_datasets(dataset):
        if not hasattr(leaf, 'pipeline'):
            raise TypeError(f'{type(leaf).__name__} has no pipeline')
        yield leaf


class PipelineSwitch:
    """Switch the corruption of an already built test dataset in place.

    Args:
        dataset: the built test dataset (wrappers are unwrapped).
    """

    def __init__(self, dataset: Any) -> None:
        self.leaves = list(_leaf_datasets(dataset))
        self.clean = [list(d.pipeline.transforms) for d in self.leaves]
        for steps in self.clean:
            find_decode_index(steps)  # fail early

    def set(self, name: Optional[str], severity: int = 1,
            seed: Optional[int] = 0) -> None:
        """Use the clean pipeline (``name=None``) or a corrupted one."""
        for leaf, steps in zip(self.leaves, self.clean):
            if name is None:
                leaf.pipeline = Compose(list(steps))
            else:
                leaf.pipeline = Compose(
                    insert_corruption(steps, name, severity, seed))


# ------------------------------------------------------------------ config
def _leaf_cfg(ds: Any) -> Any:
    while hasattr(ds, 'get') and ds.get('dataset') is not None:
        ds = ds['dataset']
    return ds


def prepare_config(cfg: Union[str, Config],
                   checkpoint: Optional[str] = None,
                   split: Optional[str] = None,
                   cfg_options: Optional[dict] = None,
                   work_dir: Optional[str] = None) -> Config:
    """Load / copy a config and point it at the checkpoint and split.

    Args:
        cfg (str | Config): config file or object (not modified).
        checkpoint (str, optional): recorded as ``load_from``.
        split (str, optional): overrides ``test_dataloader.dataset.split``.
        cfg_options (dict, optional): merged first (``--cfg-options``).
        work_dir (str, optional): overrides ``work_dir``.

    Returns:
        Config: the prepared copy.
    """
    cfg = Config.fromfile(cfg) if isinstance(cfg, str) else copy.deepcopy(
        cfg)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if split is not None:
        leaf = _leaf_cfg(cfg.test_dataloader.dataset)
        if leaf.get('ann_file'):
            raise ValueError(
                f'test_dataloader.dataset sets ann_file={leaf["ann_file"]!r}'
                f'; split={split!r} would be ignored, override ann_file '
                'instead')
        leaf['split'] = split
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        stem = osp.splitext(osp.basename(cfg.filename or 'config'))[0]
        cfg.work_dir = osp.join('./work_dirs', stem)
    if checkpoint is not None:
        cfg.load_from = checkpoint
    cfg.resume = False
    return cfg


def _evaluator_cfg(evaluator: Any, tag: str, save_dir: Optional[str],
                   save_files: bool) -> Any:
    """Copy of ``test_evaluator`` with DFERMetric's file output redirected."""
    evaluator = copy.deepcopy(evaluator)
    metrics = evaluator if isinstance(evaluator, list) else [evaluator]
    for m in metrics:
        if isinstance(m, dict) and _type_name(m) == 'DFERMetric':
            m['tag'] = tag
            m['save_files'] = bool(save_files and save_dir)
            if save_dir:
                m['save_dir'] = save_dir
    return evaluator


# --------------------------------------------------------------- evaluation
@torch.no_grad()
def run_test_pass(runner: Runner, loader: Any, evaluator: Any) -> dict:
    """Run ``model.test_step`` over ``loader`` and evaluate.

    Args:
        runner (Runner): holds the (loaded) model.
        loader (DataLoader): the test loader.
        evaluator (Evaluator): a fresh evaluator.

    Returns:
        dict: the evaluator's metrics.
    """
    model = runner.model
    model.eval()
    evaluator.dataset_meta = getattr(loader.dataset, 'metainfo', None)
    for batch in loader:
        outputs = model.test_step(batch)
        evaluator.process(data_samples=outputs, data_batch=batch)
    return evaluator.evaluate(len(loader.dataset))


def evaluate_robustness(cfg: Union[str, Config],
                        checkpoint: Optional[str],
                        corruptions: Union[str, Sequence[str], None] = 'all',
                        severities: Union[str, Sequence[int], None] = None,
                        split: Optional[str] = None,
                        out_dir: Optional[str] = None,
                        seed: int = 0,
                        cfg_options: Optional[dict] = None,
                        runner: Optional[Runner] = None,
                        save_files: bool = True,
                        progress: bool = True) -> Dict[str, Any]:
    """Evaluate a checkpoint on clean and corrupted test clips.

    Args:
        cfg (str | Config): the model's config (its test dataloader,
            pipeline and evaluator are used).
        checkpoint (str, optional): weights (loaded weights-only). ``None``
            keeps the model's current weights (with ``runner``).
        corruptions: ``'all'``, ``'a,b'``, category names or a list (see
            :func:`parse_corruptions`).
        severities: ``'1-5'``, ``'1,3'`` or a list (default 1..5).
        split (str, optional): test split override (e.g.
            ``'test_shifted'``).
        out_dir (str, optional): where the JSON / markdown / PNG (and the
            clean confusion matrix) go; default ``<work_dir>/robustness``.
        seed (int): corruption seed (the draws of a clip depend only on
            ``(seed, corruption, clip id)``).
        cfg_options (dict, optional): config overrides.
        runner (Runner, optional): reuse a built Runner (its model) instead
            of building one from ``cfg``.
        save_files (bool): write the report files.
        progress (bool): log one line per evaluated condition.

    Returns:
        dict: ``config``, ``checkpoint``, ``seed``, ``split``,
        ``num_samples``, ``protocol`` (dict) and ``protocol_line``,
        ``corruptions`` (list), ``severities`` (list of int),
        ``parameters`` (name -> ``category``, ``param_name``,
        ``description``, ``values`` (severity str -> parameter)),
        ``clean`` (``UAR``, ``WAR`` in %, ``metrics`` = all evaluator
        keys), ``results`` (name -> severity str -> ``UAR``, ``WAR``,
        ``metrics``), ``summary`` (``'UAR'`` / ``'WAR'`` -> ``clean``,
        ``mPC``, ``rPC``, ``per_corruption``, ``per_severity``,
        ``per_category``), ``mPC`` and ``rPC`` (``'UAR'`` / ``'WAR'`` ->
        value, shortcuts into ``summary``), ``seconds`` and ``files``
        (``json``, ``markdown``, ``plot``; empty without ``save_files``).
    """
    names = parse_corruptions(corruptions)
    sevs = parse_severities(severities)
    cfg = prepare_config(cfg if cfg is not None else runner.cfg, checkpoint,
                         split, cfg_options)
    check_config(cfg, cfg.filename or '<config>', phase='test')
    if out_dir is None:
        out_dir = osp.join(cfg.work_dir, 'robustness')
    start = time.perf_counter()
    if runner is None:
        runner = Runner.from_cfg(cfg)
    if checkpoint is not None:
        runner.load_checkpoint(checkpoint, map_location='cpu')

    loader_cfg = copy.deepcopy(cfg.test_dataloader)
    loader_cfg['persistent_workers'] = False
    clean_loader = runner.build_dataloader(loader_cfg, seed=runner.seed)
    dataset = clean_loader.dataset
    switch = PipelineSwitch(dataset)
    loader_cfg['dataset'] = dataset

    def one_pass(name: Optional[str], sev: int) -> dict:
        switch.set(name, sev, seed)
        loader = (clean_loader if name is None else
                  runner.build_dataloader(loader_cfg, seed=runner.seed))
        tag = 'clean' if name is None else f'{name}_s{sev}'
        evaluator = runner.build_evaluator(
            _evaluator_cfg(cfg.test_evaluator, tag,
                           out_dir if save_files else None,
                           save_files and name is None))
        metrics = run_test_pass(runner, loader, evaluator)
        return dict(**pick_war_uar(metrics), metrics=dict(metrics))

    total = 1 + len(names) * len(sevs)
    t0 = time.perf_counter()

    def log(i: int, label: str, res: dict) -> None:
        if not progress:
            return
        spent = time.perf_counter() - t0
        eta = spent / i * (total - i)
        print_log(
            f'[robustness {i}/{total}] {label:<22} UAR {res["UAR"]:6.2f}  '
            f'WAR {res["WAR"]:6.2f}  ({spent:.0f}s, eta {eta:.0f}s)',
            logger='current')

    clean = one_pass(None, 1)
    log(1, 'clean', clean)
    results: Dict[str, Dict[str, dict]] = {}
    i = 1
    for name in names:
        results[name] = {}
        for sev in sevs:
            i += 1
            results[name][str(sev)] = one_pass(name, sev)
            log(i, f'{name} s{sev}', results[name][str(sev)])
    switch.set(None)

    proto = describe_protocol(cfg, 'test')
    report: Dict[str, Any] = dict(
        config=cfg.filename or '<config>',
        checkpoint=checkpoint,
        seed=int(seed),
        split=str(_leaf_cfg(cfg.test_dataloader.dataset).get('split')),
        num_samples=len(dataset),
        protocol=proto,
        protocol_line='protocol: ' + '; '.join(
            f'{k}={v}' for k, v in proto.items()) +
        f'; corruption_seed={seed}',
        corruptions=names,
        severities=sevs,
        parameters={
            n: dict(category=CORRUPTIONS[n].category,
                    param_name=CORRUPTIONS[n].param_name,
                    description=CORRUPTIONS[n].description,
                    values={str(s): CORRUPTIONS[n].params[s - 1]
                            for s in sevs})
            for n in names
        },
        clean=clean,
        results=results,
        summary=summarize(
            clean, results, {n: CORRUPTIONS[n].category for n in names}),
        seconds=round(time.perf_counter() - start, 2),
        files={})
    report['mPC'] = {m: report['summary'][m]['mPC'] for m in METRIC_NAMES}
    report['rPC'] = {m: report['summary'][m]['rPC'] for m in METRIC_NAMES}
    if save_files:
        write_report(report, out_dir)
    if progress:
        for m in METRIC_NAMES:
            s = report['summary'][m]
            print_log(
                f'[robustness] {m}: clean {s["clean"]:.2f}  mPC '
                f'{s["mPC"]:.2f}  rPC {s["rPC"]:.3f}', logger='current')
    return report
