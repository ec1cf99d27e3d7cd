# R3D-18 with a DAM after each of the 4 stages, for 16-frame clips. With
# temporal_strides (1, 2, 2, 2) the stages see T = 16, 8, 4, 2; ResNet3dDAM
# computes them from num_frames. The backbone dict is merged with r3d18.py's
# (ResNet3dDAM takes every ResNet3d argument): override base_channels (and
# cls_head.in_channels = 8 * base_channels) for the narrow CPU variant.
#
# fusion_norm='mean' (gain-free DAM fusion, an mmhdf option): in ResNet3d
# the DAM after stage 4 feeds avgpool -> fc directly, with no normalisation
# in between, so the paper form's learnable global gain (0.78 at init) is
# redundant with the fc weight scale; on a class-prior plateau it shrank
# (0.58 by epoch 3) and stalled 2 of 3 "+DAM" seeds at lr 2e-3. Dividing the
# fused scale by its per-sample mean removes that direction. In the paper's
# X3D a conv + BN follows every DAM, so the X3D recipes keep the paper form
# ('none'). See mmhdf/models/dam/dam.py.
_base_ = './r3d18.py'


model = dict(
    backbone=dict(
        type='ResNet3dDAM',
        num_frames=16,  # must equal the pipeline's clip_len
        dam_stages=(0, 1, 2, 3),
        dam_cfg=dict(diff_axis='time', freq_select='all',
                     fusion_norm='mean')))
