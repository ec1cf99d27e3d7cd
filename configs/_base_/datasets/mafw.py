# MAFW single-label (11 classes) frames (data/<frames_variant>/<NNNNN>/),
# 5-fold, 16 x 112^2.
#
# Protocol (honest by default): train = training fold minus a stratified
# 10% validation carve; val = that carve (selects the checkpoint by
# dfer/UAR); test = the fold's test file, evaluated once with the selected
# checkpoint (and once with the last one).
# Fold: thin per-fold configs (configs/mafw/*_fold{1..5}.py) or
#   --cfg-options {train,val,test}_dataloader.dataset.fold=K
# Data: data/MAFW (frames in data/MAFW/data/frames/, or set
#   frames_variant='faces' for DFER-CLIP's data/faces/).
# CPU / no worker processes: *.num_workers=0 *.persistent_workers=False
dataset_type = 'MAFWDataset'
data_root = 'data/MAFW'
fold = 1
frames_variant = 'frames'
label_order = 'mafw'  # = 'mae_dfer'; 'dfer_clip', 'alphabetical' (S2D)
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
    dict(type='PackActionInputs',
         meta_keys=('img_shape', 'img_key', 'video_id', 'timestamp',
                    'clip_id'))
]
val_pipeline = [
    dict(type='DFERUniformSample', clip_len=clip_len, test_mode=True),
    dict(type='DFERFrameDecode'),
    dict(type='Resize', scale=(input_size, input_size), keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs',
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
        fold=fold,
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
        fold=fold,
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
        fold=fold,
        split='test',
        frames_variant=frames_variant,
        label_order=label_order,
        pipeline=test_pipeline,
        test_mode=True))

val_evaluator = dict(type='DFERMetric', tag='val')
test_evaluator = dict(type='DFERMetric', tag='test')
