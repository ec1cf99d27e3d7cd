"""Point a config at a checkpoint and a test split; run one test pass.

:func:`prepare_config` is the one place that turns a training config into
"this checkpoint on that split" (used by the robustness and cross-dataset
harnesses and by :func:`mmhdf.apis.experiment.evaluate_checkpoint`);
:func:`run_test_pass` is ``tools/test.py``'s test loop without its hooks,
so one Runner (one model load) can be evaluated on several loaders.
"""
import copy
import os.path as osp
from typing import Any, Optional, Union

import torch
from mmengine.config import Config
from mmengine.runner import Runner

from mmhdf.datasets.wrappers import leaf_datasets


def prepare_config(cfg: Union[str, Config],
                   checkpoint: Optional[str] = None,
                   split: Optional[str] = None,
                   cfg_options: Optional[dict] = None,
                   work_dir: Optional[str] = None) -> Config:
    """A copy of a config pointed at a checkpoint and a test split.

    The input is never modified: a config object is deep-copied
    (``Config.copy()`` is shallow, and setting the split on it would
    silently change the caller's config and every later evaluation).

    Args:
        cfg (str | Config): Config file or object (not modified).
        checkpoint (str, optional): Recorded as ``load_from``.
        split (str, optional): Set on every leaf dataset of
            ``test_dataloader.dataset`` (wrappers are unwrapped with
            :func:`~mmhdf.datasets.wrappers.leaf_datasets`).
        cfg_options (dict, optional): Merged first (``--cfg-options``).
        work_dir (str, optional): Overrides ``work_dir``; without it a
            config lacking one gets ``./work_dirs/<config stem>``.

    Returns:
        Config: The prepared copy, with ``resume=False``.

    Raises:
        ValueError: When ``split`` is given but a test dataset sets
            ``ann_file`` (the split would be ignored).
    """
    cfg = Config.fromfile(cfg) if isinstance(cfg, str) else copy.deepcopy(
        cfg)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if split is not None:
        for leaf in leaf_datasets(cfg.test_dataloader.dataset):
            if leaf.get('ann_file'):
                raise ValueError(
                    f'test_dataloader.dataset sets ann_file='
                    f'{leaf["ann_file"]!r}; split={split!r} would be '
                    'ignored, override ann_file instead')
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


def config_split(cfg: Config) -> str:
    """The split of the config's test dataset (``'+'``-joined for several).

    Args:
        cfg (Config): A config with a ``test_dataloader``.

    Returns:
        str: e.g. ``'test'``; ``'None'`` when the dataset sets none.
    """
    return '+'.join(str(leaf.get('split'))
                    for leaf in leaf_datasets(cfg.test_dataloader.dataset))


@torch.no_grad()
def run_test_pass(runner: Runner, loader: Any, evaluator: Any) -> dict:
    """Run ``model.test_step`` over ``loader`` and evaluate.

    Args:
        runner (Runner): Holds the (loaded) model.
        loader (DataLoader): The test loader.
        evaluator (Evaluator): A fresh evaluator.

    Returns:
        dict: The evaluator's metrics.
    """
    model = runner.model
    model.eval()
    evaluator.dataset_meta = getattr(loader.dataset, 'metainfo', None)
    for batch in loader:
        outputs = model.test_step(batch)
        evaluator.process(data_samples=outputs, data_batch=batch)
    return evaluator.evaluate(len(loader.dataset))
