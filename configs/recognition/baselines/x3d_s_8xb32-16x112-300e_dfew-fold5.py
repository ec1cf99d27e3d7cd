# X3D-S baseline, DFEW fold 5 (everything else from
# x3d_s_8xb32-16x112-300e_dfew.py).
_base_ = ['./x3d_s_8xb32-16x112-300e_dfew.py']
fold = 5
train_dataloader = dict(dataset=dict(fold=fold))
val_dataloader = dict(dataset=dict(fold=fold))
test_dataloader = dict(dataset=dict(fold=fold))
