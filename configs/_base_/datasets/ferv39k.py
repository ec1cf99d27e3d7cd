# FERV39k face crops (2_ClipsforFaceCrop/<Scene>/<Emotion>/<NNNN>/), single
# official split (train_All / test_All), 16 x 112^2: dfer_frames.py
# (pipelines, loaders, protocol) + FERV39k's dataset settings, with the scene
# packed into each sample for per-scene and worst-scene UAR
# (dfer/worst_group_UAR).
#
# Data: data/FERV39k (the doubled 2_ClipsforFaceCrop/2_ClipsforFaceCrop/
# nesting of some downloads is detected), or override
#   {train,val,test}_dataloader.dataset.data_root.
_base_ = './dfer_frames.py'

dataset_type = 'FERV39kDataset'
data_root = 'data/FERV39k'
frames_variant = '2_ClipsforFaceCrop'
label_order = 'dfew'  # 'alphabetical' for S2D/S4D heads

# dfer_frames.py's pipelines, packing the sample's scene as well.
__pack = dict(_base_.val_pipeline[-1], algorithm_keys=('scene', ))
train_pipeline = [*_base_.train_pipeline[:-1], __pack]
val_pipeline = [*_base_.val_pipeline[:-1], __pack]
test_pipeline = val_pipeline

__dataset = dict(
    type=dataset_type, data_root=data_root,
    frames_variant=frames_variant, label_order=label_order)
train_dataloader = dict(dataset=dict(__dataset, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(__dataset, pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(__dataset, pipeline=test_pipeline))

val_evaluator = dict(group_key='scene')
test_evaluator = dict(group_key='scene')
