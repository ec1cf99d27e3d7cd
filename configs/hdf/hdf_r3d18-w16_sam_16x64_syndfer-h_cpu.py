# The main job's recipe: full HDF (DAM after each of the 4 stages + DSM with
# gradient-driven scaling + SAM around AdamW) sized for 2 CPU cores:
# R3D-18 at width 16 (base_channels=16), 16 frames at 64x64, on SynDFER-H.
# The paper's GPU recipe is configs/dfew/hdf_x3d_s_dfew.py (X3D-S, 16x112^2).
_base_ = [
    '../_base_/models/r3d18_dam.py', '../_base_/datasets/syndfer_h.py',
    '../_base_/schedules/adamw_sam_cosine.py',
    '../_base_/default_runtime.py', '../_base_/hdf_dsm.py'
]

model = dict(
    backbone=dict(base_channels=16, num_frames=16),
    cls_head=dict(type='HDFHead', in_channels=128, **_base_.dsm_head))

max_epochs, warmup_epochs = 4, 1
train_cfg = dict(max_epochs=max_epochs, val_begin=1, val_interval=1)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0,
         end=warmup_epochs, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', eta_min=1e-5, by_epoch=True,
         begin=warmup_epochs, end=max_epochs, convert_to_iter_based=True)
]
# A small batch on CPU: a larger learning rate than the paper's 5e-4 @ 256.
optim_wrapper = dict(optimizer=dict(lr=2e-3))

default_hooks = dict(logger=dict(interval=20))
