# Numerics candidate "nosam-10e": HDF's two modules without SAM (the
# ablation's "+DAM+DSM" recipe) trained 10 epochs instead of 6. A SAM step
# costs two forward/backward passes, so 10 plain epochs cost about what the
# main job's 6 SAM epochs cost (measured: 6 plain epochs 205 s, 6 SAM epochs
# 351 s, Xeon, 2 threads). lr 2e-3, warm-up epoch and cosine to 1e-5.
# Not run: the 6-epoch "nosam" stalled on seed 2 first, which led to the
# lr screen instead.
_base_ = './nosam.py'  # lr 2e-3

max_epochs = 10
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0,
         end=_base_.warmup_epochs, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', eta_min=1e-5, by_epoch=True,
         begin=_base_.warmup_epochs, end=max_epochs,
         convert_to_iter_based=True)
]
