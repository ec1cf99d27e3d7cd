# Ablation "+DAM+DSM": full HDF without SAM: a DAM after each of the 4
# stages (gain-free fusion, 10 low DCT frequencies) and HDF's objective (CE +
# DSM with gradient-driven scaling), AdamW, the same budget as every variant.
_base_ = [
    '../_base_/models/r3d18_dam.py', '../_base_/datasets/syndfer_h.py',
    '../_base_/schedules/syndfer_cpu.py', '../_base_/default_runtime.py',
    '../_base_/hdf_dsm.py'
]

model = dict(
    # num_frames: one clip length, the dataset base's clip_len (8).
    backbone=dict(
        base_channels=16, num_frames=_base_.clip_len,
        dam_cfg=dict(freq_select='low')),
    cls_head=dict(
        type='HDFHead', in_channels=128, dropout_ratio=0.2,
        **_base_.dsm_head))

default_hooks = dict(logger=dict(interval=20))
