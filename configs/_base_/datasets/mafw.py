# MAFW single-label (11 classes) frames (data/<frames_variant>/<NNNNN>/),
# 5-fold, 16 x 112^2: dfer_frames.py (pipelines, loaders, protocol) + MAFW's
# dataset settings. Recipes set the head to 11 classes.
#
# Fold: thin per-fold recipes (configs/recognition/{hdf,baselines}/
#   ..._mafw-fold{1..5}.py) or
#   --cfg-options {train,val,test}_dataloader.dataset.fold=K
# Data: data/MAFW (frames in data/MAFW/data/frames/, or set
#   frames_variant='faces' for DFER-CLIP's data/faces/).
_base_ = './dfer_frames.py'

dataset_type = 'MAFWDataset'
data_root = 'data/MAFW'
fold = 1
frames_variant = 'frames'
label_order = 'mafw'  # = 'mae_dfer'; 'dfer_clip', 'alphabetical' (S2D)

__dataset = dict(
    type=dataset_type, data_root=data_root, fold=fold,
    frames_variant=frames_variant, label_order=label_order)
train_dataloader = dict(dataset=__dataset)
val_dataloader = dict(dataset=__dataset)
test_dataloader = dict(dataset=__dataset)
