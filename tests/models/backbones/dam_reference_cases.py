"""Fixed cases for the DAM-backbone equivalence test.

``data/dam_backbone_reference.pt`` holds the outputs (and state_dict keys)
of these cases computed by the pre-``insert_dams`` implementation of
``X3DDAM`` / ``ResNet3dDAM`` (each re-implemented its parent's forward;
mmhdf before issue 15). The weights do not come from the file: every
parameter and BN statistic is drawn by :func:`randomize_` from a generator
seeded with the tensor's name, so the weights are the same whatever order
the modules are built in.
"""
import zlib
from typing import Dict, List

import torch
import torch.nn as nn
from torch.nn.modules.batchnorm import _BatchNorm

TINY_R3D = dict(depth=18, base_channels=4, pretrained=None, pretrained2d=False)
R3D18 = dict(
    inflate=(1, 1, 1, 1),
    conv1_kernel=(3, 7, 7),
    conv1_stride_t=1,
    pool1_stride_t=1,
    with_pool1=False,
    with_pool2=False,
    spatial_strides=(1, 2, 2, 2),
    temporal_strides=(1, 2, 2, 2))
TINY_X3D = dict(gamma_w=0.1, gamma_b=0.5, gamma_d=0.5)

# name -> (registered type, constructor kwargs, input shape)
CASES: Dict[str, tuple] = {
    'x3d_all_stages': ('X3DDAM', dict(num_frames=4, **TINY_X3D),
                       (2, 3, 4, 32, 32)),
    'x3d_two_stages_options':
    ('X3DDAM',
     dict(
         num_frames=4,
         dam_stages=(3, 1),
         dam_cfg=dict(
             diff_axis='channel', freq_select='low', fusion_norm='mean'),
         **TINY_X3D), (2, 3, 4, 32, 32)),
    'r3d18_all_stages_multi_out':
    ('ResNet3dDAM',
     dict(
         num_frames=8,
         out_indices=(0, 1, 2, 3),
         dam_cfg=dict(fusion_norm='mean'),
         **TINY_R3D,
         **R3D18), (2, 3, 8, 32, 32)),
    'r3d_pool2_two_stages': ('ResNet3dDAM',
                             dict(
                                 num_frames=8,
                                 dam_stages=(0, 2),
                                 out_indices=(0, 3),
                                 **TINY_R3D), (2, 3, 8, 32, 32)),
}


def _generator(name: str) -> torch.Generator:
    return torch.Generator().manual_seed(zlib.crc32(name.encode()))


@torch.no_grad()
def randomize_(model: nn.Module) -> nn.Module:
    """Overwrite every parameter and BN running statistic, by name.

    Args:
        model (nn.Module): Model to fill in place.

    Returns:
        nn.Module: ``model``.
    """
    bn_stats = {}
    for mod_name, mod in model.named_modules():
        if isinstance(mod, _BatchNorm):
            prefix = f'{mod_name}.' if mod_name else ''
            bn_stats[prefix + 'running_mean'] = mod.running_mean
            bn_stats[prefix + 'running_var'] = mod.running_var
    for name, t in list(model.named_parameters()) + list(bn_stats.items()):
        g = _generator(name)
        noise = torch.randn(t.shape, generator=g)
        if name.endswith('running_var'):
            t.copy_(torch.rand(t.shape, generator=g) + 0.5)
        elif name.endswith('running_mean'):
            t.copy_(0.1 * noise)
        elif t.dim() >= 2:
            t.copy_(noise / t[0].numel()**0.5)
        else:  # biases, BN affine, DAM scalars / vectors
            t.copy_(0.5 + 0.25 * noise)
    return model


def case_input(name: str, shape: tuple) -> torch.Tensor:
    """Input clip of a case, drawn from a generator seeded by its name."""
    return torch.randn(shape, generator=_generator('input/' + name))


def run_case(model: nn.Module, name: str, shape: tuple) -> List[torch.Tensor]:
    """Outputs of a case: eval forward, then train-mode forward (batch BN).

    Returns:
        list[torch.Tensor]: Eval outputs, then train outputs (each backbone
        output flattened into the list).
    """
    x = case_input(name, shape)
    outs = []
    for train in (False, True):
        model.train(train)
        with torch.no_grad():
            out = model(x)
        outs.extend(out if isinstance(out, tuple) else (out, ))
    return outs
