# Numerics candidate "nosam": HDF's two modules without SAM (the ablation's
# "+DAM+DSM" recipe) at the former peak lr 2e-3 (mmhdf 0.2's schedule).
_base_ = ('../../../configs/recognition/hdf/'
          'hdf_r3d18-w16-dam4_1xb16-8x64-6e_syndfer-h-cpu.py')

optim_wrapper = dict(optimizer=dict(lr=2e-3))
