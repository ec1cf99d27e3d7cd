# Baseline without HDF: X3D-S, MAFW single-label (11 classes), 16 x 112^2,
# fold 1 by default (the ..._mafw-fold{1..5}.py children change only
# `fold`).
# Checkpoint selected on a stratified 10% carve of the training fold
# (dfer/UAR); the test fold is evaluated once with best_dfer_UAR_epoch_*.pth
# and once with the last epoch; aggregate: tools/analysis/aggregate_folds.py
# Schedule: adamw_cosine.py (HDF's AdamW, warm-up + cosine, 300 ep, no SAM).
_base_ = [
    '../../_base_/models/x3d_s.py', '../../_base_/datasets/mafw.py',
    '../../_base_/schedules/adamw_cosine.py',
    '../../_base_/default_runtime.py'
]

model = dict(cls_head=dict(num_classes=11))

default_hooks = dict(
    checkpoint=dict(save_best='dfer/UAR', rule='greater', max_keep_ckpts=1,
                    save_last=True))
