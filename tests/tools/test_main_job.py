"""The main job end to end on the tiny SynDFER-H preset (1 epoch)."""
import json
import os.path as osp

from tests.helpers.e2e import run


def test_main_job_prints_protocol_table_and_writes_results(tmp_path):
    work, data = tmp_path / 'work', tmp_path / 'syndfer'
    res = run(['tools/main_job.py', '--preset', 'tiny', '--data', str(data),
               '--work-dir', str(work), '--cfg-options',
               'train_cfg.max_epochs=1'])
    assert res.returncode == 0, res.stderr[-3000:]
    out = res.stdout
    assert 'protocol: SynDFER-H v' in out
    assert 'selection: best validation UAR (epoch 1) and last epoch' in out
    assert 'never the test splits' in out and 'training seed 0' in out
    for sel in ('best_val_UAR', 'last_epoch'):
        for split in ('test', 'test_shifted'):
            assert f'| {sel} | {split} |' in out
    with open(work / 'results.json') as f:
        results = json.load(f)
    assert len(results['rows']) == 4
    for row in results['rows']:
        assert 0 <= row['WAR'] <= 100 and 0 <= row['UAR'] <= 100
        # per-domain UAR is present (SynDFER-H's `domain` column); it may
        # exceed the overall UAR (classes missing in a domain are left out)
        assert 0 <= row['worst_domain_UAR'] <= 100
        assert row['worst_domain_UAR'] <= row['metrics'][
            'dfer/mean_group_UAR'] + 1e-9
    for tag in ('test_best_val_UAR', 'test_shifted_last_epoch'):
        assert osp.isfile(work / 'results' / f'{tag}_confusion_matrix.png')
