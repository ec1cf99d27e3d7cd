# CPU-sized baseline without HDF: R3D-18 at width 16 (base_channels=16) on a
# video-list dataset, 16x64x64, AdamW. ~40 clips/s fwd+bwd on 2 CPU cores.
_base_ = [
    '../../_base_/models/r3d18.py', '../../_base_/datasets/video_list.py',
    '../../_base_/default_runtime.py'
]

model = dict(
    backbone=dict(base_channels=16), cls_head=dict(in_channels=128))

train_pipeline = [
    dict(type='SafeDecordInit'),
    dict(type='UniformSample', clip_len=16, num_clips=1),
    dict(type='SafeDecordDecode'),
    dict(type='Resize', scale=(-1, 72)),
    dict(type='RandomResizedCrop', area_range=(0.5, 1.0)),
    dict(type='Resize', scale=(64, 64), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs',
         meta_keys=('img_shape', 'img_key', 'video_id', 'timestamp',
                    'filename'))
]
val_pipeline = [
    dict(type='SafeDecordInit'),
    dict(type='UniformSample', clip_len=16, num_clips=1, test_mode=True),
    dict(type='SafeDecordDecode'),
    dict(type='Resize', scale=(-1, 72)),
    dict(type='CenterCrop', crop_size=64),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs',
         meta_keys=('img_shape', 'img_key', 'video_id', 'timestamp',
                    'filename'))
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=val_pipeline))

train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=30, val_begin=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                   weight_decay=0.05),
    clip_grad=dict(max_norm=40, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=29, eta_min=1e-5, by_epoch=True,
         begin=1, end=30, convert_to_iter_based=True)
]
