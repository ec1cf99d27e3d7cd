# torchvision-style R3D-18 (mmaction2 ResNet3d, depth 18) for 7-class DFER.
# ``base_channels`` scales the width (64 = the standard R3D-18; the CPU
# recipes use 16). No pretrained download.
model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='ResNet3d',
        depth=18,
        base_channels=64,
        pretrained=None,
        pretrained2d=False,
        inflate=(1, 1, 1, 1),
        conv1_kernel=(3, 7, 7),
        conv1_stride_t=1,
        pool1_stride_t=1,
        with_pool1=False,
        with_pool2=False,
        spatial_strides=(1, 2, 2, 2),
        temporal_strides=(1, 2, 2, 2),
        norm_cfg=dict(type='BN3d', requires_grad=True),
        norm_eval=False,
        zero_init_residual=False),
    cls_head=dict(
        type='I3DHead',
        in_channels=512,
        num_classes=7,
        spatial_type='avg',
        dropout_ratio=0.5,
        init_std=0.01,
        average_clips='prob'),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[114.75, 114.75, 114.75],
        std=[57.38, 57.38, 57.38],
        format_shape='NCTHW'),
    train_cfg=None,
    test_cfg=None)
