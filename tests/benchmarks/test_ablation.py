"""Tests for the summary logic of benchmarks/ablation.py (no training)."""
import argparse

import numpy as np
import pytest

from tests.helpers.scripts import load_script


@pytest.fixture(scope='module')
def ablation():
    return load_script('benchmarks/ablation.py', 'ablation_bench')


def _run(seed, in_uar, sh_uar, rob_uars=None):
    """A fake finished run; rob_uars: {corruption: {sev: UAR}}."""
    rows = [dict(checkpoint='best_val_UAR', split='test', WAR=in_uar + 10,
                 UAR=in_uar, worst_domain_UAR=in_uar - 5),
            dict(checkpoint='best_val_UAR', split='test_shifted',
                 WAR=sh_uar + 10, UAR=sh_uar, worst_domain_UAR=None),
            dict(checkpoint='last_epoch', split='test', WAR=0., UAR=0.,
                 worst_domain_UAR=0.)]
    out = dict(variant='baseline', seed=seed, rows=rows)
    if rob_uars is not None:
        res = {c: {s: dict(UAR=u, WAR=u) for s, u in d.items()}
               for c, d in rob_uars.items()}
        mean = sum(u for d in rob_uars.values() for u in d.values()) / sum(
            len(d) for d in rob_uars.values())
        out['robustness'] = dict(
            split='test', mPC=dict(UAR=mean, WAR=mean), rPC={},
            clean=dict(UAR=in_uar, WAR=in_uar + 10),
            corruptions=list(rob_uars), severities=[1, 2], results=res)
    return out


def test_summarise_mean_std_over_seeds(ablation):
    runs = [_run(0, 60., 40.), _run(1, 70., 50.)]
    s = ablation.summarise({'baseline': runs})['baseline']
    # best-val rows only: the last_epoch row (all zeros) is ignored
    assert s['in-domain UAR']['mean'] == pytest.approx(65.)
    # sample std (ddof = 1): sqrt(((60-65)^2 + (70-65)^2) / 1)
    assert s['in-domain UAR']['std'] == pytest.approx(50 ** 0.5)
    assert s['shifted WAR']['values'] == [50., 60.]
    assert s['in-domain WAR']['mean'] == pytest.approx(75.)
    # a missing worst-domain value is NaN, not 0
    assert np.isnan(s['shifted worst-domain UAR']['mean'])
    assert 'corruption mPC UAR' not in s  # no run has robustness
    md = ablation.to_markdown({'baseline': s}, 'p')
    assert '| baseline (CE, AdamW) | 75.00 ± 7.07 | 65.00 ± 7.07 |' in md


def test_robustness_summary_by_corruption_and_severity(ablation):
    runs = [_run(0, 60., 40., {'noise': {'1': 50., '2': 30.},
                               'blur': {'1': 40., '2': 20.}}),
            _run(1, 70., 50., {'noise': {'1': 60., '2': 40.},
                               'blur': {'1': 50., '2': 30.}}),
            _run(2, 80., 50.)]  # no corruption suite: left out
    r = ablation.robustness_summary({'baseline': runs})['baseline']
    assert r['seeds'] == [0, 1]
    # noise: seed 0 mean(50, 30) = 40, seed 1 mean(60, 40) = 50
    assert r['corruptions']['noise']['values'] == [40., 50.]
    assert r['corruptions']['noise']['std'] == pytest.approx(50 ** 0.5)
    # severity 2: seed 0 mean(30, 20) = 25, seed 1 mean(40, 30) = 35
    assert r['severities']['2']['mean'] == pytest.approx(30.)
    assert r['severities']['0']['values'] == [60., 70.]  # clean
    md = ablation.robustness_markdown({'baseline': r}, 'p')
    assert '| clean | 65.00 ± 7.07 |' in md
    assert '| blur | 35.00 ± 7.07 |' in md
    s = ablation.summarise({'baseline': runs})['baseline']
    # mPC over the 2 seeds that have it: (35 + 45) / 2
    assert s['corruption mPC UAR']['mean'] == pytest.approx(40.)


def test_robustness_rerun_only_when_request_differs(ablation):
    args = argparse.Namespace(robustness_seeds=[0], robustness_split='test',
                              corruptions='gaussian_noise,contrast',
                              severities='1-2')
    run = dict(seed=0, robustness=dict(
        split='test', corruptions=['gaussian_noise', 'contrast'],
        severities=[1, 2]))
    assert not ablation._robustness_wanted(args, 0, run)
    assert not ablation._robustness_wanted(args, 1, run)  # seed not asked
    assert ablation._robustness_wanted(args, 0, dict(seed=0))
    for change in (dict(severities='3'), dict(robustness_split='val'),
                   dict(corruptions='contrast')):
        other = argparse.Namespace(**{**vars(args), **change})
        assert ablation._robustness_wanted(other, 0, run), change


def test_domain_summary_per_capture_style(ablation):
    runs = [_run(0, 60., 40.), _run(1, 70., 50.)]
    for r, (a, b) in zip(runs, [(30., 50.), (40., 60.)]):
        r['rows'][1]['metrics'] = {'dfer/domain_UAR/cctv': a,
                                   'dfer/domain_UAR/night': b,
                                   'dfer/UAR': 0.}
        r['rows'][2]['metrics'] = {'dfer/domain_UAR/cctv': 99.}  # last epoch
    d = ablation.domain_summary({'baseline': runs})
    cctv = d['test_shifted']['baseline']['cctv']
    assert cctv['values'] == [30., 40.]  # best-val rows only
    assert cctv['mean'] == pytest.approx(35.)
    assert d['test']['baseline'] == {}  # no metrics on that split
    md = ablation.domain_markdown(d, 'p')
    assert "split `test_shifted`" in md and "split `test`" not in md
    assert '| night | 55.00 ± 7.07 |' in md


def test_paired_interval_hand_computed(ablation):
    # diffs 1, 2, 3: mean 2, sample sd 1, t(0.975, 2) = 4.302653
    d = ablation.paired_interval([1.0, 2.0, float('nan'), 3.0])
    assert d['n'] == 3 and d['mean'] == pytest.approx(2.0)
    half = 4.302653 / np.sqrt(3)
    assert (d['low'], d['high']) == pytest.approx((2 - half, 2 + half),
                                                  abs=1e-5)
    one = ablation.paired_interval([0.5])
    assert one['mean'] == 0.5 and np.isnan(one['low'])
    assert ablation._interval_cell(one) == '+0.50'
    assert ablation._interval_cell(d) == '+2.00 [-0.48, +4.48]'
    assert ablation._interval_cell(
        ablation.paired_interval([1.0, 1.2, 0.8])).endswith('*')


def test_paired_summary_pairs_by_seed(ablation):
    base = [_run(0, 60, 40), _run(1, 62, 45), _run(2, 50, 30)]
    hdf = [dict(_run(s, u + 1, sh + 3), variant='hdf')
           for s, u, sh in ((2, 50, 30), (0, 60, 40))]  # seed 1 missing
    p = ablation.paired_summary({'baseline': base, 'hdf': hdf})
    assert list(p) == ['HDF']  # only comparisons whose variants ran
    comp = p['HDF']
    assert comp['seeds'] == [2, 0]
    shifted = comp['best_val_UAR']['shifted UAR']
    assert shifted['values'] == [3.0, 3.0] and shifted['n'] == 2
    assert comp['best_val_UAR']['in-domain UAR']['mean'] == pytest.approx(1)
    # last-epoch rows of the fake runs are all 0: difference 0, no mPC
    assert comp['last_epoch']['in-domain UAR']['mean'] == 0.0
    assert 'corruption mPC UAR' not in comp['last_epoch']
    assert comp['best_val_UAR']['corruption mPC UAR']['n'] == 0
    md = ablation.paired_markdown(p, 'proto')
    assert md.startswith('protocol: proto')
    assert '| HDF (HDF (DAM + DSM + SAM) − baseline (CE, AdamW)) | n = 2 |' in md
    assert '+3.00 [+3.00, +3.00] *' in md
    seeds = ablation.seeds_markdown({'baseline': base, 'hdf': hdf}, 'proto')
    assert '| HDF (DAM + DSM + SAM) | shifted UAR | 43.00 |  | 33.00 |' in seeds


def test_finished_run_reused_from_committed_record(ablation, tmp_path):
    args = argparse.Namespace(
        out=str(tmp_path / 'results'), work_root=str(tmp_path / 'gone'),
        cfg_options=None, robustness_seeds=None, robustness_split='test',
        corruptions='all', severities='1-5', data='unused')
    record = ablation.run_record_path(args.out, 'baseline', 3)
    assert record.endswith('results/runs/baseline_seed3.json')
    import json
    import os
    os.makedirs(os.path.dirname(record))
    with open(record, 'w') as f:
        json.dump(_run(3, 60, 40), f)
    # no work dir, no training: the committed record is the result
    assert ablation.run_one(args, 'baseline', 3) == _run(3, 60, 40)


def test_training_kept_when_corruption_suite_is_interrupted(
        ablation, tmp_path, monkeypatch):
    import json
    import os

    import mmhdf.apis as apis
    args = argparse.Namespace(
        out=str(tmp_path / 'results'), work_root=str(tmp_path / 'work'),
        cfg_options=None, robustness_seeds=[4], robustness_split='test',
        corruptions='all', severities='1-5', data='unused')
    trained = _run(4, 60, 40)
    calls = []

    def fake_train(variant_cfg, data, work, seed, cfg_options):
        calls.append(seed)
        os.makedirs(work, exist_ok=True)
        return dict(rows=trained['rows'], cfg=None,
                    checkpoints=dict(best_epoch=6, best_val_UAR='best.pth'),
                    seconds=dict(training=100.0, evaluation=5.0))

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(ablation, 'train_and_evaluate', fake_train)
    monkeypatch.setattr(apis, 'evaluate_robustness', interrupted)
    with pytest.raises(KeyboardInterrupt):
        ablation.run_one(args, 'baseline', 4)
    done = tmp_path / 'work' / 'baseline' / 'seed4' / 'ablation_result.json'
    saved = json.loads(done.read_text())
    assert saved['rows'] == trained['rows'] and saved['best_epoch'] == 6
    # the rerun goes straight to the corruption suite: no second training
    monkeypatch.setattr(ablation, 'find_checkpoints',
                        lambda work: dict(best_val_UAR='best.pth'))
    monkeypatch.setattr(ablation, 'build_run_config', lambda *a: None)
    with pytest.raises(KeyboardInterrupt):
        ablation.run_one(args, 'baseline', 4)
    assert calls == [4]
