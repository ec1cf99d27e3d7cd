# DAM as a neck only: plain X3D-S, one DAM on its final map (432 x 16 x 4 x 4
# at 16x112x112), before the head. T = 16 (X3D keeps T).
_base_ = './x3d_s.py'


model = dict(
    neck=dict(
        type='DAMNeck',
        num_frames=16,  # = clip_len for X3D
        dam_cfg=dict(diff_axis='time', freq_select='all')))
