# HDF recipe on MAFW (11 classes): X3D-S + DAM after each stage
# (x3d_s_dam.py), DSM objective (hdf_dsm.py), SAM around AdamW
# (adamw_sam_cosine.py), 16 x 112^2 frames, fold 1 by default
# (the ..._mafw-fold{1..5}.py children change only `fold`). HDF itself reports
# DFEW and FERV39k only; MAFW results are an extension.
_base_ = [
    '../../_base_/models/x3d_s_dam.py', '../../_base_/datasets/mafw.py',
    '../../_base_/schedules/adamw_sam_cosine.py',
    '../../_base_/default_runtime.py', '../../_base_/hdf_dsm.py'
]

# One clip length: DAM's num_frames (the T every DAM is built for) is the
# dataset base's clip_len (mmhdf's config check refuses a mismatch).
model = dict(
    backbone=dict(num_frames=_base_.clip_len),
    cls_head=dict(type='HDFX3DHead', num_classes=11, **_base_.dsm_head))

default_hooks = dict(
    checkpoint=dict(save_best='dfer/UAR', rule='greater', max_keep_ckpts=1,
                    save_last=True))
