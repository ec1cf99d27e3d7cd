"""Corruption robustness evaluation of a DFER checkpoint.

One Runner and one model load for the whole grid: the test dataset is built
once from the config; for every corruption x severity the
:class:`~mmhdf.datasets.transforms.DFERCorruption` transform is inserted
right after the decode step of the config's own test pipeline
(:mod:`mmhdf.apis.corruption_pipeline`), a fresh DataLoader is built with
:meth:`mmengine.runner.Runner.build_dataloader` and the model's
``test_step`` runs over it, fed to a fresh evaluator built from the config's
``test_evaluator``.  The clean pass uses the unchanged pipeline and
evaluator, i.e. it is exactly what ``tools/test.py`` measures.  The
arithmetic of the report (mPC / rPC, tables, plot) is
:mod:`mmhdf.evaluation.robustness`.
"""
import copy
import os.path as osp
import time
from typing import Any, Dict, Optional, Sequence, Union

from mmengine.config import Config
from mmengine.logging import print_log
from mmengine.runner import Runner

from mmhdf.datasets.transforms.corruptions import CORRUPTIONS
from mmhdf.evaluation.robustness.summary import (METRIC_NAMES, pick_war_uar,
                                                 summarize, write_report)
from mmhdf.utils.config_checks import check_config
from mmhdf.utils.report import describe_protocol
from .checkpoint_test import config_split, prepare_config, run_test_pass
from .corruption_pipeline import (PipelineSwitch, parse_corruptions,
                                  parse_severities, type_name)


def _evaluator_cfg(evaluator: Any, tag: str, save_dir: Optional[str],
                   save_files: bool) -> Any:
    """Copy of ``test_evaluator`` with DFERMetric's file output redirected."""
    evaluator = copy.deepcopy(evaluator)
    metrics = evaluator if isinstance(evaluator, list) else [evaluator]
    for m in metrics:
        if isinstance(m, dict) and type_name(m) == 'DFERMetric':
            m['tag'] = tag
            m['save_files'] = bool(save_files and save_dir)
            if save_dir:
                m['save_dir'] = save_dir
    return evaluator


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
        split=config_split(cfg),
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
