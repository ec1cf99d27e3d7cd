# Baseline without HDF: X3D-S on a video-list dataset, 16x112x112, AdamW.
_base_ = [
    '../../_base_/models/x3d_s.py', '../../_base_/datasets/video_list.py',
    '../../_base_/default_runtime.py'
]

train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=30, val_begin=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=5e-4, betas=(0.9, 0.999), eps=1e-8,
                   weight_decay=0.05),
    clip_grad=dict(max_norm=40, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=28, eta_min=5e-6, by_epoch=True,
         begin=2, end=30, convert_to_iter_based=True)
]
auto_scale_lr = dict(enable=False, base_batch_size=64)
