# X3D-S baseline, MAFW fold 3 (everything else from
# x3d_s_8xb32-16x112-300e_mafw.py).
_base_ = ['./x3d_s_8xb32-16x112-300e_mafw.py']
fold = 3
train_dataloader = dict(dataset=dict(fold=fold))
val_dataloader = dict(dataset=dict(fold=fold))
test_dataloader = dict(dataset=dict(fold=fold))
