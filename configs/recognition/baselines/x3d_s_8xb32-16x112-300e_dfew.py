# Baseline without HDF: X3D-S, DFEW frames, 16 x 112^2, fold 1 by default.
# Folds: the ..._dfew-fold{1..5}.py children (they only change `fold`).
# Honest protocol: checkpoint selected on a stratified 10% carve of the
# training fold (dfer/UAR); evaluate the test fold once with
#   best_dfer_UAR_epoch_*.pth  and once with the last epoch's checkpoint,
# then aggregate with tools/analysis/aggregate_folds.py.
# Schedule: adamw_cosine.py (HDF's AdamW, warm-up + cosine, 300 ep, no SAM).
_base_ = [
    '../../_base_/models/x3d_s.py', '../../_base_/datasets/dfew.py',
    '../../_base_/schedules/adamw_cosine.py',
    '../../_base_/default_runtime.py'
]

default_hooks = dict(
    checkpoint=dict(save_best='dfer/UAR', rule='greater', max_keep_ckpts=1,
                    save_last=True))
