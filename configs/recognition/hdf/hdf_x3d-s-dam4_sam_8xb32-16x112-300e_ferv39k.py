# HDF recipe on FERV39k: X3D-S + DAM after each stage (x3d_s_dam.py), DSM
# objective (hdf_dsm.py), SAM around AdamW (adamw_sam_cosine.py), 16 x 112^2
# face crops. Checkpoint selected on a stratified 10% carve of train_All
# (dfer/UAR); test_All evaluated once with best_dfer_UAR_epoch_*.pth and once
# with the last epoch; per-scene UAR and dfer/worst_group_UAR reported.
_base_ = [
    '../../_base_/models/x3d_s_dam.py', '../../_base_/datasets/ferv39k.py',
    '../../_base_/schedules/adamw_sam_cosine.py',
    '../../_base_/default_runtime.py', '../../_base_/hdf_dsm.py'
]

# One clip length: DAM's num_frames (the T every DAM is built for) is the
# dataset base's clip_len (mmhdf's config check refuses a mismatch).
model = dict(
    backbone=dict(num_frames=_base_.clip_len),
    cls_head=dict(type='HDFX3DHead', **_base_.dsm_head))

default_hooks = dict(
    checkpoint=dict(save_best='dfer/UAR', rule='greater', max_keep_ckpts=1,
                    save_last=True))
