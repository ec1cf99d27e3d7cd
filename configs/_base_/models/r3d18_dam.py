# R3D-18 with a DAM after each of the 4 stages, for 16-frame clips. With
# temporal_strides (1, 2, 2, 2) the stages see T = 16, 8, 4, 2; ResNet3dDAM
# computes them from num_frames. The backbone dict is merged with r3d18.py's
# (ResNet3dDAM takes every ResNet3d argument): override base_channels (and
# cls_head.in_channels = 8 * base_channels) for the narrow CPU variant.
_base_ = './r3d18.py'


model = dict(
    backbone=dict(
        type='ResNet3dDAM',
        num_frames=16,  # must equal the pipeline's clip_len
        dam_stages=(0, 1, 2, 3),
        dam_cfg=dict(diff_axis='time', freq_select='all')))
