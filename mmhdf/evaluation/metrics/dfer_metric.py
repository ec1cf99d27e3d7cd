"""WAR / UAR metric for dynamic facial expression recognition."""
import json
import math
import os
import os.path as osp
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import torch
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric
from mmengine.logging import MessageHub, MMLogger


def _to_int(x: Any) -> int:
    if isinstance(x, torch.Tensor):
        return int(x.reshape(-1)[0].item())
    if isinstance(x, np.ndarray):
        return int(x.reshape(-1)[0])
    if isinstance(x, (list, tuple)):
        return int(x[0])
    return int(x)


def _to_group(x: Any) -> str:
    if isinstance(x, torch.Tensor):
        x = x.reshape(-1)[0].item() if x.numel() else ''
    elif isinstance(x, np.ndarray):
        x = x.reshape(-1)[0] if x.size else ''
    elif isinstance(x, (list, tuple)) and len(x) == 1:
        x = x[0]
    return str(x)


def confusion_matrix(gt: Sequence[int], pred: Sequence[int],
                     num_classes: int) -> np.ndarray:
    """Confusion matrix, rows = ground truth, columns = prediction.

    Args:
        gt (Sequence[int]): true class ids.
        pred (Sequence[int]): predicted class ids.
        num_classes (int): K.

    Returns:
        np.ndarray: ``(K, K)`` int64 counts.
    """
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(cm, (np.asarray(gt, dtype=np.int64),
                   np.asarray(pred, dtype=np.int64)), 1)
    return cm


def recall_stats(cm: np.ndarray) -> Dict[str, Any]:
    """WAR, UAR and per-class recall from a confusion matrix.

    UAR is the mean recall over the classes that occur in the ground truth
    (a class without ground-truth samples has undefined recall, reported as
    NaN and left out of the mean).  WAR is the overall accuracy.

    Args:
        cm (np.ndarray): ``(K, K)`` confusion matrix (rows = ground truth).

    Returns:
        dict: ``WAR``, ``UAR`` (fractions in [0, 1]), ``recall`` (list of
        K floats, NaN where unsupported), ``support`` (list of K ints).
    """
    support = cm.sum(axis=1)
    total = int(support.sum())
    recall = np.full(cm.shape[0], np.nan)
    has = support > 0
    recall[has] = np.diag(cm)[has] / support[has]
    war = float(np.trace(cm) / total) if total else float('nan')
    uar = float(recall[has].mean()) if has.any() else float('nan')
    return dict(
        WAR=war,
        UAR=uar,
        recall=[float(r) for r in recall],
        support=[int(s) for s in support])


def _safe(name: str) -> str:
    return str(name).replace('/', '_').replace(' ', '_')


@METRICS.register_module()
class DFERMetric(BaseMetric):
    """DFER metric: WAR, UAR, per-class recall, confusion matrix, and
    per-group (e.g. per-scene) UAR with the worst-group UAR.

    Keys (``prefix='dfer'``; values in percent, like the DFER literature):

    * ``dfer/WAR`` – weighted average recall (= accuracy);
    * ``dfer/UAR`` – unweighted average recall (mean per-class recall over
      classes present in the ground truth);
    * ``dfer/recall/<class>`` – per-class recall;
    * with ``group_key``: ``dfer/<group_key>_UAR/<group>``,
      ``dfer/<group_key>_WAR/<group>``, ``dfer/worst_group_UAR`` and
      ``dfer/mean_group_UAR``; the worst group's name goes to the JSON file.

    The confusion matrix (rows = ground truth) is written as
    ``<tag>_confusion_matrix.json`` (with all metrics, class names and the
    dataset metainfo: dataset, split, fold, frames_variant, val_carve...) and
    ``<tag>_confusion_matrix.png``.  Results are kept as plain per-sample
    ints/strings, so mmengine gathers them across ranks in distributed
    evaluation; files are written on rank 0 only.

    Args:
        num_classes (int, optional): defaults to ``len(dataset_meta
            ['classes'])``, else to the largest label seen + 1.
        class_names (Sequence[str], optional): defaults to
            ``dataset_meta['classes']``.
        save_dir (str, optional): where to write the files; defaults to the
            runner's log dir (``<work_dir>/<timestamp>``, found through the
            current ``MMLogger``). Files are skipped when neither exists.
        prefix (str): metric prefix. Defaults to ``'dfer'``.
        group_key (str, optional): per-sample metadata key used for group
            UAR, e.g. ``'scene'`` (FERV39k) or ``'domain'``. It is read from
            the data sample (carry it with ``PackActionInputs(algorithm_keys=
            ('scene',))`` or ``meta_keys``). Missing values raise unless
            ``missing_group`` is set.
        missing_group (str, optional): group name for samples lacking
            ``group_key``.
        tag (str): file-name tag, e.g. ``'val'`` / ``'test'``.
        save_files (bool): write the JSON (and PNG) files. Defaults to True.
        save_png (bool): also render the PNG. Defaults to True.
        keep_history (bool): also keep one JSON per evaluation
            (``<tag>_confusion_matrix_epoch<N>.json``).
        collect_device (str): ``'cpu'`` or ``'gpu'``.
    """

    default_prefix = 'dfer'

    def __init__(self,
                 num_classes: Optional[int] = None,
                 class_names: Optional[Sequence[str]] = None,
                 save_dir: Optional[str] = None,
                 prefix: Optional[str] = 'dfer',
                 group_key: Optional[str] = None,
                 missing_group: Optional[str] = None,
                 tag: str = 'eval',
                 save_files: bool = True,
                 save_png: bool = True,
                 keep_history: bool = False,
                 collect_device: str = 'cpu') -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.num_classes = num_classes
        self.class_names = list(class_names) if class_names else None
        self.save_dir = save_dir
        self.group_key = group_key
        self.missing_group = missing_group
        self.tag = tag
        self.save_files = save_files
        self.save_png = save_png
        self.keep_history = keep_history
        self.last_summary: Optional[dict] = None

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        """Store ``(gt, pred[, group])`` per sample."""
        for ds in data_samples:
            if not isinstance(ds, dict):
                ds = ds.to_dict()
            score = ds['pred_score']
            if isinstance(score, torch.Tensor):
                score = score.detach().float().cpu()
                pred = int(torch.argmax(score.reshape(-1)).item())
            else:
                pred = int(np.argmax(np.asarray(score).reshape(-1)))
            res = dict(gt=_to_int(ds['gt_label']), pred=pred)
            if self.group_key is not None:
                if self.group_key in ds:
                    res['group'] = _to_group(ds[self.group_key])
                elif self.missing_group is not None:
                    res['group'] = self.missing_group
                else:
                    raise KeyError(
                        f'DFERMetric(group_key={self.group_key!r}): the data '
                        'sample has no such field; add it to PackActionInputs'
                        f"(algorithm_keys=('{self.group_key}',)) or set "
                        'missing_group')
            self.results.append(res)

    # ---------------------------------------------------------------- core
    def _names(self, k: int) -> List[str]:
        meta = self.dataset_meta or {}
        names = self.class_names or list(meta.get('classes', []) or [])
        if len(names) != k:
            names = [str(i) for i in range(k)]
        return [str(n) for n in names]

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Compute metrics (percent) and write the confusion-matrix files."""
        meta = self.dataset_meta or {}
        k = self.num_classes
        if k is None and self.class_names:
            k = len(self.class_names)
        if k is None and meta.get('classes'):
            k = len(meta['classes'])
        if k is None:
            k = max(max(r['gt'], r['pred']) for r in results) + 1
        bad = [r for r in results if not (0 <= r['gt'] < k
                                          and 0 <= r['pred'] < k)]
        if bad:
            raise ValueError(f'DFERMetric: label/prediction out of range '
                             f'0..{k - 1}: {bad[:3]}')
        names = self._names(k)
        gt = [r['gt'] for r in results]
        pred = [r['pred'] for r in results]
        cm = confusion_matrix(gt, pred, k)
        stats = recall_stats(cm)
        metrics: Dict[str, float] = dict(
            WAR=100 * stats['WAR'], UAR=100 * stats['UAR'])
        for n, r in zip(names, stats['recall']):
            metrics[f'recall/{_safe(n)}'] = 100 * r

        groups: Dict[str, dict] = {}
        if self.group_key is not None:
            gname = _safe(self.group_key)
            by_group: Dict[str, List[int]] = {}
            for i, r in enumerate(results):
                by_group.setdefault(r['group'], []).append(i)
            for g in sorted(by_group):
                idx = by_group[g]
                gs = recall_stats(
                    confusion_matrix([gt[i] for i in idx],
                                     [pred[i] for i in idx], k))
                groups[g] = dict(
                    n=len(idx), WAR=100 * gs['WAR'], UAR=100 * gs['UAR'])
                metrics[f'{gname}_UAR/{_safe(g)}'] = groups[g]['UAR']
                metrics[f'{gname}_WAR/{_safe(g)}'] = groups[g]['WAR']
            uars = {g: v['UAR'] for g, v in groups.items()}
            worst = min(uars, key=lambda g: uars[g])
            metrics['worst_group_UAR'] = uars[worst]
            metrics['mean_group_UAR'] = float(np.mean(list(uars.values())))
        else:
            worst = None

        summary = dict(
            tag=self.tag,
            metrics=metrics,
            num_samples=len(results),
            class_names=names,
            confusion_matrix=cm.tolist(),
            support=stats['support'],
            group_key=self.group_key,
            groups=groups,
            worst_group=worst,
            epoch=self._runtime('epoch'),
            iter=self._runtime('iter'),
            dataset_meta={
                k_: v
                for k_, v in meta.items()
                if isinstance(v, (str, int, float, bool, list, tuple, dict,
                                  type(None)))
            })
        self.last_summary = summary
        if self.save_files:
            self._save(summary, cm, names)
        return metrics

    # ------------------------------------------------------------- output
    @staticmethod
    def _runtime(key: str) -> Optional[int]:
        try:
            val = MessageHub.get_current_instance().get_info(key)
        except Exception:  # noqa: BLE001 - no message hub outside a runner
            return None
        return int(val) if isinstance(val, (int, np.integer)) else None

    def _resolve_save_dir(self) -> Optional[str]:
        if self.save_dir is not None:
            return self.save_dir
        try:
            log_file = MMLogger.get_current_instance().log_file
        except Exception:  # noqa: BLE001
            log_file = None
        return osp.dirname(log_file) if log_file else None

    def _save(self, summary: dict, cm: np.ndarray, names: List[str]) -> None:
        out = self._resolve_save_dir()
        if out is None:
            return
        os.makedirs(out, exist_ok=True)
        stem = osp.join(out, f'{self.tag}_confusion_matrix')

        def clean(o):
            if isinstance(o, float) and math.isnan(o):
                return None
            if isinstance(o, dict):
                return {k: clean(v) for k, v in o.items()}
            if isinstance(o, (list, tuple)):
                return [clean(v) for v in o]
            return o

        text = json.dumps(clean(summary), indent=1)
        with open(stem + '.json', 'w') as f:
            f.write(text)
        if self.keep_history and summary.get('epoch') is not None:
            with open(f'{stem}_epoch{summary["epoch"]}.json', 'w') as f:
                f.write(text)
        if not self.save_png:
            return
        save_confusion_png(cm, names, stem + '.png',
                           title=f'{self.tag}: WAR '
                           f'{summary["metrics"]["WAR"]:.2f} / UAR '
                           f'{summary["metrics"]["UAR"]:.2f}')


def save_confusion_png(cm: np.ndarray, names: Sequence[str], path: str,
                       title: str = '') -> None:
    """Render a row-normalised confusion matrix (with counts) to PNG.

    Args:
        cm (np.ndarray): ``(K, K)`` counts, rows = ground truth.
        names (Sequence[str]): class names.
        path (str): output file.
        title (str): figure title.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    k = cm.shape[0]
    rows = cm.sum(axis=1, keepdims=True)
    norm = np.divide(cm, np.maximum(rows, 1), dtype=np.float64)
    size = max(4.0, 0.6 * k + 2)
    fig = Figure(figsize=(size, size))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(111)
    ax.imshow(norm, vmin=0, vmax=1, cmap='Blues')
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    ax.set_xticklabels(names, rotation=45, ha='right', fontsize=8)
    ax.set_yticklabels(names, fontsize=8)
    ax.set_xlabel('predicted')
    ax.set_ylabel('ground truth')
    if title:
        ax.set_title(title, fontsize=9)
    for i in range(k):
        for j in range(k):
            ax.text(j, i, f'{cm[i, j]}', ha='center', va='center',
                    fontsize=7, color='white' if norm[i, j] > 0.5 else 'black')
    fig.tight_layout()
    fig.savefig(path, dpi=100)
