# HDF recipe, MAFW fold 5 (everything else from
# hdf_x3d-s-dam4_sam_8xb32-16x112-300e_mafw.py).
_base_ = ['./hdf_x3d-s-dam4_sam_8xb32-16x112-300e_mafw.py']
fold = 5
train_dataloader = dict(dataset=dict(fold=fold))
val_dataloader = dict(dataset=dict(fold=fold))
test_dataloader = dict(dataset=dict(fold=fold))
