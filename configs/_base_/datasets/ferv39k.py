# FERV39k face crops (2_ClipsforFaceCrop/<Scene>/<Emotion>/<NNNN>/), single
# official split, 16 x 112^2 (HDF recipe); per-scene and worst-scene UAR.
#
# Protocol (honest by default): train = train_All minus a stratified 10%
# validation carve; val = that carve (selects the checkpoint by dfer/UAR);
# test = test_All, evaluated once with the selected checkpoint (and once with
# the last one).
# Data: data/FERV39k (the doubled 2_ClipsforFaceCrop/2_ClipsforFaceCrop/
# nesting of some downloads is detected), or override
#   {train,val,test}_dataloader.dataset.data_root.
# CPU / no worker processes: *.num_workers=0 *.persistent_workers=False
dataset_type = 'FERV39kDataset'
data_root = 'data/FERV39k'
frames_variant = '2_ClipsforFaceCrop'
label_order = 'dfew'  # 'alphabetical' for S2D/S4D heads
clip_len = 16
input_size = 112
val_carve = dict(ratio=0.1, seed=0)
batch_size = 32
num_workers = 4
persistent_workers = num_workers > 0

train_pipeline = [
    dict(type='DFERUniformSample', clip_len=clip_len, test_mode=False),
    dict(type='DFERFrameDecode'),
    dict(type='RandomResizedCrop', area_range=(0.08, 1.0),
         aspect_ratio_range=(3 / 4, 4 / 3)),
    dict(type='Resize', scale=(input_size, input_size), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4,
         hue=0.0),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', algorithm_keys=('scene', ),
         meta_keys=('img_shape', 'img_key', 'video_id', 'timestamp',
                    'clip_id'))
]
val_pipeline = [
    dict(type='DFERUniformSample', clip_len=clip_len, test_mode=True),
    dict(type='DFERFrameDecode'),
    dict(type='Resize', scale=(input_size, input_size), keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', algorithm_keys=('scene', ),
         meta_keys=('img_shape', 'img_key', 'video_id', 'timestamp',
                    'clip_id'))
]
test_pipeline = val_pipeline

train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=persistent_workers,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='train',
        frames_variant=frames_variant,
        label_order=label_order,
        val_carve=dict(val_carve, subset='train'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=persistent_workers,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='train',
        frames_variant=frames_variant,
        label_order=label_order,
        val_carve=dict(val_carve, subset='val'),
        pipeline=val_pipeline,
        test_mode=True))
test_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=persistent_workers,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='test',
        frames_variant=frames_variant,
        label_order=label_order,
        pipeline=test_pipeline,
        test_mode=True))

# WAR / UAR / per-class recall + per-scene UAR and dfer/worst_group_UAR.
val_evaluator = dict(type='DFERMetric', tag='val', group_key='scene')
test_evaluator = dict(type='DFERMetric', tag='test', group_key='scene')
