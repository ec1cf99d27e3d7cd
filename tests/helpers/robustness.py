"""A tiny robustness set-up: the CPU baseline config at width 8."""
import os.path as osp

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

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
    """Import a tool script by path, under a name of its own."""
    return load_script(path, 'tool_' + osp.basename(path)[:-3])
