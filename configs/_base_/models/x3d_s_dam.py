# HDF's placement: X3D-S with a DAM after each of the 4 stages, for 16-frame
# clips (the paper's 16x112x112). X3D keeps T, so every DAM has T = 16.
# The backbone dict is merged with x3d_s.py's (X3DDAM takes every X3D
# argument), so gamma_w/b/d stay X3D-S.
_base_ = './x3d_s.py'


model = dict(
    backbone=dict(
        type='X3DDAM',
        num_frames=16,  # must equal the pipeline's clip_len
        dam_stages=(0, 1, 2, 3),
        dam_cfg=dict(diff_axis='time', freq_select='all')))
