# Shared base of the DFER frame datasets (DFEW, FERV39k, MAFW): the HDF
# recipe's 16 x 112^2 pipelines, the data loaders and the honest protocol.
# dfew.py, ferv39k.py and mafw.py inherit it and add their dataset type
# (DFEWDataset here only as the default of the DFEW layout), data root,
# frames variant, fold / label order (and, for FERV39k, the per-scene keys).
# Use those three, not this file.
#
# Protocol (honest by default):
#   * train  = the training split minus a stratified 10% validation carve;
#   * val    = that carve, selects the checkpoint (save_best='dfer/UAR');
#   * test   = the official test split, evaluated once with the selected
#              checkpoint (and once with the last one, reported separately).
#
# clip_len is the one source of the clip length: the sampling transforms use
# it here, and the HDF recipes set DAM's num_frames from it
# (num_frames=_base_.clip_len); mmhdf's config check refuses a run where the
# two differ. A recipe that changes the clip length must restate the
# pipelines (mmengine evaluates this file before the recipe).
# CPU / no worker processes: *.num_workers=0 *.persistent_workers=False
dataset_type = 'DFEWDataset'  # the children set their own
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
        split='train',
        val_carve=dict(val_carve, subset='train'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=persistent_workers,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        split='train',
        val_carve=dict(val_carve, subset='val'),
        pipeline=val_pipeline,
        test_mode=True))
test_dataloader = dict(
    batch_size=batch_size,
    num_workers=num_workers,
    persistent_workers=persistent_workers,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type, split='test', pipeline=test_pipeline,
        test_mode=True))

# WAR / UAR / per-class recall (percent) + confusion matrix JSON/PNG in the
# run's log dir. Select checkpoints with save_best='dfer/UAR'.
val_evaluator = dict(type='DFERMetric', tag='val')
test_evaluator = dict(type='DFERMetric', tag='test')
