# The CPU schedule of the SynDFER-H recipes (main job and ablation): AdamW
# (lr 2e-3 for batch 16), 1 warm-up epoch, cosine to 1e-5, 6 epochs. Every
# variant of the ablation uses this same budget in epochs.
_base_ = './adamw_cosine.py'

max_epochs = 6
warmup_epochs = 1
train_cfg = dict(max_epochs=max_epochs, val_begin=1, val_interval=1)
optim_wrapper = dict(optimizer=dict(lr=2e-3))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0,
         end=warmup_epochs, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', eta_min=1e-5, by_epoch=True,
         begin=warmup_epochs, end=max_epochs, convert_to_iter_based=True)
]
