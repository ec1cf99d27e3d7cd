# Ablation "+DAM": the baseline with a DAM after each of the 4 stages;
# cross-entropy (label smoothing 0.1), AdamW, same budget.
_base_ = [
    '../_base_/models/r3d18_dam.py', '../_base_/datasets/syndfer_h.py',
    '../_base_/schedules/syndfer_cpu.py', '../_base_/default_runtime.py'
]

model = dict(
    backbone=dict(base_channels=16, num_frames=16),
    cls_head=dict(in_channels=128, label_smooth_eps=0.1))

default_hooks = dict(logger=dict(interval=20))
