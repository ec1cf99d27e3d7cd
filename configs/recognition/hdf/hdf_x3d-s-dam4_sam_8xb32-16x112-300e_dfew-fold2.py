# HDF recipe, DFEW fold 2 (everything else from
# hdf_x3d-s-dam4_sam_8xb32-16x112-300e_dfew.py).
_base_ = ['./hdf_x3d-s-dam4_sam_8xb32-16x112-300e_dfew.py']
fold = 2
train_dataloader = dict(dataset=dict(fold=fold))
val_dataloader = dict(dataset=dict(fold=fold))
test_dataloader = dict(dataset=dict(fold=fold))
