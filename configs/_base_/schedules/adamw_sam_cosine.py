# HDF's optimizer (released train_wSAM.py + M3DFEL defaults): SAM (rho 0.05,
# non-adaptive, global grad norm) around AdamW (lr 5e-4, betas 0.9/0.999,
# eps 1e-8, wd 0.05); linear warm-up, then cosine to 5e-6, stepped per
# iteration. M3DFEL runs 300 epochs with 20 warm-up epochs.
#
# Epochs: a child that changes them must restate both `train_cfg` and
# `param_scheduler` (mmengine evaluates this file before the child), e.g.
#   max_epochs, warmup_epochs = 30, 2
#   train_cfg = dict(max_epochs=max_epochs)
#   param_scheduler = [
#       dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0,
#            end=warmup_epochs, convert_to_iter_based=True),
#       dict(type='CosineAnnealingLR', eta_min=5e-6, by_epoch=True,
#            begin=warmup_epochs, end=max_epochs, convert_to_iter_based=True)]
# SAMOptimWrapper accepts clip_grad=dict(max_norm=...) (it clips the
# second-pass gradients); the released recipe does not clip.
_base_ = './adamw_cosine.py'

# Same epochs, warm-up, cosine schedule and AdamW as adamw_cosine.py; SAM
# wraps the optimizer instead of the plain (grad-norm recording) wrapper.
optim_wrapper = dict(type='SAMOptimWrapper', rho=0.05)
