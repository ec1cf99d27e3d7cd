# The CPU schedule of the SynDFER-H recipes (main job and ablation): AdamW
# (lr 1e-3 for batch 16), 1 warm-up epoch, cosine to 1e-5, 6 epochs. Every
# variant of the ablation uses this same budget in epochs.
#
# lr 1e-3 (mmhdf 0.3; 0.1 and 0.2 used 2e-3): at 2e-3 a from-scratch run
# escapes the class-prior plateau or not depending on the seed and the CPU
# (benchmarks/numerics.py): "+DAM+DSM" seed 2 stayed at val UAR 14-15 for
# all 6 epochs on a Xeon while it trained on an EPYC, and 5 of 15 ablation
# runs without DAM stalled. Validation UAR after 2 epochs, seeds 2 / 0 / 1
# (benchmarks/results/numerics/escape): lr 2e-3 14.0 / 36.6 / 45.1, lr 1e-3
# 38.1 / 33.9 / 41.8, lr 4e-3 14.6 / 16.4.
_base_ = './adamw_cosine.py'

max_epochs = 6
warmup_epochs = 1
train_cfg = dict(max_epochs=max_epochs, val_begin=1, val_interval=1)
optim_wrapper = dict(optimizer=dict(lr=1e-3))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0,
         end=warmup_epochs, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', eta_min=1e-5, by_epoch=True,
         begin=warmup_epochs, end=max_epochs, convert_to_iter_based=True)
]
