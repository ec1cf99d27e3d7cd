# adamw_sam_cosine.py without SAM (ablation, cheap runs): AdamW (lr 5e-4,
# betas 0.9/0.999, eps 1e-8, wd 0.05); linear warm-up, then cosine to 5e-6,
# stepped per iteration; 300 epochs with 20 warm-up epochs (M3DFEL).
#
# GradNormOptimWrapper is mmengine's OptimWrapper plus a record of the
# pre-clip global gradient norm, which DSMScalingHook reads (the hook also
# works with a plain OptimWrapper). Add clip_grad=dict(max_norm=...) freely.
#
# Epochs: a child that changes them must restate both `train_cfg` and
# `param_scheduler` (see adamw_sam_cosine.py for the snippet).
max_epochs = 300
warmup_epochs = 20

train_cfg = dict(
    type='EpochBasedTrainLoop',
    max_epochs=max_epochs,
    val_begin=1,
    val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    type='GradNormOptimWrapper',
    optimizer=dict(
        type='AdamW', lr=5e-4, betas=(0.9, 0.999), eps=1e-8,
        weight_decay=0.05))

param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-3,
        by_epoch=True,
        begin=0,
        end=warmup_epochs,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        eta_min=5e-6,
        by_epoch=True,
        begin=warmup_epochs,
        end=max_epochs,
        convert_to_iter_based=True)
]

auto_scale_lr = dict(enable=False, base_batch_size=256)
