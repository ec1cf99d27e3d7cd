# HDF's DSM objective: CE (label smoothing 0.1) + DRO supervised contrastive
# + information bottleneck on the pooled pre-fc feature, weighted by
# lambda_CE = alpha*g/(g+1), lambda_SC = beta/(g+1) (g = previous step's
# global grad norm; SAM's first-pass norm under SAMOptimWrapper).
#
# mmengine forbids the same top-level key in two sibling bases, so this
# fragment cannot define `model` next to a model base. It exports the head
# settings as `dsm_head`; a recipe merges them into its head and picks the
# head type matching its model base:
#
#   _base_ = ['../_base_/models/x3d_s_dam.py', ..., '../_base_/hdf_dsm.py']
#   model = dict(cls_head=dict(type='HDFX3DHead', **_base_.dsm_head))
#   # R3D-18 (I3DHead base): dict(type='HDFHead', **_base_.dsm_head)
#
# A recipe that defines its own `custom_hooks` replaces this list: keep
# `*_base_.custom_hooks` in it.
dsm_loss = dict(
    type='DSMLoss',
    temperature=0.07,  # released code
    eta=0.2,  # released code; the DRO weight uses the raw cosine
    ib_weight=0.1,  # + 0.1 * tr Cov(z) (paper value not published)
    variant='paper')  # 'released' = the official code's form (ablation)

dsm_head = dict(
    loss_dsm=dsm_loss,
    label_smooth_eps=0.1,  # M3DFEL default
    # initial weights; DSMScalingHook overwrites them every iteration
    lambda_ce=10.0,
    lambda_sc=0.1)

custom_hooks = [
    dict(
        type='DSMScalingHook',
        mode='grad',  # 'fixed': lambda_ce / lambda_sc below (ablation)
        alpha=10.0,
        beta=0.1,
        init_grad_norm=1.0,  # g before the first update -> (5.0, 0.05)
        lambda_ce=10.0,
        lambda_sc=0.1)
]
