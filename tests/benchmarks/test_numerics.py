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
    # runs without validation figures show a dash in that column
    assert ('| v1 | avx2-2t | 0 | 70.00 | 60.00 | 50.00 | 28.00 | – | 1 | '
            'tools/main_job.py |') in md
    assert 'best val UAR' not in numerics.spread(runs)


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
    (tmp_path / 'v2' / 'runs').mkdir(parents=True)
    (tmp_path / 'v2' / 'runs' / 'hdf_seed3.json').write_text(json.dumps(rec))
    got = numerics.ablation_record('v2', 'epyc-native-2t', 3,
                                  str(tmp_path))
    assert got['metrics'] == {'in-domain WAR': 80., 'in-domain UAR': 64.,
                              'shifted WAR': 60., 'shifted UAR': 47.}
    assert got['training_seconds'] == 260.0
    assert got['source'].endswith('hdf_seed3.json')
    # v1's records live in the v1 table's run list
    v1 = dict(rec, rows=[dict(r, UAR=r['UAR'] - 10) for r in rows])
    (tmp_path / 'v1').mkdir()
    (tmp_path / 'v1' / 'ablation.json').write_text(
        json.dumps(dict(runs=dict(hdf=[v1]))))
    got = numerics.ablation_record('v1', 'epyc-native-2t', 3,
                                  str(tmp_path))
    assert got['metrics']['shifted UAR'] == 37.
    # other paths and missing seeds are trained, not reused
    # the nosam recipe is the ablation's +DAM+DSM variant
    (tmp_path / 'v2' / 'runs' / 'dam_dsm_seed3.json').write_text(json.dumps(
        dict(rec, variant='dam_dsm', rows=[dict(r, UAR=r['UAR'] + 1)
                                           for r in rows])))
    got = numerics.ablation_record('nosam', 'epyc-native-2t', 3,
                                   str(tmp_path))
    assert got['metrics']['shifted UAR'] == 48.
    assert got['source'].endswith('dam_dsm_seed3.json')
    # other paths, other machines and missing seeds are trained, not reused
    for recipe, label, seed in [('v2', 'epyc-avx2-2t', 3),
                                ('v1', 'epyc-native-1t', 3),
                                ('v2', 'xeon-native-2t', 3),
                                ('v2', 'epyc-native-2t', 4),
                                ('v1', 'epyc-native-2t', 4)]:
        assert numerics.ablation_record(recipe, label, seed,
                                        str(tmp_path)) is None


def test_report_only_trains_nothing_and_keeps_records(numerics, tmp_path,
                                                      monkeypatch):
    import json

    def no_training(*a, **k):
        raise AssertionError('must not train')

    monkeypatch.setattr(numerics.subprocess, 'run', no_training)
    monkeypatch.setattr(numerics, 'ablation_record', lambda *a: None)
    work, out = str(tmp_path / 'work'), str(tmp_path / 'out')
    assert numerics.run_one('v1', 'avx2-2t', 0, 'd', work, out,
                            train=False, machine='m') is None
    # a run finished in this session's work dir is kept under out/runs ...
    done = tmp_path / 'work' / 'v1' / 'm-avx2-2t' / 'seed0'
    done.mkdir(parents=True)
    rec = _run('avx2-2t', 0, 27.88)
    (done / 'numerics_run.json').write_text(json.dumps(rec))
    assert numerics.run_one('v1', 'avx2-2t', 0, 'd', work, out,
                            train=False, machine='m') == rec
    kept = numerics.record_path(out, 'v1', 'm-avx2-2t', 0)
    assert json.load(open(kept)) == rec
    # ... and found there once the work dir is gone
    (done / 'numerics_run.json').unlink()
    assert numerics.run_one('v1', 'avx2-2t', 0, 'd', work, out,
                            train=False, machine='m') == rec


def test_machine_slug(numerics):
    assert numerics.machine_slug('AMD EPYC 7B13 64-Core Processor') == 'epyc'
    assert numerics.machine_slug('Intel(R) Xeon(R) Processor') == 'xeon'
    assert numerics.machine_slug('Foo-9 CPU') == 'foo9'
    assert numerics.machine_slug('') == 'unknown'


def _scalars(path, curve):
    import json
    path.parent.mkdir(parents=True)
    lines = [json.dumps({'loss': 1.0, 'step': 1})]
    lines += [json.dumps({'dfer/UAR': u, 'dfer/WAR': u + 1, 'step': i + 1})
              for i, u in enumerate(curve)]
    path.write_text('\n'.join(lines) + '\n')


def test_val_metrics_reads_the_newest_training_log(numerics, tmp_path):
    _scalars(tmp_path / '20260101_000000' / 'vis_data' / 'scalars.json',
             [10.0, 90.0])
    _scalars(tmp_path / '20260102_000000' / 'vis_data' / 'scalars.json',
             [20.0, 55.5, 41.0])
    # evaluation logs (eval/<split>/<timestamp>/...) are not training logs
    _scalars(tmp_path / 'eval' / 'test_best' / '20260103_000000' /
             'vis_data' / 'scalars.json', [99.0])
    got = numerics.val_metrics(str(tmp_path))
    assert got == {'best val UAR': 55.5, 'last val UAR': 41.0,
                   'val UAR per epoch': [20.0, 55.5, 41.0]}
    assert numerics.val_metrics(str(tmp_path / 'nothing')) == {}


def test_finished_work_dir_is_read_not_retrained(numerics, tmp_path,
                                                 monkeypatch):
    import json

    def no_training(*a, **k):
        raise AssertionError('must not train')

    monkeypatch.setattr(numerics.subprocess, 'run', no_training)
    work = tmp_path / 'work' / 'ema' / 'xeon-native-2t' / 'seed1'
    _scalars(work / '20260102_000000' / 'vis_data' / 'scalars.json',
             [30.0, 60.0])
    rows = [dict(checkpoint='best_val_UAR', split='test', WAR=80., UAR=64.),
            dict(checkpoint='best_val_UAR', split='test_shifted', WAR=60.,
                 UAR=47.)]
    (work / 'results.json').write_text(json.dumps(dict(
        rows=rows, protocol='p', seconds=dict(training=5.0, total=6.0),
        machine=dict(cpu='Intel(R) Xeon(R) Processor'))))
    out = str(tmp_path / 'out')
    rec = numerics.run_one('ema', 'native-2t', 1, 'd', str(tmp_path / 'work'),
                           out, train=True, machine='xeon')
    assert rec['perturbation'] == 'xeon-native-2t'
    assert rec['machine'] == 'Intel(R) Xeon(R) Processor'
    assert rec['metrics']['shifted UAR'] == 47.
    assert rec['val']['best val UAR'] == 60.
    # kept records of a recipe are found whichever machine made them
    other = dict(rec, perturbation='epyc-avx2-2t', seed=0)
    path = numerics.record_path(out, 'ema', 'epyc-avx2-2t', 0)
    with open(path, 'w') as f:
        json.dump(other, f)
    got = numerics.kept_records(out, 'ema', [0, 1])
    assert [(r['seed'], r['perturbation']) for r in got] == [
        (0, 'epyc-avx2-2t'), (1, 'xeon-native-2t')]
    assert numerics.kept_records(out, 'ema', [2]) == []
    assert numerics.kept_records(out, 'v2', [0, 1]) == []
    sp = numerics.spread(got)
    assert sp['best val UAR']['n'] == 2 and sp['shifted UAR']['n'] == 2
