# DFEW frames (Clip/<frames_variant>/<id>/), 5-fold, 16 x 112^2 (HDF recipe):
# dfer_frames.py (pipelines, loaders, protocol) + DFEW's dataset settings.
#
# Fold: use the thin per-fold recipes (configs/recognition/{hdf,baselines}/
# ..._dfew-fold{1..5}.py) or --cfg-options train_dataloader.dataset.fold=K
#   val_dataloader.dataset.fold=K test_dataloader.dataset.fold=K
# Data: put (or symlink) the DFEW release at data/DFEW, or override
#   {train,val,test}_dataloader.dataset.data_root.
_base_ = './dfer_frames.py'

dataset_type = 'DFEWDataset'
data_root = 'data/DFEW'
fold = 1
frames_variant = 'clip_224x224'  # or 'clip_224x224_16f'; printed in tables

__dataset = dict(
    type=dataset_type, data_root=data_root, fold=fold,
    frames_variant=frames_variant)
train_dataloader = dict(dataset=__dataset)
val_dataloader = dict(dataset=__dataset)
test_dataloader = dict(dataset=__dataset)
