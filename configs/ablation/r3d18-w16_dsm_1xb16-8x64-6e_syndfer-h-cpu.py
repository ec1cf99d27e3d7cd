# Ablation "+DSM": the baseline backbone with HDF's objective (CE + DSM with
# gradient-driven scaling), AdamW without SAM, same budget.
_base_ = [
    '../_base_/models/r3d18.py', '../_base_/datasets/syndfer_h.py',
    '../_base_/schedules/syndfer_cpu.py', '../_base_/default_runtime.py',
    '../_base_/hdf_dsm.py'
]

model = dict(
    backbone=dict(base_channels=16),
    cls_head=dict(
        type='HDFHead', in_channels=128, dropout_ratio=0.2,
        **_base_.dsm_head))

default_hooks = dict(logger=dict(interval=20))
