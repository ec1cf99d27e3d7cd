# The main job's recipe as released in mmhdf 0.2 (kept to reproduce that
# release's model-zoo checkpoint and numbers): full HDF with SAM (rho 0.01)
# at the schedule's former peak lr 2e-3. mmhdf 0.3's main job trains
# hdf_r3d18-w16-dam4_1xb16-8x64-6e_syndfer-h-cpu.py (DAM + DSM, AdamW, lr
# 1e-3): see benchmarks/results/numerics and the README's Results.
_base_ = ['./hdf_r3d18-w16-dam4_sam_1xb16-8x64-6e_syndfer-h-cpu.py']

optim_wrapper = dict(optimizer=dict(lr=2e-3))
