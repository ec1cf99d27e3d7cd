# syndfer_cpu.py with SAM (rho 0.05) around the same AdamW: HDF's optimizer.
_base_ = './syndfer_cpu.py'

optim_wrapper = dict(type='SAMOptimWrapper', rho=0.05)
