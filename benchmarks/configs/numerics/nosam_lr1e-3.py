# Numerics candidate "nosam-lr1e-3": HDF's two modules without SAM (the
# ablation's "+DAM+DSM" recipe) at half the peak learning rate (AdamW lr
# 1e-3 instead of 2e-3; same warm-up epoch and cosine to 1e-5). See
# lr1e-3.py for the plateau-escape screen that chose the lr.
_base_ = ('../../../configs/ablation/'
          'r3d18-w16-dam4_dsm_1xb16-8x64-6e_syndfer-h-cpu.py')

optim_wrapper = dict(optimizer=dict(lr=1e-3))
