"""benchmarks/numerics.py: environments and spread logic (no training)."""
import pytest

from tests.helpers.scripts import load_script


@pytest.fixture(scope='module')
def numerics():
    return load_script('benchmarks/numerics.py', 'numerics_bench')


def test_run_env_sets_only_its_kernel_variables(numerics, monkeypatch):
    monkeypatch.setenv('ATEN_CPU_CAPABILITY', 'avx512')
    monkeypatch.setenv('MKL_ENABLE_INSTRUCTIONS', 'AVX512')
    monkeypatch.setenv('SOMETHING_ELSE', 'kept')
    env = numerics.run_env('native-1t')
    assert env['OMP_NUM_THREADS'] == '1'
    assert 'ATEN_CPU_CAPABILITY' not in env  # the native path
    assert 'MKL_ENABLE_INSTRUCTIONS' not in env
    assert env['SOMETHING_ELSE'] == 'kept'
    env = numerics.run_env('avx2-2t')
    assert (env['ATEN_CPU_CAPABILITY'], env['ONEDNN_MAX_CPU_ISA']) == (
        'avx2', 'AVX2')


def _run(pert, seed, shifted_uar):
    return dict(perturbation=pert, seed=seed, training_seconds=1.0,
                metrics={'in-domain WAR': 70.0, 'in-domain UAR': 60.0,
                         'shifted WAR': 50.0, 'shifted UAR': shifted_uar})


def test_spread_hand_computed(numerics):
    runs = [_run('native-2t', 0, 49.0), _run('avx2-2t', 0, 28.0),
            _run('native-2t', 1, 40.0)]
    sp = numerics.spread(runs)['shifted UAR']
    assert (sp['min'], sp['median'], sp['max'], sp['range']) == (
        28.0, 40.0, 49.0, 21.0)
    assert sp['mean'] == pytest.approx(39.0)
    assert sp['std'] == pytest.approx(10.5357, abs=1e-4)  # ddof 1
    md = numerics.to_markdown({'v1': runs}, {'v1': numerics.spread(runs)},
                              'p')
    assert '| v1 | shifted UAR | 28.00 | 40.00 | 49.00 | 21.00 |' in md
    assert ('| v1 | avx2-2t | 0 | 70.00 | 60.00 | 50.00 | 28.00 | 1 | '
            'tools/main_job.py |') in md


def test_best_val_metrics_reads_main_job_rows(numerics):
    rows = [dict(checkpoint='last_epoch', split='test', WAR=1., UAR=2.),
            dict(checkpoint='best_val_UAR', split='test', WAR=70., UAR=60.),
            dict(checkpoint='best_val_UAR', split='test_shifted', WAR=50.,
                 UAR=40.)]
    assert numerics.best_val_metrics(dict(rows=rows)) == {
        'in-domain WAR': 70., 'in-domain UAR': 60., 'shifted WAR': 50.,
        'shifted UAR': 40.}


def test_ablation_record_stands_in_for_the_native_path_only(numerics,
                                                            tmp_path):
    import json
    rows = [dict(checkpoint='best_val_UAR', split='test', WAR=80., UAR=64.),
            dict(checkpoint='best_val_UAR', split='test_shifted', WAR=60.,
                 UAR=47.)]
    rec = dict(variant='hdf', seed=3, rows=rows,
               seconds=dict(training=260.0, total=271.0))
    (tmp_path / 'runs').mkdir()
    (tmp_path / 'runs' / 'hdf_seed3.json').write_text(json.dumps(rec))
    got = numerics.ablation_record('v2', 'native-2t', 3, str(tmp_path))
    assert got['metrics'] == {'in-domain WAR': 80., 'in-domain UAR': 64.,
                              'shifted WAR': 60., 'shifted UAR': 47.}
    assert got['training_seconds'] == 260.0
    assert got['source'].endswith('hdf_seed3.json')
    # v1's records live in the v1 table's run list
    v1 = dict(rec, rows=[dict(r, UAR=r['UAR'] - 10) for r in rows])
    (tmp_path / 'v1').mkdir()
    (tmp_path / 'v1' / 'ablation.json').write_text(
        json.dumps(dict(runs=dict(hdf=[v1]))))
    got = numerics.ablation_record('v1', 'native-2t', 3, str(tmp_path))
    assert got['metrics']['shifted UAR'] == 37.
    # other paths and missing seeds are trained, not reused
    assert numerics.ablation_record('v2', 'avx2-2t', 3, str(tmp_path)) is None
    assert numerics.ablation_record('v1', 'native-1t', 3, str(tmp_path)) \
        is None
    assert numerics.ablation_record('v2', 'native-2t', 4, str(tmp_path)) \
        is None
    assert numerics.ablation_record('v1', 'native-2t', 4, str(tmp_path)) \
        is None


def test_report_only_trains_nothing_and_keeps_records(numerics, tmp_path,
                                                      monkeypatch):
    import json

    def no_training(*a, **k):
        raise AssertionError('must not train')

    monkeypatch.setattr(numerics.subprocess, 'run', no_training)
    monkeypatch.setattr(numerics, 'ablation_record', lambda *a: None)
    work, out = str(tmp_path / 'work'), str(tmp_path / 'out')
    assert numerics.run_one('v1', 'avx2-2t', 0, 'd', work, out,
                            train=False) is None
    # a run finished in this session's work dir is kept under out/runs ...
    done = tmp_path / 'work' / 'v1' / 'avx2-2t' / 'seed0'
    done.mkdir(parents=True)
    rec = _run('avx2-2t', 0, 27.88)
    (done / 'numerics_run.json').write_text(json.dumps(rec))
    assert numerics.run_one('v1', 'avx2-2t', 0, 'd', work, out,
                            train=False) == rec
    kept = numerics.record_path(out, 'v1', 'avx2-2t', 0)
    assert json.load(open(kept)) == rec
    # ... and found there once the work dir is gone
    (done / 'numerics_run.json').unlink()
    assert numerics.run_one('v1', 'avx2-2t', 0, 'd', work, out,
                            train=False) == rec
