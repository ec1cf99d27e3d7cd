"""``import mmhdf`` leaves its host alone; mmhdf's opt-in restores the safety.

Every check runs in a fresh interpreter (this pytest process has applied
:func:`mmhdf.compat.apply` through tests/compat/conftest.py). Each snippet
prints one JSON object, computed before and after the step under test.

* After ``import mmhdf`` (directly, or as ``custom_imports`` of a plain
  mmaction2 config): mmaction2's ``DecordInit`` / ``DecordDecode`` are
  mmaction2's classes, mmengine's checkpoint loaders are mmengine's function
  objects and load what upstream loads, and mmengine's distributed set-up
  (``_init_dist_pytorch``, ``MMDistributedDataParallel.__init__``) is
  mmengine's.
* With ``mmhdf.compat.apply()``, an mmhdf config (``custom_imports`` of
  ``mmhdf.compat.enable``) or the ``MMHDFCompatHook`` it selects: every
  loader is mmhdf's weights-only one, a pickle payload is refused, and the
  CPU launch fix is installed on CPU-only hosts.
"""
import json
import os
import os.path as osp
import subprocess
import sys
import textwrap

import pytest
import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
RUNTIME = osp.join(ROOT, 'configs', '_base_', 'default_runtime.py')

# Snapshot of everything mmhdf could change upstream; ``STATE()`` returns
# the identity of each object as a comparable string.
_PRELUDE = '''
import json, sys
import mmengine.dist.utils as dist_utils
from mmengine.model.wrappers import distributed as mm_ddp
from mmengine.runner.checkpoint import CheckpointLoader


def STATE():
    from mmaction.registry import TRANSFORMS
    return dict(
        schemes={k: f'{v.__module__}.{v.__qualname__}@{id(v)}'
                 for k, v in CheckpointLoader._schemes.items()},
        local=CheckpointLoader._get_checkpoint_loader('/x/y.pth').__module__,
        init_dist=id(dist_utils._init_dist_pytorch),
        ddp_init=id(mm_ddp.MMDistributedDataParallel.__init__),
        decord={n: f'{c.__module__}.{c.__qualname__}' for n, c in (
            (n, TRANSFORMS.get(n)) for n in ('DecordInit', 'DecordDecode'))})


BEFORE = STATE()
'''


def _run(body: str, *args: str, env: dict = None) -> dict:
    """Run ``_PRELUDE + body`` in a fresh interpreter; parse its last line."""
    code = _PRELUDE + textwrap.dedent(body)
    full_env = dict(os.environ, PYTHONPATH=ROOT, OMP_NUM_THREADS='1')
    full_env.pop('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', None)
    full_env.update(env or {})
    res = subprocess.run([sys.executable, '-c', code, *args],
                         capture_output=True, text=True, timeout=300,
                         cwd=ROOT, env=full_env)
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


def _plain_mmaction_config(tmp_path) -> str:
    """A plain mmaction2 config that adds mmhdf as a plug-in."""
    path = tmp_path / 'plain_mmaction.py'
    path.write_text(
        "_base_ = ['mmaction::_base_/default_runtime.py']\n"
        "custom_imports = dict(imports=['mmhdf'], "
        "allow_failed_imports=False)\n")
    return str(path)


@pytest.mark.parametrize('how', ['import', 'plain_config'])
def test_import_mmhdf_changes_nothing_upstream(tmp_path, how):
    """Transforms, checkpoint loaders and DDP set-up stay mmaction2's /
    mmengine's after ``import mmhdf`` or a plain config importing it."""
    out = _run('''
        if sys.argv[1] == 'import':
            import mmhdf
        else:
            from mmengine.config import Config
            Config.fromfile(sys.argv[2])
        import mmhdf
        from mmaction.registry import TRANSFORMS
        print(json.dumps(dict(
            before=BEFORE, after=STATE(), loaded='mmhdf' in sys.modules,
            safe=TRANSFORMS.get('SafeDecordInit').__module__)))
        ''', how, _plain_mmaction_config(tmp_path))
    assert out['loaded']
    assert out['after'] == out['before']
    assert out['after']['decord'] == {
        'DecordInit': 'mmaction.datasets.transforms.loading.DecordInit',
        'DecordDecode': 'mmaction.datasets.transforms.loading.DecordDecode'}
    assert out['after']['local'] == 'mmengine.runner.checkpoint'
    # mmhdf's safe transforms exist, under their own name only
    assert out['safe'] == 'mmhdf.datasets.transforms.video'


_LOAD_PICKLE = '''
import argparse, torch
path = sys.argv[2]
torch.save({'ns': argparse.Namespace(x=1)}, path)
if sys.argv[1] == 'mmhdf':
    import mmhdf
try:
    ckpt = CheckpointLoader.load_checkpoint(path, map_location='cpu')
    result = f'loaded Namespace(x={ckpt["ns"].x})'
except Exception as err:
    result = f'{type(err).__module__}.{type(err).__name__}'
print(json.dumps(dict(result=result)))
'''


@pytest.mark.parametrize('force_full', [False, True])
def test_local_loader_loads_what_upstream_loads(tmp_path, force_full):
    """A checkpoint holding a non-tensor object: with ``import mmhdf`` the
    outcome is upstream's, also when upstream fully unpickles it
    (``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1``)."""
    env = {'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD': '1'} if force_full else {}
    path = str(tmp_path / 'obj.pth')
    upstream = _run(_LOAD_PICKLE, 'upstream', path, env=env)['result']
    with_mmhdf = _run(_LOAD_PICKLE, 'mmhdf', path, env=env)['result']
    assert with_mmhdf == upstream
    if force_full:  # upstream unpickles; mmhdf used to refuse it here
        assert upstream == 'loaded Namespace(x=1)'


_APPLY = '''
import mmhdf
how = sys.argv[1]
if how == 'apply':
    import mmhdf.compat
    mmhdf.compat.apply()
    first = STATE()
    mmhdf.compat.apply()
    mmhdf.compat.apply('checkpoint', 'dist_cpu')
    assert STATE() == first, 'apply() is not idempotent'
elif how == 'mmhdf_config':
    from mmengine.config import Config
    Config.fromfile(sys.argv[2])
elif how == 'hook':
    from mmaction.registry import HOOKS
    HOOKS.build(dict(type='MMHDFCompatHook'))
import argparse, torch
path = sys.argv[3]
torch.save({'ns': argparse.Namespace(x=1)}, path)
try:
    CheckpointLoader.load_checkpoint(path, map_location='cpu')
    result = 'loaded'
except Exception as err:
    result = type(err).__name__
after = STATE()
print(json.dumps(dict(before=BEFORE, after=after, result=result)))
'''


@pytest.mark.parametrize('how', ['apply', 'mmhdf_config', 'hook'])
def test_opt_in_activates_the_protections(tmp_path, how):
    """``mmhdf.compat.apply()``, loading an mmhdf config, or building the
    hook an mmhdf config selects: every loader weights-only, payload refused,
    CPU launch fix in place (on CPU-only hosts)."""
    out = _run(_APPLY, how, RUNTIME, str(tmp_path / 'obj.pth'),
               env={'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD': '1'})
    after = out['after']
    assert out['result'] == 'UnsafeCheckpointError'
    assert after['local'] == 'mmhdf.compat.checkpoint'
    assert after['schemes'].keys() == out['before']['schemes'].keys()
    assert all(v.startswith('mmhdf.compat.') for v in
               after['schemes'].values()), after['schemes']
    if not torch.cuda.is_available():
        assert after['init_dist'] != out['before']['init_dist']
        assert after['ddp_init'] != out['before']['ddp_init']
    # the transforms are never taken over
    assert after['decord'] == out['before']['decord']


def test_apply_names_its_pieces():
    import mmhdf.compat
    assert mmhdf.compat.PIECES == ('checkpoint', 'dist_cpu')
    assert {'checkpoint', 'dist_cpu'} <= mmhdf.compat.applied()
    with pytest.raises(ValueError, match="unknown mmhdf.compat piece"):
        mmhdf.compat.apply('checkpoints')


def test_mmhdf_runtime_selects_the_opt_in():
    """The base runtime every mmhdf recipe inherits selects both ways."""
    from mmengine.config import Config
    cfg = Config.fromfile(RUNTIME, import_custom_modules=False)
    assert cfg.custom_imports['imports'] == ['mmhdf', 'mmhdf.compat.enable']
    assert cfg.default_hooks['compat'] == dict(type='MMHDFCompatHook')
