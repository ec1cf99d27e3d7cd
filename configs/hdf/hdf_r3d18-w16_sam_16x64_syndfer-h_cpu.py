# The main job's recipe: full HDF (DAM after each of the 4 stages + DSM with
# gradient-driven scaling + SAM around AdamW) sized for 2 CPU cores:
# R3D-18 at width 16 (base_channels=16), 16 frames at 64x64, on SynDFER-H.
# The paper's GPU recipe is configs/dfew/hdf_x3d_s_dfew.py (X3D-S, 16x112^2).
_base_ = [
    '../_base_/models/r3d18_dam.py', '../_base_/datasets/syndfer_h.py',
    '../_base_/schedules/syndfer_cpu_sam.py',
    '../_base_/default_runtime.py', '../_base_/hdf_dsm.py'
]

model = dict(
    backbone=dict(base_channels=16, num_frames=16),
    cls_head=dict(type='HDFHead', in_channels=128, **_base_.dsm_head))

default_hooks = dict(logger=dict(interval=20))
