# The main job's recipe: full HDF (DAM after each of the 4 stages + DSM with
# gradient-driven scaling + SAM around AdamW) sized for 2 CPU cores:
# R3D-18 at width 16 (base_channels=16), 8 frames at 64x64, on SynDFER-H.
# The paper's GPU recipe (X3D-S, 16x112^2) is
# hdf_x3d-s-dam4_sam_8xb32-16x112-300e_dfew.py in this folder.
_base_ = [
    '../../_base_/models/r3d18_dam.py', '../../_base_/datasets/syndfer_h.py',
    '../../_base_/schedules/syndfer_cpu_sam.py',
    '../../_base_/default_runtime.py', '../../_base_/hdf_dsm.py'
]

model = dict(
    # freq_select='low': the 10 lowest DCT frequencies (u + v <= 3). With
    # all 49 on these small maps (32^2 down to 4^2) DAM held the model near
    # the class prior: val UAR after 3 epochs 20.8 % (all) vs 55.4 % (low)
    # vs 42.9 % without DAM (SynDFER-H, seed 0). The paper's X3D recipe at
    # 112^2 keeps all 49.
    # num_frames: one clip length, the dataset base's clip_len (8).
    backbone=dict(
        base_channels=16, num_frames=_base_.clip_len,
        dam_cfg=dict(freq_select='low')),
    cls_head=dict(
        type='HDFHead', in_channels=128, dropout_ratio=0.2,
        **_base_.dsm_head))

# SAM radius for this small, short CPU run: rho=0.05 (the released code's
# value, kept by the paper's recipe) held it near the class prior for 3 of
# its 6 epochs (val UAR 14.3 % after epoch 3, 29.5 % after epoch 6), rho=0.01
# reached 44.2 % after epoch 3 (SynDFER-H, seed 0, measured).
optim_wrapper = dict(rho=0.01)

default_hooks = dict(logger=dict(interval=20))
