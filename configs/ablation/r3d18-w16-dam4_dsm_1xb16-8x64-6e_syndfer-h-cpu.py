# Ablation "+DAM+DSM": full HDF without SAM: a DAM after each of the 4
# stages (gain-free fusion, 10 low DCT frequencies) and HDF's objective (CE +
# DSM with gradient-driven scaling), AdamW, the same budget as every variant.
# Since mmhdf 0.3 this is the main job's recipe.
_base_ = ['../recognition/hdf/hdf_r3d18-w16-dam4_1xb16-8x64-6e_syndfer-h-cpu.py']
