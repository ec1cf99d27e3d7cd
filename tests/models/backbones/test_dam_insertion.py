"""insert_dams: one DAM-insertion mechanism for mmaction2 3D backbones.

Equivalence with the implementation it replaced (X3DDAM / ResNet3dDAM with
their own copies of the parent's forward): the outputs recorded from that
code (data/dam_backbone_reference.pt, see dam_reference_cases.py) and an
explicit reference forward written out below.
"""
import copy
import importlib.util
import os.path as osp

import pytest
import torch
from mmaction.models.backbones import ResNet3d
from mmaction.registry import MODELS

import mmhdf.models  # noqa: F401
from mmhdf.models.backbones import X3DDAM, ResNet3dDAM, insert_dams

HERE = osp.dirname(osp.abspath(__file__))


def _load_cases():
    spec = importlib.util.spec_from_file_location(
        'dam_reference_cases', osp.join(HERE, 'dam_reference_cases.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cases = _load_cases()
REFERENCE = torch.load(
    osp.join(HERE, 'data', 'dam_backbone_reference.pt'), weights_only=True)


def _build(name):
    typ, kwargs, shape = cases.CASES[name]
    return cases.randomize_(MODELS.build(dict(type=typ, **kwargs))), shape


def old_forward(model, x):
    """The removed per-backbone forwards, written out (stages called
    through ``.forward`` so that the inserted hooks do not fire)."""
    if isinstance(model, X3DDAM):
        x = model.conv1_t(model.conv1_s(x))
    else:
        x = model.conv1(x)
        if model.with_pool1:
            x = model.maxpool(x)
    outs = []
    for i, layer_name in enumerate(model.res_layers):
        x = getattr(model, layer_name).forward(x)
        if i in model.dam_stages:
            x = model.dams[f'dam{i + 1}'](x)
        if isinstance(model, X3DDAM):
            continue
        if i == 0 and model.with_pool2:
            x = model.pool2(x)
        if i in model.out_indices:
            outs.append(x)
    if isinstance(model, X3DDAM):
        return model.conv5(x)
    return outs[0] if len(outs) == 1 else tuple(outs)


@pytest.mark.parametrize('name', sorted(cases.CASES))
def test_outputs_match_previous_implementation(name):
    model, shape = _build(name)
    ref = REFERENCE[name]
    # same parameter / buffer names: old checkpoints load strictly
    assert list(model.state_dict().keys()) == ref['keys']
    outs = cases.run_case(model, name, shape)
    assert len(outs) == len(ref['outputs'])
    for out, expected in zip(outs, ref['outputs']):
        # reference outputs were saved on another CPU: kernels differ in
        # the last bits (measured up to 2.3e-6 absolute on a Xeon)
        torch.testing.assert_close(out, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize('name', sorted(cases.CASES))
def test_outputs_equal_explicit_reference_forward(name):
    model, shape = _build(name)
    model.eval()
    x = cases.case_input(name, shape)
    with torch.no_grad():
        out, ref = model(x), old_forward(model, x)
    out = out if isinstance(out, tuple) else (out, )
    ref = ref if isinstance(ref, tuple) else (ref, )
    assert all(torch.equal(a, b) for a, b in zip(out, ref))
    # and the DAMs matter: without their hooks the output differs
    model_plain = copy.deepcopy(model)
    for i in model_plain.dam_stages:
        getattr(model_plain, model_plain.res_layers[i])._forward_hooks.clear()
    with torch.no_grad():
        plain = model_plain(x)
    plain = plain if isinstance(plain, tuple) else (plain, )
    assert not torch.allclose(out[-1], plain[-1])


def test_no_forward_copy():
    """X3DDAM / ResNet3dDAM run their parent's forward."""
    from mmaction.models.backbones import X3D
    assert X3DDAM.forward is X3D.forward
    assert ResNet3dDAM.forward is ResNet3d.forward


def test_deepcopy_uses_its_own_dams():
    """EMA / model averaging deep-copy the model: the copy's hooks must
    apply the copy's DAMs, not the original's."""
    model, shape = _build('x3d_all_stages')
    model.eval()
    twin = copy.deepcopy(model)
    x = cases.case_input('x3d_all_stages', shape)
    with torch.no_grad():
        before = model(x)
        twin.dams['dam2'].temporal_weight.fill_(5.0)
        assert torch.equal(model(x), before)  # original untouched
        assert not torch.allclose(twin(x), before)
        assert torch.equal(twin(x), old_forward(twin, x))


def test_replaced_dam_entry_is_used():
    """benchmarks/bench_dam.py swaps in a reference DAM by assignment."""
    model, shape = _build('r3d18_all_stages_multi_out')
    model.eval()
    x = cases.case_input('r3d18_all_stages_multi_out', shape)
    seen = []
    model.dams['dam2'] = torch.nn.Identity()
    model.dams['dam2'].register_forward_hook(
        lambda m, a, out: seen.append(out))
    with torch.no_grad():
        outs = model(x)
    assert len(seen) == 1 and torch.equal(outs[1], seen[0])
    assert torch.equal(outs[1], model.layer2.forward(outs[0]))


def test_insert_dams_errors():
    model = ResNet3d(**cases.TINY_R3D, **cases.R3D18)
    with pytest.raises(ValueError, match='4 stages .* but 3 stage_frames'):
        insert_dams(model, 16, model.res_layers, [16, 8, 4])
    with pytest.raises(ValueError, match=r"no stage module\(s\) \['nope'\]"):
        insert_dams(model, 16, ['nope'], [16], dam_stages=(0, ))
    insert_dams(model, 16, model.res_layers, [16, 8, 4, 2], dam_stages=(1, ))
    with pytest.raises(ValueError, match='already has DAMs'):
        insert_dams(model, 16, model.res_layers, [16, 8, 4, 2])
