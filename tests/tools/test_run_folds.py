"""tools/run_folds.py: two folds of a fake DFEW trained and tested with a
tiny HDF recipe, resume per fold, the aggregate by hand, the slurm array."""
import glob
import json
import os
import os.path as osp
import re
import shutil

import numpy as np
import pytest
import torch

from mmhdf.testing.fake_dfer import DFEW_CLIPS, make_dfew, write_dfew_csv
from tests.helpers.scripts import ROOT, load_script

RECIPE = osp.join(ROOT, 'configs/recognition/hdf/'
                  'hdf_x3d-s-dam4_sam_8xb32-16x112-300e_dfew.py')
#: The paper recipe (X3D-S + 4 DAM + DSM + SAM) at 4 x 32^2, batch 4,
#: no workers: pipelines restated, so the recipe's own may change freely.
TINY = """_base_ = [{recipe!r}]
clip_len = 4
__pack = dict(type='PackActionInputs')
train_pipeline = [
    dict(type='DFERUniformSample', clip_len=4, test_mode=False),
    dict(type='DFERFrameDecode'),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'), __pack]
val_pipeline = [
    dict(type='DFERUniformSample', clip_len=4, test_mode=True),
    dict(type='DFERFrameDecode'),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'), __pack]
model = dict(backbone=dict(num_frames=4))
__loader = dict(batch_size=4, num_workers=0, persistent_workers=False)
train_dataloader = dict(**__loader, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(**__loader, dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(**__loader, dataset=dict(pipeline=val_pipeline))
train_cfg = dict(max_epochs=2)
default_hooks = dict(logger=dict(interval=1))
"""


def _tool():
    return load_script('tools/run_folds.py', 'run_folds_tool')


@pytest.fixture
def dfew(tmp_path):
    root = make_dfew(str(tmp_path / 'DFEW'), with_16f=False)
    # fold 2: 10 training clips too (the fake's own fold 2 has 4)
    split = osp.join(root, 'EmoLabel_DataSplit')
    write_dfew_csv(osp.join(split, 'train(single_labeled)', 'set_2.csv'),
                   [(str(i), DFEW_CLIPS[i][0]) for i in range(5, 15)])
    write_dfew_csv(osp.join(split, 'test(single_labeled)', 'set_2.csv'),
                   [(str(i), DFEW_CLIPS[i][0]) for i in range(1, 5)])
    cfg = tmp_path / 'tiny_hdf_dfew.py'
    cfg.write_text(TINY.format(recipe=RECIPE))
    return root, str(cfg)


def _commands(out):
    return [ln.split('$ ', 1)[1] for ln in out.splitlines()
            if ln.startswith('run_folds: $ ')]


def test_folds_run_resume_and_aggregate(dfew, tmp_path, capsys):
    data, cfg = dfew
    work = tmp_path / 'runs'
    # --amp: the HDF recipe through tools/train.py --amp (bf16 on CPU)
    argv = [cfg, '--dataset', 'dfew', '--data-root', data, '--folds', '1',
            '2', '--work-root', str(work), '--seed', '0', '--amp',
            '--cfg-options', 'train_cfg.max_epochs=1']
    tool = _tool()
    assert tool.main(argv) == 0
    cmds = _commands(capsys.readouterr().out)
    # per fold: train, then one test (best == last epoch: tested once)
    assert len(cmds) == 4
    for k, (train, test) in enumerate(zip(cmds[::2], cmds[1::2]), 1):
        assert 'tools/train.py' in train and '--resume' not in train
        for loader in ('train', 'val', 'test'):
            assert f'{loader}_dataloader.dataset.fold={k}' in train
            assert f'{loader}_dataloader.dataset.data_root={data}' in train
        assert 'train_cfg.max_epochs=1' in train and '--amp' in train
        assert 'tools/test.py' in test and f'fold{k}/best_dfer_UAR' in test
    results = {}
    for k in (1, 2):
        fold = work / f'fold{k}'
        done = json.loads((fold / 'run_folds_done.json').read_text())
        assert done['fold'] == k and done['selection'] == 'best'
        assert osp.basename(done['selected']) == 'best_dfer_UAR_epoch_1.pth'
        assert osp.basename(done['last']) == 'epoch_1.pth'
        best = json.loads((fold / 'best_test' /
                           'test_confusion_matrix.json').read_text())
        assert best['dataset_meta']['fold'] == k
        assert best['num_samples'] == 4  # the fold's test split
        last = json.loads((fold / 'last_test' /
                           'test_confusion_matrix.json').read_text())
        assert last['metrics'] == best['metrics']
        results[k] = best['metrics']
    # the AMP wrapper trained and saved its scaler (weights-only loadable)
    ckpt = torch.load(str(work / 'fold1' / 'epoch_1.pth'), weights_only=True)
    assert ckpt['optimizer']['loss_scaler']['scale'] > 0
    log = open(glob.glob(str(work / 'fold1' / '*' / '*.log'))[0]).read()
    assert "type='AmpSAMOptimWrapper'" in log
    # the aggregate, by hand: mean and sample std of WAR and UAR
    table = (work / 'folds.md').read_text()
    assert table.startswith('**Protocol:** DFEW, 2 fold(s) (1, 2)')
    assert 'best val dfer/UAR' in table and 'seed 0' in table
    mean_row = [r for r in table.splitlines()
                if r.startswith('| **mean')][0]
    cells = [c.strip() for c in mean_row.split('|')]
    for col, key in ((2, 'WAR'), (3, 'UAR')):
        vals = [results[1][key], results[2][key]]
        expect = f'{np.mean(vals):.2f} ± {np.std(vals, ddof=1):.2f}'
        assert cells[col] == expect, (key, vals)

    # resume: fold 1 finished -> skipped; fold 2 interrupted after its
    # checkpoint -> continues with --resume, then tests
    fold2 = work / 'fold2'
    (fold2 / 'run_folds_done.json').unlink()
    (fold2 / 'run_folds_trained.json').unlink()
    shutil.rmtree(fold2 / 'best_test')
    stamp = os.path.getmtime(work / 'fold1' / 'run_folds_done.json')
    assert tool.main(argv) == 0
    out = capsys.readouterr().out
    assert 'fold 1: done' in out and 'fold 2: resume' in out
    cmds = _commands(out)
    assert len(cmds) == 2
    assert 'fold2' in cmds[0] and '--resume' in cmds[0]
    assert 'tools/test.py' in cmds[1] and 'fold2' in cmds[1]
    assert os.path.getmtime(work / 'fold1' /
                            'run_folds_done.json') == stamp
    assert (fold2 / 'run_folds_done.json').is_file()
    assert json.loads((fold2 / 'best_test' / 'test_confusion_matrix.json')
                      .read_text())['metrics'] == results[2]
    # a third run does nothing but aggregate
    assert tool.main(argv) == 0
    assert _commands(capsys.readouterr().out) == []


def test_states_and_dry_run_commands(dfew, tmp_path, capsys):
    data, cfg = dfew
    tool = _tool()
    work = tmp_path / 'w'
    assert tool.fold_state(str(work)) == 'new'
    (work / 'fold3').mkdir(parents=True)
    (work / 'fold3' / 'last_checkpoint').write_text('x/epoch_3.pth')
    assert tool.fold_state(str(work / 'fold3')) == 'resume'
    assert tool.main([cfg, '--data-root', data, '--folds', '3', '4',
                      '--work-root', str(work), '--amp', '--dry-run']) == 0
    cmds = _commands(capsys.readouterr().out)
    assert len(cmds) == 2  # dry run: training commands only
    assert '--resume' in cmds[0] and '--amp' in cmds[0]
    assert 'fold=3' in cmds[0] and 'fold=4' in cmds[1]
    assert '--resume' not in cmds[1]
    assert tool._same_epoch('a/best_dfer_UAR_epoch_7.pth', 'b/epoch_7.pth')
    assert not tool._same_epoch('best_dfer_UAR_epoch_7.pth', 'epoch_70.pth')


def test_slurm_script_names_each_fold(dfew, tmp_path):
    data, cfg = dfew
    out = tmp_path / 'dfew.sbatch'
    tool = _tool()
    assert tool.main([cfg, '--data-root', data, '--work-root',
                      str(tmp_path / 'w'), '--slurm-out', str(out),
                      '--gpus', '8', '--partition', 'gpu', '--amp']) == 0
    text = out.read_text()
    assert text.startswith('#!/usr/bin/env bash')
    assert '#SBATCH --array=1,2,3,4,5' in text
    assert '#SBATCH --gres=gpu:8' in text
    assert '#SBATCH --partition=gpu' in text
    for k in range(1, 6):
        assert re.search(rf'^  {k}\) # fold {k} -> .*/w/fold{k}$', text,
                         re.M), k
        line = [ln for ln in text.splitlines()
                if f'--folds {k} --launcher slurm' in ln]
        assert len(line) == 1 and '--no-aggregate' in line[0]
        assert '--amp' in line[0] and f'--data-root {data}' in line[0]
        assert '--slurm' not in line[0].replace('--launcher slurm', '')
    assert '--aggregate-only' in text  # the dependent aggregation job


def test_bad_folds_and_dataset_are_refused(dfew, tmp_path):
    data, cfg = dfew
    tool = _tool()
    with pytest.raises(SystemExit, match='dfew folds are'):
        tool.main([cfg, '--folds', '6', '--dry-run'])
    with pytest.raises(SystemExit, match='one official split'):
        tool.main([cfg, '--dataset', 'ferv39k', '--folds', '1'])
    with pytest.raises(SystemExit, match='does not exist'):
        tool.main([str(tmp_path / 'nope.py')])
