"""Subprocess runs of the train / test tools on tiny local videos."""
import os
import os.path as osp
import subprocess
import sys

import mmaction

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
R3D_CFG = osp.join(ROOT, ('configs/recognition/baselines/'
                               'r3d18-w16_8xb8-16x64-30e_video.py'))
X3D_CFG = osp.join(ROOT, ('configs/recognition/baselines/'
                               'x3d_s_8xb8-16x112-30e_video.py'))
STOCK_TOOLS = osp.join(osp.dirname(mmaction.__file__), '.mim', 'tools')


def data_opts(ann: str, root: str, clip_len: int, crop: int) -> list:
    """--cfg-options that point a baseline config at tiny local videos."""
    opts = ['train_cfg.max_epochs=2']
    for split in ('train', 'val', 'test'):
        p = f'{split}_dataloader'
        opts += [f'{p}.dataset.ann_file={ann}',
                 f'{p}.dataset.data_prefix.video={root}',
                 f'{p}.num_workers=0', f'{p}.persistent_workers=False',
                 f'{p}.batch_size=4', f'{p}.dataset.pipeline.1.clip_len='
                 f'{clip_len}']
    opts += [f'train_dataloader.dataset.pipeline.3.scale=(-1,{crop + 4})',
             f'train_dataloader.dataset.pipeline.5.scale=({crop},{crop})']
    for split in ('val', 'test'):
        opts += [f'{split}_dataloader.dataset.pipeline.3.scale=(-1,{crop})',
                 f'{split}_dataloader.dataset.pipeline.4.crop_size={crop}']
    return opts


def run(args: list, cwd: str = ROOT) -> subprocess.CompletedProcess:
    """Run ``python ARGS`` with the repository on ``PYTHONPATH``."""
    env = dict(os.environ, PYTHONPATH=ROOT, OMP_NUM_THREADS='2')
    return subprocess.run([sys.executable] + args, capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=600)
