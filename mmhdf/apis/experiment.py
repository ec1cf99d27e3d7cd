"""Train a config, then evaluate its selected and last checkpoints.

Shared by the main job (``tools/main_job.py``) and the ablation runner
(``benchmarks/ablation.py``): one implementation of the honest protocol —
the checkpoint is selected by validation UAR, the test splits are only
evaluated afterwards, once per checkpoint.
"""
import glob
import os
import os.path as osp
import shutil
import time
from typing import Dict, List, Optional, Sequence

from mmengine.config import Config
from mmengine.runner import Runner

from mmhdf.datasets.wrappers import leaf_datasets
from .checkpoint_test import prepare_config


def set_data_root(cfg: Config, root: str) -> None:
    """Point every data loader of ``cfg`` at ``root``.

    Wrapped datasets (``RepeatDataset``, ``ConcatDataset``) get it on their
    leaves (:func:`~mmhdf.datasets.wrappers.leaf_datasets`).

    Args:
        cfg (Config): A config with train/val/test data loaders.
        root (str): The dataset folder.
    """
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        if cfg.get(name) is not None:
            for leaf in leaf_datasets(cfg[name].dataset):
                leaf['data_root'] = root


def evaluate_checkpoint(cfg: Config, ckpt: str, split: str, tag: str,
                        out_dir: str) -> Dict[str, float]:
    """Test ``ckpt`` on one split of the config's test dataset.

    Args:
        cfg (Config): The training config (not modified).
        ckpt (str): Checkpoint path (loaded weights-only).
        split (str): Split name given to the test dataset (every leaf of
            a wrapped one; see :func:`~mmhdf.apis.prepare_config`).
        tag (str): Tag for file names and the experiment name.
        out_dir (str): Where the metric writes its confusion matrix.

    Returns:
        dict: The metrics of the run (``dfer/WAR``, ``dfer/UAR``, ...).
    """
    # a deep copy (see prepare_config): the caller's config stays unchanged
    tcfg = prepare_config(cfg, ckpt, split,
                          work_dir=osp.join(cfg.work_dir, 'eval', tag))
    tcfg.test_evaluator = dict(tcfg.test_evaluator, tag=tag,
                               save_dir=out_dir)
    tcfg.experiment_name = f'eval_{tag}_{time.time_ns()}'
    metrics = Runner.from_cfg(tcfg).test()
    return {k: float(v) for k, v in metrics.items()}


def find_checkpoints(work_dir: str) -> Dict[str, str]:
    """The best-validation and the last checkpoint of a finished run.

    Args:
        work_dir (str): The run's work dir.

    Returns:
        dict: ``best_val_UAR`` and ``last_epoch`` paths, ``best_epoch`` int.

    Raises:
        FileNotFoundError: If the run left no best checkpoint.
    """
    best = sorted(glob.glob(osp.join(work_dir, 'best_dfer_UAR_epoch_*.pth')),
                  key=_epoch_of)
    if not best:
        raise FileNotFoundError(
            f'no best_dfer_UAR_epoch_*.pth in {work_dir}: did validation run '
            'with DFERMetric and save_best="dfer/UAR"?')
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        last = f.read().strip()
    # Two best files exist only if a run died between writing the new best
    # and deleting the old one: the newer (higher epoch) is the best so far.
    return dict(best_val_UAR=best[-1], last_epoch=last,
                best_epoch=_epoch_of(best[-1]))


def _epoch_of(path: str) -> int:
    """The epoch number in ``..._epoch_<N>.pth`` (compared as a number:
    epoch 12 is newer than epoch 9)."""
    return int(path.rsplit('_epoch_', 1)[1].split('.')[0])


def build_run_config(config: str, data_root: str, work_dir: str,
                     seed: int = 0,
                     cfg_options: Optional[dict] = None) -> Config:
    """The config of one run: overrides, data root, work dir and seed.

    Args:
        config (str): Config file.
        data_root (str): Dataset folder for all loaders.
        work_dir (str): Work dir of the run.
        seed (int): Training seed.
        cfg_options (dict, optional): Extra config overrides.

    Returns:
        Config: The run's config (as :func:`train_and_evaluate` trains it).
    """
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    set_data_root(cfg, data_root)
    cfg.work_dir = work_dir
    cfg.randomness = dict(cfg.get('randomness', {}), seed=seed)
    return cfg


def train_and_evaluate(config: str, data_root: str, work_dir: str,
                       seed: int = 0,
                       cfg_options: Optional[dict] = None,
                       splits: Sequence[str] = ('test', 'test_shifted'),
                       fresh: bool = True) -> dict:
    """Train ``config`` and evaluate the selected and last checkpoints.

    Args:
        config (str): Config file.
        data_root (str): Dataset folder for all loaders.
        work_dir (str): Work dir of the run.
        seed (int): Training seed.
        cfg_options (dict, optional): Extra config overrides.
        splits (Sequence[str]): Test splits evaluated after training.
        fresh (bool): Remove an existing ``work_dir`` first.

    Returns:
        dict: ``cfg`` (the Config), ``rows`` (one dict per checkpoint ×
        split: ``checkpoint``, ``split``, ``WAR``, ``UAR``,
        ``worst_domain_UAR``, ``metrics``), ``checkpoints``, ``seconds``
        (``training``, ``evaluation``).
    """
    cfg = build_run_config(config, data_root, work_dir, seed, cfg_options)
    cfg.experiment_name = f'train_{time.time_ns()}'
    if fresh and osp.isdir(work_dir):
        shutil.rmtree(work_dir)
    t0 = time.time()
    Runner.from_cfg(cfg).train()
    t_train = time.time() - t0

    ckpts = find_checkpoints(work_dir)
    out_dir = osp.join(work_dir, 'results')
    os.makedirs(out_dir, exist_ok=True)
    t1 = time.time()
    rows: List[dict] = []
    for sel in ('best_val_UAR', 'last_epoch'):
        for split in splits:
            m = evaluate_checkpoint(cfg, ckpts[sel], split,
                                    f'{split}_{sel}', out_dir)
            rows.append(dict(
                checkpoint=sel, split=split, WAR=m['dfer/WAR'],
                UAR=m['dfer/UAR'],
                worst_domain_UAR=m.get('dfer/worst_group_UAR'),
                metrics=m))
    return dict(cfg=cfg, rows=rows, checkpoints=ckpts,
                seconds=dict(training=t_train,
                             evaluation=time.time() - t1))
