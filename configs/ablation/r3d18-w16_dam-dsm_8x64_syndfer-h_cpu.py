# Deprecated alias of the old config path, kept for one release (the
# next release removes it). The recipe moved to
#   configs/ablation/r3d18-w16-dam4_dsm_1xb16-8x64-6e_syndfer-h-cpu.py
# and this file resolves to exactly the same config
# (tests/configs/test_config_moves.py). Old -> new paths:
# configs/recognition/hdf/README.md, section "Old config paths".
_base_ = ['r3d18-w16-dam4_dsm_1xb16-8x64-6e_syndfer-h-cpu.py']
_deprecation_ = dict(
    expected='configs/ablation/r3d18-w16-dam4_dsm_1xb16-8x64-6e_syndfer-h-cpu.py',
    reference='configs/recognition/hdf/README.md')
