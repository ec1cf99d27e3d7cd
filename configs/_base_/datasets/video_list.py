# Generic video-file dataset (mmaction2 VideoDataset, `path label` lists),
# decoded with decord. 16 uniform segments, 112x112 crops (the paper's input).
# Point it at your data with --cfg-options, e.g.
#   train_dataloader.dataset.ann_file=data/my/train.txt
#   train_dataloader.dataset.data_prefix.video=data/my/videos
dataset_type = 'VideoDataset'
data_root = 'data/videos'
ann_file_train = 'data/videos/train.txt'
ann_file_val = 'data/videos/val.txt'
ann_file_test = 'data/videos/test.txt'

train_pipeline = [
    dict(type='SafeDecordInit'),
    dict(type='UniformSample', clip_len=16, num_clips=1),
    dict(type='SafeDecordDecode'),
    dict(type='Resize', scale=(-1, 128)),
    dict(type='RandomResizedCrop', area_range=(0.5, 1.0)),
    dict(type='Resize', scale=(112, 112), keep_ratio=False),
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
    dict(type='Resize', scale=(-1, 128)),
    dict(type='CenterCrop', crop_size=112),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs',
         meta_keys=('img_shape', 'img_key', 'video_id', 'timestamp',
                    'filename'))
]
test_pipeline = val_pipeline

train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_train,
        data_prefix=dict(video=data_root),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_val,
        data_prefix=dict(video=data_root),
        pipeline=val_pipeline,
        test_mode=True))
test_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_test,
        data_prefix=dict(video=data_root),
        pipeline=test_pipeline,
        test_mode=True))

# dfer/WAR (top-1 accuracy) and dfer/UAR (mean per-class recall), in %,
# plus per-class recall and the confusion matrix (JSON + PNG in the log dir).
val_evaluator = dict(type='DFERMetric', tag='val')
test_evaluator = dict(type='DFERMetric', tag='test')
