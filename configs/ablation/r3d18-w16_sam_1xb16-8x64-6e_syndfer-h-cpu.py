# Ablation "+SAM": the baseline (R3D-18 width 16, CE with label smoothing
# 0.1, AdamW) trained with SAM around AdamW, at the same rho as full HDF
# (0.01) and the same budget in epochs. Isolates SAM's share of HDF's gain.
_base_ = [
    '../_base_/models/r3d18.py', '../_base_/datasets/syndfer_h.py',
    '../_base_/schedules/syndfer_cpu_sam.py', '../_base_/default_runtime.py'
]

model = dict(
    backbone=dict(base_channels=16),
    cls_head=dict(in_channels=128, label_smooth_eps=0.1, dropout_ratio=0.2))

optim_wrapper = dict(rho=0.01)  # as in the HDF CPU recipe

default_hooks = dict(logger=dict(interval=20))
