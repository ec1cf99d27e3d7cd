# Baseline without HDF at the main job's budget: R3D-18 width 16, 8x64^2,
# cross-entropy (label smoothing 0.1) with AdamW, on SynDFER-H.
_base_ = [
    '../../_base_/models/r3d18.py', '../../_base_/datasets/syndfer_h.py',
    '../../_base_/schedules/syndfer_cpu.py', '../../_base_/default_runtime.py'
]

model = dict(
    backbone=dict(base_channels=16),
    cls_head=dict(in_channels=128, label_smooth_eps=0.1, dropout_ratio=0.2))

default_hooks = dict(logger=dict(interval=20))
