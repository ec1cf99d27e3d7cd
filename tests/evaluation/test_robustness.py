"""Corruption robustness: mPC / rPC arithmetic and a tiny end-to-end run."""
import json
import math
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from mmhdf.datasets.transforms.corruptions import DFERCorruption
from mmhdf.evaluation.robustness import (PipelineSwitch, corruption_summary,
                                         find_decode_index, insert_corruption,
                                         parse_corruptions, parse_severities,
                                         summarize)
from mmhdf.evaluation.robustness.summary import json_ready
from tests.helpers.scripts import load_script

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CFG = osp.join(ROOT, ('configs/recognition/baselines/'
                      'r3d18-w16_1xb16-8x64-6e_syndfer-h-cpu.py'))
TOOL = osp.join(ROOT, 'tools/analysis/robustness.py')


def write_tiny_checkpoint(path: str, cfg_file: str = CFG,
                          seed: int = 0) -> dict:
    """Random-init R3D-18 (width 8) checkpoint; returns its cfg options."""
    opts = {'model.backbone.base_channels': 8,
            'model.cls_head.in_channels': 64}
    cfg = Config.fromfile(cfg_file)
    cfg.merge_from_dict(opts)
    init_default_scope('mmaction')
    from mmaction.registry import MODELS
    torch.manual_seed(seed)
    model = MODELS.build(cfg.model)
    model.init_weights()
    torch.save({'meta': {}, 'state_dict': model.state_dict()}, path)
    return opts


def load_tool(path: str):
    return load_script(path, 'tool_' + osp.basename(path)[:-3])


# ---------------------------------------------------------------- numbers
def test_mpc_rpc_on_hand_made_numbers():
    grid = {'a': {'1': 60.0, '2': 40.0}, 'b': {'1': 50.0, '2': 30.0}}
    s = corruption_summary(grid, clean=80.0,
                           categories={'a': 'noise', 'b': 'blur'})
    assert s['per_corruption'] == {'a': 50.0, 'b': 40.0}
    assert s['per_severity'] == {'1': 55.0, '2': 35.0}
    assert s['mPC'] == pytest.approx(45.0)
    assert s['rPC'] == pytest.approx(45.0 / 80.0)
    assert s['per_category'] == {'noise': 50.0, 'blur': 40.0}
    # mPC weighs corruptions equally even with an incomplete grid
    s = corruption_summary({'a': {'1': 10.0, '2': 30.0}, 'b': {'1': 50.0}},
                           clean=50.0)
    assert s['mPC'] == pytest.approx((20.0 + 50.0) / 2)
    assert s['rPC'] == pytest.approx(0.7)
    # clean 0: rPC undefined, written as null
    s = corruption_summary({'a': {'1': 0.0}}, clean=0.0)
    assert math.isnan(s['rPC']) and json_ready(s)['rPC'] is None
    both = summarize({'UAR': 40.0, 'WAR': 50.0},
                     {'a': {'1': {'UAR': 20.0, 'WAR': 25.0}}})
    assert both['UAR']['rPC'] == 0.5 and both['WAR']['rPC'] == 0.5


def test_selection_parsing():
    assert parse_severities('1-5') == [1, 2, 3, 4, 5]
    assert parse_severities('5,1,3') == [1, 3, 5]
    assert parse_severities(2) == [2]
    with pytest.raises(ValueError):
        parse_severities('0-2')
    assert parse_corruptions('frame_rate,gaussian_noise') == [
        'gaussian_noise', 'frame_rate'
    ]
    assert 'occlusion' in parse_corruptions('all')
    assert parse_corruptions('blur') == [
        'gaussian_blur', 'defocus_blur', 'motion_blur'
    ]
    with pytest.raises(KeyError):
        parse_corruptions('snow')


def test_insert_after_decode_step():
    cfg = Config.fromfile(CFG)
    pipe = cfg.test_pipeline
    k = find_decode_index(pipe)
    assert pipe[k]['type'] == 'DFERFrameDecode'
    out = insert_corruption(pipe, 'occlusion', 2, seed=3)
    assert out[k + 1] == dict(type='DFERCorruption', name='occlusion',
                              severity=2, seed=3)
    assert len(out) == len(pipe) + 1 and len(pipe) == 5  # input untouched
    with pytest.raises(ValueError, match='no decode step'):
        find_decode_index([dict(type='Resize')])


# ------------------------------------------------------------ end to end
@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    from mmhdf.syndfer import generate_benchmark
    base = tmp_path_factory.mktemp('robust')
    data = str(base / 'syndfer')
    generate_benchmark(data, preset='tiny', workers=1, progress=False)
    ckpt = str(base / 'tiny.pth')
    opts = write_tiny_checkpoint(ckpt)
    opts.update({
        'test_dataloader.dataset.data_root': data,
        # the tiny split files carry no `domain` column
        'test_evaluator.missing_group': 'n/a',
    })
    return dict(base=base, data=data, ckpt=ckpt, opts=opts)


def plain_test(tiny, work: str, pipeline=None) -> dict:
    """What tools/test.py does: Runner.from_cfg(cfg).test()."""
    cfg = Config.fromfile(CFG)
    cfg.merge_from_dict(tiny['opts'])
    # BadSampleReportHook reads runner.epoch after testing, which builds the
    # train loop (and needs the train data); it is not part of the metric.
    cfg.default_hooks.pop('bad_samples', None)
    if pipeline is not None:
        cfg.test_dataloader.dataset.pipeline = pipeline
    cfg.work_dir = work
    cfg.load_from = tiny['ckpt']
    return Runner.from_cfg(cfg).test()


@pytest.fixture(scope='module')
def report(tiny):
    tool = load_tool(TOOL)
    out = str(tiny['base'] / 'out')
    opts = [f'{k}={v}' for k, v in tiny['opts'].items()]
    return tool.main([
        CFG, tiny['ckpt'], '--corruptions', 'gaussian_noise,frame_shuffle',
        '--severities', '1-2', '--out', out, '--work-dir',
        str(tiny['base'] / 'work'), '--cfg-options', *opts
    ])


def test_report_structure_and_files(report):
    assert report['corruptions'] == ['gaussian_noise', 'frame_shuffle']
    assert report['severities'] == [1, 2]
    assert report['num_samples'] == 7
    for name in report['corruptions']:
        assert set(report['results'][name]) == {'1', '2'}
    # mPC is the grid mean, rPC its ratio to clean
    for m in ('UAR', 'WAR'):
        cells = [report['results'][c][s][m] for c in report['corruptions']
                 for s in ('1', '2')]
        assert report['summary'][m]['mPC'] == pytest.approx(np.mean(cells))
        assert report['mPC'][m] == report['summary'][m]['mPC']
        clean = report['clean'][m]
        if clean:
            assert report['rPC'][m] == pytest.approx(np.mean(cells) / clean)
    files = report['files']
    with open(files['json']) as f:
        saved = json.load(f)
    assert saved['summary']['UAR']['mPC'] == pytest.approx(
        report['summary']['UAR']['mPC'])
    assert saved['results']['frame_shuffle']['2']['WAR'] == pytest.approx(
        report['results']['frame_shuffle']['2']['WAR'])
    assert saved['parameters']['gaussian_noise']['values'] == {
        '1': 0.08, '2': 0.12
    }
    with open(files['markdown']) as f:
        md = f.read()
    assert '| corruption | s1 | s2 | mean |' in md
    assert md.count('| gaussian_noise |') == 2  # UAR and WAR tables
    assert 'protocol: dataset=DFEWDataset fold 1; split=test' in md
    with open(files['plot'], 'rb') as f:
        assert f.read(8) == b'\x89PNG\r\n\x1a\n'
    assert osp.isfile(osp.join(osp.dirname(files['json']),
                               'clean_confusion_matrix.json'))


def test_clean_and_corrupted_match_plain_test_runs(report, tiny):
    clean = plain_test(tiny, str(tiny['base'] / 'plain_clean'))
    assert report['clean']['metrics'] == pytest.approx(clean, nan_ok=True)
    pipe = insert_corruption(Config.fromfile(CFG).test_pipeline,
                             'frame_shuffle', 2, seed=0)
    corrupted = plain_test(tiny, str(tiny['base'] / 'plain_c'), pipe)
    assert report['results']['frame_shuffle']['2']['metrics'] == \
        pytest.approx(corrupted, nan_ok=True)


def test_pipeline_switch_applies_and_restores(tiny):
    init_default_scope('mmaction')
    from mmaction.registry import DATASETS
    cfg = Config.fromfile(CFG)
    cfg.merge_from_dict(tiny['opts'])
    ds = DATASETS.build(cfg.test_dataloader.dataset)
    clean = ds[0]['inputs'].clone()
    switch = PipelineSwitch(ds)
    switch.set('gaussian_noise', 5, seed=0)
    steps = ds.pipeline.transforms
    k = [type(t).__name__ for t in steps].index('DFERFrameDecode')
    assert isinstance(steps[k + 1], DFERCorruption)
    noisy = ds[0]['inputs']
    assert noisy.shape == clean.shape and not torch.equal(noisy, clean)
    assert torch.equal(ds[0]['inputs'], noisy)  # repeatable
    switch.set(None)
    assert torch.equal(ds[0]['inputs'], clean)


def test_corrupted_batches_do_not_depend_on_worker_count(tiny):
    init_default_scope('mmaction')
    from mmaction.registry import DATASETS
    cfg = Config.fromfile(CFG)
    cfg.merge_from_dict(tiny['opts'])
    ds = DATASETS.build(cfg.test_dataloader.dataset)
    PipelineSwitch(ds).set('occlusion', 4, seed=0)
    batches = []
    for workers in (0, 2):
        loader = Runner.build_dataloader(
            dict(batch_size=3, num_workers=workers, dataset=ds,
                 sampler=dict(type='DefaultSampler', shuffle=False)),
            seed=0)
        batches.append(torch.cat([torch.stack(b['inputs'])
                                  for b in loader]))
    assert torch.equal(batches[0], batches[1])
