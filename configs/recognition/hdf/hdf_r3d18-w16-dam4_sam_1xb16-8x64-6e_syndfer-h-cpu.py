# Full HDF (DAM after each of the 4 stages + DSM with gradient-driven
# scaling + SAM around AdamW) sized for 2 CPU cores: the main job's recipe
# (hdf_r3d18-w16-dam4_1xb16-8x64-6e_syndfer-h-cpu.py: R3D-18 width 16, 8
# frames at 64x64, SynDFER-H, AdamW lr 1e-3, 6 epochs) with SAM added, as
# in configs/_base_/schedules/syndfer_cpu_sam.py. It was the main job's
# recipe in mmhdf 0.1 / 0.2 (at lr 2e-3: the -v1 / -v2 configs). The
# paper's GPU recipe (X3D-S, 16x112^2) is
# hdf_x3d-s-dam4_sam_8xb32-16x112-300e_dfew.py in this folder.
_base_ = ['./hdf_r3d18-w16-dam4_1xb16-8x64-6e_syndfer-h-cpu.py']

# SAM radius for this small, short CPU run: rho=0.05 (the released code's
# value, kept by the paper's recipe) held it near the class prior for 3 of
# its 6 epochs (val UAR 14.3 % after epoch 3, 29.5 % after epoch 6), rho=0.01
# reached 44.2 % after epoch 3 (SynDFER-H, seed 0, measured).
optim_wrapper = dict(type='SAMOptimWrapper', rho=0.01)
