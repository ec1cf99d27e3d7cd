# Numerics candidate "ema": mmhdf 0.2's main-job recipe (v2: HDF with SAM,
# lr 2e-3) + an exponential moving
# average of the weights (mmengine's EMAHook), validated, selected and
# tested with the averaged weights. momentum 0.01 per iteration: a time
# constant of ~100 iterations (~1.1 of the 6 epochs of 88 iterations);
# averaging starts after the 1-epoch warm-up; BN statistics are averaged too.
_base_ = ('../../../configs/recognition/hdf/'
          'hdf_r3d18-w16-dam4_sam_1xb16-8x64-6e_syndfer-h-cpu-v2.py')

custom_hooks = [
    *_base_.custom_hooks,
    dict(type='EMAHook', ema_type='ExponentialMovingAverage', momentum=0.01,
         update_buffers=True, begin_epoch=1, priority='NORMAL')
]
