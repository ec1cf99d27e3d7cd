# Baseline without HDF: X3D-S, FERV39k face crops, 16 x 112^2, single split.
# Checkpoint selected on a stratified 10% carve of train_All (dfer/UAR);
# test_All evaluated once with best_dfer_UAR_epoch_*.pth and once with the
# last epoch. Per-scene UAR and dfer/worst_group_UAR are reported.
# Schedule: adamw_cosine.py (HDF's AdamW, warm-up + cosine, 300 ep, no SAM).
_base_ = [
    '../../_base_/models/x3d_s.py', '../../_base_/datasets/ferv39k.py',
    '../../_base_/schedules/adamw_cosine.py',
    '../../_base_/default_runtime.py'
]

default_hooks = dict(
    checkpoint=dict(save_best='dfer/UAR', rule='greater', max_keep_ckpts=1,
                    save_last=True))
