# DAM as a neck only: plain R3D-18, one DAM on its final map. The temporal
# strides (1, 2, 2, 2) reduce 16 input frames to T = 2 (clip_len / 8).
_base_ = './r3d18.py'


model = dict(
    neck=dict(
        type='DAMNeck',
        num_frames=2,  # = clip_len // 8 for temporal_strides (1, 2, 2, 2)
        dam_cfg=dict(diff_axis='time', freq_select='all')))
