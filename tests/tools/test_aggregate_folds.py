"""tools/analysis/aggregate_folds.py: 5 folds -> mean ± std markdown."""
import json

import numpy as np
import pytest

from mmhdf.evaluation.metrics import DFERMetric
from tests.helpers.scripts import load_script

NAMES = ('Happy', 'Sad', 'Neutral', 'Angry', 'Surprise', 'Disgust', 'Fear')


def _tool():
    return load_script('tools/analysis/aggregate_folds.py',
                       'aggregate_folds')


def _fold_result(tmp_path, fold, n_wrong, tag='test'):
    """Real DFERMetric output: 14 samples, the first n_wrong mispredicted."""
    import torch
    from mmaction.structures import ActionDataSample
    out = tmp_path / f'fold{fold}_{tag}'
    m = DFERMetric(save_dir=str(out), tag=tag, save_png=False)
    m.dataset_meta = dict(classes=NAMES, dataset='dfew', fold=fold,
                          split='test', frames_variant='clip_224x224',
                          label_order='dfew')
    gt = [i % 7 for i in range(14)]
    pred = [(g + 1) % 7 if i < n_wrong else g for i, g in enumerate(gt)]
    samples = []
    for g, p in zip(gt, pred):
        s = ActionDataSample().set_gt_label(g)
        s.set_pred_score(torch.eye(7)[p])
        samples.append(s.to_dict())
    m.process(None, samples)
    res = m.evaluate(14)
    return str(out / f'{tag}_confusion_matrix.json'), res


def test_five_folds_mean_std_and_protocol_line(tmp_path, capsys):
    files, wars = [], []
    for fold in (3, 1, 2, 5, 4):  # order of the arguments does not matter
        path, res = _fold_result(tmp_path, fold, n_wrong=fold)
        files.append(path)
    for fold in range(1, 6):
        wars.append(100 * (14 - fold) / 14)
    last = [_fold_result(tmp_path, f, 0, tag='last')[0] for f in range(1, 6)]
    md = str(tmp_path / 't.md')
    assert _tool().main(files + [
        '--last', *last, '--selection', 'best val dfer/UAR (10% carve)',
        '--seed', '0', '--out', md
    ]) == 0
    text = open(md).read()
    lines = text.splitlines()
    first = lines[0]
    assert first.startswith('**Protocol:** DFEW, 5 fold(s) (1, 2, 3, 4, 5)')
    for part in ('frames `clip_224x224`', 'best val dfer/UAR (10% carve)',
                 'seed 0', 'evaluated once', 'ddof=1'):
        assert part in first
    rows = [ln for ln in lines if ln.startswith('| ')]
    assert rows[0].startswith('| fold | WAR | UAR | Happy |')
    fold_rows = [r for r in rows if r.split('|')[1].strip().isdigit()]
    assert [r.split('|')[1].strip() for r in fold_rows[:5]] == \
        ['1', '2', '3', '4', '5']
    mean_row = [r for r in rows if 'mean' in r][0]
    m, s = np.mean(wars), np.std(wars, ddof=1)
    assert f'{m:.2f} ± {s:.2f}' == mean_row.split('|')[2].strip()
    assert 'Last-epoch checkpoint' in text
    last_mean = [r for r in rows if 'mean' in r][1]
    assert last_mean.split('|')[2].strip() == '100.00 ± 0.00'
    assert capsys.readouterr().out == text


def test_rejects_duplicates_and_mixed_variants(tmp_path):
    a, _ = _fold_result(tmp_path, 1, 1)
    with pytest.raises(ValueError, match='duplicate folds'):
        _tool().main([a, a])
    b, _ = _fold_result(tmp_path, 2, 1)
    data = json.load(open(b))
    data['dataset_meta']['frames_variant'] = 'clip_224x224_16f'
    json.dump(data, open(b, 'w'))
    with pytest.raises(ValueError, match='frames_variant'):
        _tool().main([a, b])


def test_unstated_selection_is_flagged(tmp_path, capsys):
    a, _ = _fold_result(tmp_path, 1, 1)
    _tool().main([a, '--no-per-class'])
    first = capsys.readouterr().out.splitlines()[0]
    assert 'NOT STATED' in first and 'seed not stated' in first
