# Baseline without HDF at the main job's budget: R3D-18 width 16, 16x64^2,
# plain cross-entropy (label smoothing 0.1) with AdamW, on SynDFER-H.
_base_ = [
    '../_base_/models/r3d18.py', '../_base_/datasets/syndfer_h.py',
    '../_base_/schedules/adamw_cosine.py', '../_base_/default_runtime.py'
]

model = dict(
    backbone=dict(base_channels=16),
    cls_head=dict(in_channels=128, label_smooth_eps=0.1))

max_epochs, warmup_epochs = 4, 1
train_cfg = dict(max_epochs=max_epochs, val_begin=1, val_interval=1)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0,
         end=warmup_epochs, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', eta_min=1e-5, by_epoch=True,
         begin=warmup_epochs, end=max_epochs, convert_to_iter_based=True)
]
optim_wrapper = dict(optimizer=dict(lr=2e-3))

default_hooks = dict(logger=dict(interval=20))
