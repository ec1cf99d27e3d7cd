# Numerics candidate "lr1e-3": mmhdf 0.2's main-job recipe (v2: HDF with
# SAM) at half the peak learning rate (AdamW lr 1e-3 instead of 2e-3; same warm-up
# epoch and cosine to 1e-5). Screened first on the plateau escape (val UAR
# after 2 epochs, DAM+DSM without SAM, Xeon, seeds 2 / 0 / 1): lr 2e-3
# 14.0 (stalled) / 36.6 / 45.1, lr 1e-3 38.1 / 33.9 / 41.8, lr 4e-3 14.6
# (stalled) / 11.9 after epoch 1 (stopped).
_base_ = ('../../../configs/recognition/hdf/'
          'hdf_r3d18-w16-dam4_sam_1xb16-8x64-6e_syndfer-h-cpu.py')

# (since mmhdf 0.3 the schedule's own lr; kept explicit)
optim_wrapper = dict(optimizer=dict(lr=1e-3))
