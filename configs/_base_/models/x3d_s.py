# X3D-S baseline recognizer for 7-class DFER (mmaction2's X3D-S base with a
# 7-way head, no pretrained download).
_base_ = 'mmaction::_base_/models/x3d.py'

model = dict(
    backbone=dict(type='X3D', gamma_w=1, gamma_b=2.25, gamma_d=2.2),
    cls_head=dict(num_classes=7, dropout_ratio=0.5),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[114.75, 114.75, 114.75],
        std=[57.38, 57.38, 57.38],
        format_shape='NCTHW'))
