# The main job's recipe (mmhdf 0.3): HDF's two modules — a DAM after each
# of the 4 stages and DSM (DRO supervised contrastive + information
# bottleneck, gradient-driven scaling) — on R3D-18 at width 16 (base
# channels 16), 8 frames at 64x64, on SynDFER-H, trained with AdamW (lr
# 1e-3, 1 warm-up epoch, cosine, 6 epochs), sized for 2 CPU cores.
#
# Without SAM, at this CPU budget. The paper trains with SAM; here it
# measured worse, so it is off (the SAM recipe is
# hdf_r3d18-w16-dam4_sam_1xb16-8x64-6e_syndfer-h-cpu.py, same schedule):
# * ablation v2 (lr 2e-3, 5 seeds, EPYC): SAM on top of DAM+DSM -4.8 [-8.9,
#   -0.7] in-domain UAR (95 % t-interval);
# * numerics check (lr 1e-3, Xeon, seed 0): best val UAR 64.0 with SAM vs
#   66.6 without, shifted test UAR 34.8 vs 56.0;
# * a SAM step costs two forward/backward passes: 352 s vs 210 s of
#   training (Xeon, 2 threads), which keeps the main job within 10 minutes
#   on an AVX2-only CPU as well.
# The paper's GPU recipe (X3D-S, 16x112^2, SAM) is
# hdf_x3d-s-dam4_sam_8xb32-16x112-300e_dfew.py in this folder.
_base_ = [
    '../../_base_/models/r3d18_dam.py', '../../_base_/datasets/syndfer_h.py',
    '../../_base_/schedules/syndfer_cpu.py',
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

default_hooks = dict(logger=dict(interval=20))
