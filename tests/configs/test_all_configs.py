"""Every runnable config (recipes and the deprecated aliases of old paths)
parses, imports mmhdf, passes mmhdf's clip-length check and builds its
model."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmhdf.utils.config_checks import check_clip_len

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(
    p for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                         recursive=True)
    if '_base_' not in p)


def test_configs_were_found():
    rel = [osp.relpath(p, ROOT) for p in CONFIGS]
    assert len(rel) >= 70  # 35 recipes + 35 aliases of their old paths
    for folder in ('configs/recognition/hdf/', 'configs/recognition/'
                   'baselines/', 'configs/ablation/'):
        assert any(r.startswith(folder) for r in rel), folder


@pytest.mark.parametrize('path', CONFIGS,
                         ids=[osp.relpath(p, ROOT) for p in CONFIGS])
def test_config_builds(path):
    cfg = Config.fromfile(path)
    # mmaction2's own tools need custom_imports to find mmhdf, and
    # mmhdf.compat.enable for weights-only loading (mmhdf.compat.apply)
    assert cfg.custom_imports['imports'] == ['mmhdf', 'mmhdf.compat.enable']
    assert cfg.default_hooks.compat.type == 'MMHDFCompatHook'
    assert cfg.default_hooks.plain_checkpoint.type == 'PlainCheckpointHook'
    check_clip_len(cfg, path)  # DAM's num_frames == the pipelines' clip_len
    init_default_scope('mmaction')
    from mmaction.registry import MODELS
    model = MODELS.build(cfg.model)
    assert sum(p.numel() for p in model.parameters()) > 0
    # DFER configs select checkpoints on validation UAR, never on test.
    assert cfg.default_hooks.checkpoint.save_best == 'dfer/UAR'
