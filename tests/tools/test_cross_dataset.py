"""Cross-dataset evaluation: label mapping by name and the tool."""
import json
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from mmhdf.apis import (build_cross_dataset_cfg, classes_from_dataset_cfg,
                        source_class_names)
from mmhdf.datasets import LabelMappedDataset, map_labels_by_name
from mmhdf.datasets.label_presets import LABEL_PRESETS
from mmhdf.testing.fake_dfer import DFEW_NAMES, make_dfew, make_mafw
from tests.helpers.robustness import CFG, load_tool, write_tiny_checkpoint

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools/analysis/cross_dataset.py')
ALPHA = LABEL_PRESETS['dfew']['alphabetical']
MAFW = LABEL_PRESETS['mafw']['mafw']
PIPE = [dict(type='DFERUniformSample', clip_len=4, test_mode=True),
        dict(type='DFERFrameDecode')]


@pytest.fixture(autouse=True)
def _scope():
    init_default_scope('mmaction')


@pytest.fixture(scope='module')
def trees(tmp_path_factory):
    base = tmp_path_factory.mktemp('xdata')
    return dict(mafw=make_mafw(str(base / 'mafw')),
                dfew=make_dfew(str(base / 'dfew'), with_16f=False),
                base=base)


def test_map_labels_by_name():
    # MAFW ids -> DFEW order: anger(0)->Angry(3), sadness(5)->Sad(1),
    # contempt(7) has no DFEW class
    mapped, dropped = map_labels_by_name([0, 5, 7, 7, 10], MAFW, DFEW_NAMES)
    assert mapped == [3, 1, None, None, None]
    assert dropped == {'contempt': 2, 'disappointment': 1}


@pytest.mark.parametrize('flat', [False, True])
def test_mafw_onto_seven_classes_drops_and_counts(trees, flat):
    target = dict(type='MAFWDataset', data_root=trees['mafw'], fold=1,
                  split='test', pipeline=PIPE, test_mode=True)
    if flat:
        target['dataset_type'] = target.pop('type')
        ds = LabelMappedDataset(classes=DFEW_NAMES, **target)
    else:
        ds = LabelMappedDataset(classes=DFEW_NAMES, dataset=target)
    # fake MAFW test clips 17..22: sadness, surprise, contempt, anxiety,
    # helplessness, disappointment
    assert len(ds) == 2
    assert [ds.get_data_info(i)['label'] for i in range(2)] == [1, 4]
    assert [ds.get_data_info(i)['clip_id'] for i in range(2)] == [
        '00017', '00018'
    ]
    meta = ds.metainfo
    assert meta['classes'] == DFEW_NAMES
    assert meta['num_target_samples'] == 6 and meta['num_dropped'] == 4
    assert meta['dropped_per_class'] == {
        'contempt': 1, 'anxiety': 1, 'helplessness': 1, 'disappointment': 1
    }
    assert meta['label_mapping']['sadness'] == 'Sad'
    assert meta['label_mapping']['contempt'] is None
    assert meta['source_classes_without_samples'] == [
        'Happy', 'Neutral', 'Angry', 'Disgust', 'Fear'
    ]
    sample = ds[1]  # the target's own pipeline runs, with the mapped label
    assert sample['label'] == 4 and len(sample['imgs']) == 4


def test_seven_class_permutation_and_eleven_class_source(trees):
    target = dict(type='DFEWDataset', data_root=trees['dfew'], fold=1,
                  split='test', pipeline=PIPE, test_mode=True)
    plain = LabelMappedDataset(classes=DFEW_NAMES, dataset=target)
    alpha = LabelMappedDataset(classes=ALPHA, dataset=target)
    for i in range(len(plain)):
        name = DFEW_NAMES[plain.get_data_info(i)['label']]
        assert ALPHA[alpha.get_data_info(i)['label']] == name
    assert alpha.metainfo['num_dropped'] == 0
    # an 11-class MAFW model on DFEW: every clip kept, 4 classes unsupported
    wide = LabelMappedDataset(classes=MAFW, dataset=target)
    assert len(wide) == len(plain)
    assert MAFW[wide.get_data_info(0)['label']] == 'anger'  # clip 11: Angry
    assert wide.metainfo['source_classes_without_samples'][-4:] == [
        'contempt', 'anxiety', 'helplessness', 'disappointment'
    ]
    with pytest.raises(ValueError, match='outside the source classes'):
        LabelMappedDataset(
            classes=DFEW_NAMES, drop_unmapped=False,
            dataset=dict(type='MAFWDataset', data_root=trees['mafw'],
                         split='test', pipeline=PIPE, test_mode=True))


def test_source_classes_come_from_checkpoint_or_config(tmp_path):
    cfg = Config.fromfile(CFG)
    assert classes_from_dataset_cfg(cfg.train_dataloader.dataset) == \
        DFEW_NAMES
    assert classes_from_dataset_cfg(
        dict(type='MAFWDataset', label_order='dfer_clip'))[0] == 'happiness'
    # wrappers are unwrapped; the leaves of a ConcatDataset must agree
    dfew = dict(type='DFEWDataset')
    assert classes_from_dataset_cfg(dict(
        type='ConcatDataset', datasets=[dfew, dict(
            type='RepeatDataset', times=2, dataset=dfew)])) == DFEW_NAMES
    assert classes_from_dataset_cfg(dict(
        type='ConcatDataset', datasets=[dfew, dict(type='MAFWDataset')])) \
        is None
    names, origin = source_class_names(cfg)
    assert names == DFEW_NAMES and origin == 'config train_dataloader'
    ckpt = str(tmp_path / 'meta.pth')
    torch.save({'meta': {'dataset_meta': {'classes': ALPHA}},
                'state_dict': {}}, ckpt)
    assert source_class_names(cfg, ckpt) == (ALPHA, 'checkpoint meta')
    assert source_class_names(cfg, ckpt, ['Happy'] + list(DFEW_NAMES[1:]))[
        1] == 'command line'
    with pytest.raises(ValueError, match='num_classes=7'):
        source_class_names(cfg, None, MAFW)


def test_tool_and_cfg_options_snippet_agree(trees, tmp_path):
    ckpt = str(tmp_path / 'tiny.pth')
    opts = write_tiny_checkpoint(ckpt)
    tool = load_tool(TOOL)
    res = tool.main([
        CFG, ckpt, '--target-dataset', 'MAFWDataset', '--target-root',
        trees['mafw'], '--fold', '1', '--work-dir', str(tmp_path / 'x'),
        '--cfg-options', *[f'{k}={v}' for k, v in opts.items()]
    ])
    assert res['num_samples'] == 2
    assert res['mapping']['num_dropped'] == 4
    assert res['source_classes'] == list(DFEW_NAMES)
    assert 'target=MAFWDataset fold 1; split=test' in res['protocol']
    assert 'kept 2/6 clips, dropped 4 (contempt 1' in res['protocol']
    with open(osp.join(str(tmp_path / 'x'), 'cross_dataset.json')) as f:
        assert json.load(f)['mapping']['dropped_per_class']['anxiety'] == 1

    # the documented tools/test.py --cfg-options route (flat wrapper form)
    cfg = Config.fromfile(CFG)
    cfg.merge_from_dict(opts)
    cfg.merge_from_dict({
        'test_dataloader.dataset.type': 'LabelMappedDataset',
        'test_dataloader.dataset.dataset_type': 'MAFWDataset',
        'test_dataloader.dataset.classes': list(DFEW_NAMES),
        'test_dataloader.dataset.data_root': trees['mafw'],
        'test_dataloader.dataset.frames_variant': 'frames',
        'test_evaluator.group_key': None,
    })
    # BadSampleReportHook reads runner.epoch after testing, which builds the
    # train loop (and needs the train data); it is not part of the metric.
    cfg.default_hooks.pop('bad_samples', None)
    cfg.work_dir = str(tmp_path / 'plain')
    cfg.load_from = ckpt
    metrics = Runner.from_cfg(cfg).test()
    assert metrics['dfer/WAR'] == pytest.approx(res['WAR'])
    assert metrics['dfer/UAR'] == pytest.approx(res['UAR'])


def test_build_cfg_keeps_source_pipeline():
    cfg = Config.fromfile(CFG)
    x = build_cross_dataset_cfg(cfg, 'FERV39kDataset', '/data/ferv',
                                DFEW_NAMES, split='test')
    ds = x.test_dataloader.dataset
    assert ds['type'] == 'LabelMappedDataset'
    assert ds['dataset']['pipeline'] == cfg.test_pipeline
    assert 'fold' not in ds['dataset']
    assert 'frames_variant' not in ds['dataset']  # target default
    assert x.test_evaluator['group_key'] is None
    assert cfg.test_dataloader.dataset['type'] == 'DFEWDataset'
