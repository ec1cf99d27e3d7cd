# The main job's recipe as released in mmhdf 0.1 (kept to reproduce that
# release's model-zoo checkpoint and numbers): the paper's DAM fusion
# (fusion_norm='none'), DSM scaling with g measured on the *weighted*
# objective (grad_source='weighted', which feeds back and keeps lambda_SC
# near 0.002-0.005) and beta = 0.1. Use
# hdf_r3d18-w16-dam4_1xb16-8x64-6e_syndfer-h-cpu.py for new runs (lr 2e-3 comes
# from the -v2 base).
_base_ = ['./hdf_r3d18-w16-dam4_sam_1xb16-8x64-6e_syndfer-h-cpu-v2.py']

model = dict(backbone=dict(dam_cfg=dict(fusion_norm='none')))

custom_hooks = [
    dict(
        type='DSMScalingHook',
        mode='grad',
        grad_source='weighted',
        alpha=10.0,
        beta=0.1,
        init_grad_norm=1.0,
        lambda_ce=10.0,
        lambda_sc=0.1)
]
