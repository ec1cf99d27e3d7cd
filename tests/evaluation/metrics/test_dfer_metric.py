"""DFERMetric: hand-computed confusion matrix, WAR/UAR, groups, files."""
import json
import os
import os.path as osp

import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.evaluator import Evaluator

from mmhdf.evaluation.metrics import DFERMetric, confusion_matrix, recall_stats

GT = [0, 0, 1, 1, 1, 2]
PRED = [0, 1, 1, 1, 0, 2]
SCENES = ['A', 'A', 'A', 'B', 'B', 'B']
# rows = ground truth, columns = prediction
HAND_CM = [[1, 1, 0],
           [1, 2, 0],
           [0, 0, 1]]


def _samples(gt, pred, k=3, groups=None, key='scene'):
    out = []
    for i, (g, p) in enumerate(zip(gt, pred)):
        s = ActionDataSample().set_gt_label(g)
        score = torch.full((k, ), 0.1)
        score[p] = 0.9
        s.set_pred_score(score)
        if groups is not None:
            s.set_field(groups[i], key)
        out.append(s.to_dict())
    return out


def test_confusion_matrix_and_recalls_by_hand():
    cm = confusion_matrix(GT, PRED, 3)
    assert cm.tolist() == HAND_CM
    st = recall_stats(cm)
    assert st['WAR'] == pytest.approx(4 / 6)
    assert st['recall'] == pytest.approx([1 / 2, 2 / 3, 1.0])
    assert st['UAR'] == pytest.approx(np.mean([1 / 2, 2 / 3, 1.0]))
    assert st['support'] == [2, 3, 1]


def test_metric_keys_values_and_files(tmp_path):
    m = DFERMetric(save_dir=str(tmp_path), tag='test')
    m.dataset_meta = dict(classes=('Happy', 'Sad', 'Fear'), dataset='dfew',
                          fold=2, frames_variant='clip_224x224')
    m.process(None, _samples(GT, PRED))
    res = m.evaluate(len(GT))
    assert res['dfer/WAR'] == pytest.approx(100 * 4 / 6)
    recalls = [res[f'dfer/recall/{c}'] for c in ('Happy', 'Sad', 'Fear')]
    assert recalls == pytest.approx([50.0, 200 / 3, 100.0])
    # UAR is the mean per-class recall
    assert res['dfer/UAR'] == pytest.approx(np.mean(recalls))
    saved = json.load(open(tmp_path / 'test_confusion_matrix.json'))
    assert saved['confusion_matrix'] == HAND_CM
    assert saved['class_names'] == ['Happy', 'Sad', 'Fear']
    assert saved['dataset_meta']['frames_variant'] == 'clip_224x224'
    assert saved['dataset_meta']['fold'] == 2
    assert saved['metrics']['UAR'] == \
        pytest.approx(res['dfer/UAR'])
    assert os.path.getsize(tmp_path / 'test_confusion_matrix.png') > 1000


def test_absent_class_excluded_from_uar_and_num_classes(tmp_path):
    # 4 classes declared, class 3 never in ground truth but predicted once
    gt, pred = [0, 0, 1, 2], [0, 3, 1, 2]
    m = DFERMetric(num_classes=4, save_files=False)
    m.process(None, _samples(gt, pred, k=4))
    res = m.evaluate(4)
    assert res['dfer/UAR'] == pytest.approx(100 * np.mean([0.5, 1, 1]))
    assert np.isnan(res['dfer/recall/3'])
    assert m.last_summary['confusion_matrix'][0] == [1, 0, 0, 1]


def test_group_uar_and_worst_group():
    m = DFERMetric(group_key='scene', save_files=False)
    m.dataset_meta = dict(classes=('a', 'b', 'c'))
    m.process(None, _samples(GT, PRED, groups=SCENES))
    res = m.evaluate(len(GT))
    # scene A: gt 0,0,1 pred 0,1,1 -> recalls 0.5, 1 -> UAR 75
    # scene B: gt 1,1,2 pred 1,0,2 -> recalls 0.5, 1 -> UAR 75
    assert res['dfer/scene_UAR/A'] == pytest.approx(75.0)
    assert res['dfer/scene_UAR/B'] == pytest.approx(75.0)
    assert res['dfer/scene_WAR/A'] == pytest.approx(200 / 3)
    m2 = DFERMetric(group_key='scene', save_files=False)
    m2.process(None, _samples(GT, [0, 0, 1, 1, 1, 0], groups=SCENES))
    res2 = m2.evaluate(len(GT))
    # A: recalls 1, 1 -> 100; B: gt 1,1,2 pred 1,1,0 -> 1, 0 -> 50
    assert res2['dfer/scene_UAR/A'] == pytest.approx(100.0)
    assert res2['dfer/worst_group_UAR'] == pytest.approx(50.0)
    assert res2['dfer/mean_group_UAR'] == pytest.approx(75.0)
    assert m2.last_summary['worst_group'] == 'B'
    m3 = DFERMetric(group_key='scene', save_files=False)
    with pytest.raises(KeyError, match='algorithm_keys'):
        m3.process(None, _samples(GT, PRED))


def test_through_evaluator_with_data_samples(tmp_path):
    from mmengine.registry import init_default_scope
    init_default_scope('mmaction')
    ev = Evaluator(dict(type='DFERMetric', save_dir=str(tmp_path),
                        group_key='domain'))
    ev.dataset_meta = dict(classes=('x', 'y', 'z'))
    samples = []
    for g, p, d in zip(GT, PRED, SCENES):
        s = ActionDataSample().set_gt_label(g)
        s.set_pred_score(torch.eye(3)[p])
        s.set_field(d, 'domain')
        samples.append(s)
    ev.process(samples, None)
    res = ev.evaluate(len(GT))
    assert res['dfer/WAR'] == pytest.approx(100 * 4 / 6)
    assert 'dfer/worst_group_UAR' in res
    assert osp.isfile(tmp_path / 'eval_confusion_matrix.json')


def _dist_worker(rank, world, init_file, out_dir):
    import torch.distributed as dist
    M = DFERMetric
    dist.init_process_group('gloo', init_method=f'file://{init_file}',
                            rank=rank, world_size=world)
    m = M(save_dir=out_dir, group_key='scene')
    m.dataset_meta = dict(classes=('a', 'b', 'c'))
    # mmengine's DistributedSampler interleaves: rank r gets r, r+world...
    idx = list(range(rank, len(GT), world))
    m.process(None, _samples([GT[i] for i in idx], [PRED[i] for i in idx],
                             groups=[SCENES[i] for i in idx]))
    res = m.evaluate(len(GT))
    with open(osp.join(out_dir, f'rank{rank}.json'), 'w') as f:
        json.dump(res, f)
    dist.destroy_process_group()


def test_distributed_gather(tmp_path):
    import torch.multiprocessing as mp
    # fork: the workers inherit the imported modules (spawn re-imports
    # mmaction and costs ~10 s on a loaded CI host)
    mp.start_processes(
        _dist_worker, args=(2, str(tmp_path / 'init'), str(tmp_path)),
        nprocs=2, join=True, start_method='fork')
    r0 = json.load(open(tmp_path / 'rank0.json'))
    r1 = json.load(open(tmp_path / 'rank1.json'))
    assert r0['dfer/WAR'] == pytest.approx(100 * 4 / 6)
    assert r0 == r1  # broadcast to every rank
    saved = json.load(open(tmp_path / 'eval_confusion_matrix.json'))
    assert saved['confusion_matrix'] == HAND_CM
    assert saved['num_samples'] == 6
