# Deprecated alias of the old config path, kept for one release (the
# next release removes it). The recipe moved to
#   configs/recognition/baselines/x3d_s_8xb32-16x112-300e_mafw-fold3.py
# and this file resolves to exactly the same config
# (tests/configs/test_config_moves.py). Old -> new paths:
# configs/recognition/hdf/README.md, section "Old config paths".
_base_ = ['../recognition/baselines/x3d_s_8xb32-16x112-300e_mafw-fold3.py']
_deprecation_ = dict(
    expected='configs/recognition/baselines/x3d_s_8xb32-16x112-300e_mafw-fold3.py',
    reference='configs/recognition/hdf/README.md')
