"""The config re-zoning (configs by algorithm, issue 15) changed no recipe.

Every old config path is a thin, deprecated alias of its new home that
resolves to exactly the same config; the new files follow mmaction2's
naming; the DFER dataset bases share one parent; DAM's ``num_frames`` comes
from the dataset base's ``clip_len``. (The move itself was checked against
the pre-move tree once: all 35 recipes and the 3 dataset bases resolved
identically.)
"""
import ast
import glob
import os.path as osp
import re
import warnings

import pytest
from mmengine.config import Config

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = osp.join(ROOT, 'configs')
README = osp.join(CONFIGS, 'recognition', 'hdf', 'README.md')

# old path -> new path, relative to configs/ (README: "Old config paths")
MOVES = [
    ('dfew/hdf_x3d_s_dfew.py',
     'recognition/hdf/hdf_x3d-s-dam4_sam_8xb32-16x112-300e_dfew.py'),
    ('dfew/hdf_x3d_s_dfew_fold1.py',
     'recognition/hdf/hdf_x3d-s-dam4_sam_8xb32-16x112-300e_dfew-fold1.py'),
    ('dfew/hdf_x3d_s_dfew_fold2.py',
     'recognition/hdf/hdf_x3d-s-dam4_sam_8xb32-16x112-300e_dfew-fold2.py'),
    ('dfew/hdf_x3d_s_dfew_fold3.py',
     'recognition/hdf/hdf_x3d-s-dam4_sam_8xb32-16x112-300e_dfew-fold3.py'),
    ('dfew/hdf_x3d_s_dfew_fold4.py',
     'recognition/hdf/hdf_x3d-s-dam4_sam_8xb32-16x112-300e_dfew-fold4.py'),
    ('dfew/hdf_x3d_s_dfew_fold5.py',
     'recognition/hdf/hdf_x3d-s-dam4_sam_8xb32-16x112-300e_dfew-fold5.py'),
    ('ferv39k/hdf_x3d_s_ferv39k.py',
     'recognition/hdf/hdf_x3d-s-dam4_sam_8xb32-16x112-300e_ferv39k.py'),
    ('mafw/hdf_x3d_s_mafw.py',
     'recognition/hdf/hdf_x3d-s-dam4_sam_8xb32-16x112-300e_mafw.py'),
    ('mafw/hdf_x3d_s_mafw_fold1.py',
     'recognition/hdf/hdf_x3d-s-dam4_sam_8xb32-16x112-300e_mafw-fold1.py'),
    ('mafw/hdf_x3d_s_mafw_fold2.py',
     'recognition/hdf/hdf_x3d-s-dam4_sam_8xb32-16x112-300e_mafw-fold2.py'),
    ('mafw/hdf_x3d_s_mafw_fold3.py',
     'recognition/hdf/hdf_x3d-s-dam4_sam_8xb32-16x112-300e_mafw-fold3.py'),
    ('mafw/hdf_x3d_s_mafw_fold4.py',
     'recognition/hdf/hdf_x3d-s-dam4_sam_8xb32-16x112-300e_mafw-fold4.py'),
    ('mafw/hdf_x3d_s_mafw_fold5.py',
     'recognition/hdf/hdf_x3d-s-dam4_sam_8xb32-16x112-300e_mafw-fold5.py'),
    ('hdf/hdf_r3d18-w16_sam_8x64_syndfer-h_cpu.py',
     'recognition/hdf/hdf_r3d18-w16-dam4_sam_1xb16-8x64-6e_syndfer-h-cpu.py'),
    ('hdf/hdf_r3d18-w16_sam_8x64_syndfer-h_cpu_v1.py',
     'recognition/hdf/hdf_r3d18-w16-dam4_sam_1xb16-8x64-6e_syndfer-h-cpu-v1.py'),
    ('dfew/x3d_s_baseline_dfew.py',
     'recognition/baselines/x3d_s_8xb32-16x112-300e_dfew.py'),
    ('dfew/x3d_s_baseline_dfew_fold1.py',
     'recognition/baselines/x3d_s_8xb32-16x112-300e_dfew-fold1.py'),
    ('dfew/x3d_s_baseline_dfew_fold2.py',
     'recognition/baselines/x3d_s_8xb32-16x112-300e_dfew-fold2.py'),
    ('dfew/x3d_s_baseline_dfew_fold3.py',
     'recognition/baselines/x3d_s_8xb32-16x112-300e_dfew-fold3.py'),
    ('dfew/x3d_s_baseline_dfew_fold4.py',
     'recognition/baselines/x3d_s_8xb32-16x112-300e_dfew-fold4.py'),
    ('dfew/x3d_s_baseline_dfew_fold5.py',
     'recognition/baselines/x3d_s_8xb32-16x112-300e_dfew-fold5.py'),
    ('ferv39k/x3d_s_baseline_ferv39k.py',
     'recognition/baselines/x3d_s_8xb32-16x112-300e_ferv39k.py'),
    ('mafw/x3d_s_baseline_mafw.py',
     'recognition/baselines/x3d_s_8xb32-16x112-300e_mafw.py'),
    ('mafw/x3d_s_baseline_mafw_fold1.py',
     'recognition/baselines/x3d_s_8xb32-16x112-300e_mafw-fold1.py'),
    ('mafw/x3d_s_baseline_mafw_fold2.py',
     'recognition/baselines/x3d_s_8xb32-16x112-300e_mafw-fold2.py'),
    ('mafw/x3d_s_baseline_mafw_fold3.py',
     'recognition/baselines/x3d_s_8xb32-16x112-300e_mafw-fold3.py'),
    ('mafw/x3d_s_baseline_mafw_fold4.py',
     'recognition/baselines/x3d_s_8xb32-16x112-300e_mafw-fold4.py'),
    ('mafw/x3d_s_baseline_mafw_fold5.py',
     'recognition/baselines/x3d_s_8xb32-16x112-300e_mafw-fold5.py'),
    ('baseline/x3d_s_8xb8-16x112-30e_video.py',
     'recognition/baselines/x3d_s_8xb8-16x112-30e_video.py'),
    ('baseline/r3d18-w16_8xb8-16x64-30e_video.py',
     'recognition/baselines/r3d18-w16_8xb8-16x64-30e_video.py'),
    ('baseline/r3d18-w16_8x64_syndfer-h_cpu.py',
     'recognition/baselines/r3d18-w16_1xb16-8x64-6e_syndfer-h-cpu.py'),
    ('ablation/r3d18-w16_sam_8x64_syndfer-h_cpu.py',
     'ablation/r3d18-w16_sam_1xb16-8x64-6e_syndfer-h-cpu.py'),
    ('ablation/r3d18-w16_dam_8x64_syndfer-h_cpu.py',
     'ablation/r3d18-w16-dam4_1xb16-8x64-6e_syndfer-h-cpu.py'),
    ('ablation/r3d18-w16_dsm_8x64_syndfer-h_cpu.py',
     'ablation/r3d18-w16_dsm_1xb16-8x64-6e_syndfer-h-cpu.py'),
    ('ablation/r3d18-w16_dam-dsm_8x64_syndfer-h_cpu.py',
     'ablation/r3d18-w16-dam4_dsm_1xb16-8x64-6e_syndfer-h-cpu.py'),
]
IDS = [old for old, _ in MOVES]

# {model}_[{technique}_]{N}xb{B}-{clip}x{size}-{E}e_{dataset}[-...]
NAME = re.compile(
    r'^[a-z0-9-]+(_[a-z0-9-]+)*_\d+xb\d+-\d+x\d+-\d+e_[a-z0-9]+(-[a-z0-9]+)*'
    r'\.py$')


def _cfg(rel: str) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        return Config.fromfile(osp.join(CONFIGS, rel)).to_dict()


def _assignments(path: str) -> dict:
    """Top-level ``name = <literal>`` assignments of a config file."""
    tree = ast.parse(open(path).read())
    out = {}
    for node in tree.body:
        assert isinstance(node, ast.Assign), \
            f'{path}: line {node.lineno} is not a plain assignment'
        (target, ) = node.targets
        value = node.value
        if isinstance(value, ast.Call) and getattr(value.func, 'id', '') \
                == 'dict' and not value.args:  # dict(key=<literal>, ...)
            out[target.id] = {k.arg: ast.literal_eval(k.value)
                              for k in value.keywords}
        else:
            out[target.id] = ast.literal_eval(value)
    return out


def _base_of(path: str) -> list:
    """The ``_base_`` list of a config file."""
    for node in ast.parse(open(path).read()).body:
        if isinstance(node, ast.Assign) and node.targets[0].id == '_base_':
            return ast.literal_eval(node.value)
    return []


@pytest.mark.parametrize('old,new', MOVES, ids=IDS)
def test_old_path_is_a_thin_alias_of_the_new_file(old, new):
    assigned = _assignments(osp.join(CONFIGS, old))
    assert set(assigned) == {'_base_', '_deprecation_'}, \
        f'{old} must only inherit {new} (no overrides)'
    (base, ) = assigned['_base_']
    assert osp.normpath(osp.join(osp.dirname(old), base)) == new
    assert assigned['_deprecation_']['expected'] == f'configs/{new}'


@pytest.mark.parametrize('old,new', MOVES, ids=IDS)
def test_alias_resolves_to_the_same_config(old, new):
    assert _cfg(old) == _cfg(new)


def test_alias_warns_with_the_new_path():
    old, new = MOVES[0]
    with pytest.warns(DeprecationWarning, match=re.escape(new)):
        Config.fromfile(osp.join(CONFIGS, old))


def test_every_alias_is_documented():
    text = open(README).read()
    for old, new in MOVES:
        assert f'configs/{old}' in text, f'{old} missing from {README}'
        assert osp.basename(new) in text, f'{new} missing from {README}'


def test_every_recipe_lives_in_the_new_layout():
    """A config outside _base_ is a new-layout recipe or a listed alias."""
    olds = {old for old, _ in MOVES}
    found = []
    for path in glob.glob(osp.join(CONFIGS, '**', '*.py'), recursive=True):
        rel = osp.relpath(path, CONFIGS)
        if rel.startswith('_base_') or rel in olds:
            continue
        found.append(rel)
        assert rel.split(osp.sep)[0] in ('recognition', 'ablation'), rel
        assert NAME.match(osp.basename(rel)), \
            f'{rel}: not {{model}}_{{NxB}}-{{clip}}-{{epochs}}_{{dataset}}'
    # recipes added after the move (no old path, hence no alias)
    added = ['recognition/hdf/hdf_r3d18-w16-dam4_1xb16-8x64-6e_syndfer-h-cpu.py',
             'recognition/hdf/'
             'hdf_r3d18-w16-dam4_sam_1xb16-8x64-6e_syndfer-h-cpu-v2.py']
    assert sorted(found) == sorted([new for _, new in MOVES] + added)


def test_dfer_dataset_bases_share_one_parent():
    base = 'configs/_base_/datasets/'
    cfgs = {}
    for name in ('dfew', 'ferv39k', 'mafw'):
        src = open(osp.join(ROOT, base, f'{name}.py')).read()
        assert "_base_ = './dfer_frames.py'" in src
        assert 'DFERUniformSample' not in src, 'pipelines live in the parent'
        cfgs[name] = _cfg(osp.join('_base_', 'datasets', f'{name}.py'))
    dfew, ferv, mafw = cfgs['dfew'], cfgs['ferv39k'], cfgs['mafw']
    assert dfew['train_pipeline'] == mafw['train_pipeline']
    assert dfew['val_pipeline'] == mafw['val_pipeline']
    # FERV39k: the same pipelines, packing the scene for per-scene UAR
    pack = dict(dfew['train_pipeline'][-1], algorithm_keys=('scene', ))
    assert ferv['train_pipeline'] == dfew['train_pipeline'][:-1] + [pack]
    assert ferv['test_dataloader']['dataset']['pipeline'][-1] == pack
    assert ferv['val_evaluator']['group_key'] == 'scene'
    # dataset settings stay per dataset
    assert [c['test_dataloader']['dataset']['type'] for c in cfgs.values()] \
        == ['DFEWDataset', 'FERV39kDataset', 'MAFWDataset']
    assert 'fold' not in ferv['train_dataloader']['dataset']
    assert 'label_order' not in dfew['train_dataloader']['dataset']
    assert mafw['val_dataloader']['dataset']['label_order'] == 'mafw'
    for c in cfgs.values():
        assert c['val_dataloader']['dataset']['val_carve'] == dict(
            ratio=0.1, seed=0, subset='val')
        assert 'val_carve' not in c['test_dataloader']['dataset']


DAM_RECIPES = [new for _, new in MOVES if '-dam4' in new]


@pytest.mark.parametrize('rel', DAM_RECIPES)
def test_dam_num_frames_is_the_clip_len(rel):
    cfg = _cfg(rel)
    num_frames = cfg['model']['backbone']['num_frames']
    assert num_frames == cfg['clip_len']
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        sample = cfg[loader]['dataset']['pipeline'][0]
        assert sample['clip_len'] == num_frames, (rel, loader)
    # one variable: the recipe (or the recipe it inherits) derives it
    chain = [rel]
    src = open(osp.join(CONFIGS, rel)).read()
    while 'num_frames' not in src:
        (base, ) = _base_of(osp.join(CONFIGS, chain[-1]))
        chain.append(osp.normpath(osp.join(osp.dirname(chain[-1]), base)))
        src = open(osp.join(CONFIGS, chain[-1])).read()
    assert 'num_frames=_base_.clip_len' in src, chain[-1]
    assert not re.search(r'num_frames=\d', src), chain[-1]
