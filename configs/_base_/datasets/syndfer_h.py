# SynDFER-H, the embedded procedurally generated heterogeneous DFER benchmark
# (syndfer/, tools/data/syndfer), written in DFEW's on-disk layout and
# read by the unchanged DFEWDataset. CPU size: 8 frames at 64x64, batch 16.
# No random-resized crop: with expression cues of a few pixels at 64 px it
# kept a from-scratch R3D-18 at the class prior for 6+ epochs (measured).
#
# Splits (EmoLabel_DataSplit/<split>(single-labeled)/set_1.csv):
#   train         training clips (5 capture styles, training subjects)
#   val           held out from the same distribution; selects checkpoints
#   test          in-domain test
#   test_shifted  capture styles AND subjects never seen in train/val
# Generate it with: python tools/data/syndfer/generate.py --out data/syndfer_h
# Each split CSV carries a `domain` column (the capture style): DFERMetric
# reports per-domain and worst-domain UAR from it.
dataset_type = 'DFEWDataset'
data_root = 'data/syndfer_h'
frames_variant = 'clip_224x224'
clip_len = 8
input_size = 64
batch_size = 16
num_workers = 0
persistent_workers = False

common = dict(
    type=dataset_type, data_root=data_root, fold=1,
    frames_variant=frames_variant)

train_pipeline = [
    dict(type='DFERUniformSample', clip_len=clip_len, test_mode=False),
    dict(type='DFERFrameDecode'),
    dict(type='Resize', scale=(input_size, input_size), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', algorithm_keys=('domain', ),
         meta_keys=('img_shape', 'img_key', 'video_id', 'timestamp',
                    'clip_id'))
]
val_pipeline = [
    dict(type='DFERUniformSample', clip_len=clip_len, test_mode=True),
    dict(type='DFERFrameDecode'),
    dict(type='Resize', scale=(input_size, input_size), keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', algorithm_keys=('domain', ),
         meta_keys=('img_shape', 'img_key', 'video_id', 'timestamp',
                    'clip_id'))
]
test_pipeline = val_pipeline

train_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=persistent_workers,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(**common, split='train', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=persistent_workers,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        **common, split='val', pipeline=val_pipeline, test_mode=True))
test_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=persistent_workers,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        **common, split='test', pipeline=test_pipeline, test_mode=True))

val_evaluator = dict(type='DFERMetric', tag='val', group_key='domain')
test_evaluator = dict(type='DFERMetric', tag='test', group_key='domain')
